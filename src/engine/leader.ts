/**
 * Leader election on a coordination.k8s.io/v1 Lease, compatible with client-go's `tools/leaderelection`: the
 * same Lease fields, the same acquire, renew and release rules, so Steward can share a Lease with, or be
 * watched by, any client-go tool.
 *
 * Like client-go, a candidate never trusts the times written in the Lease: the holder's clock may be skewed.
 * It notes on its own clock when it last saw the record change, and treats the Lease as expired once
 * `leaseDurationSeconds` pass on that clock without a change. It tolerates any clock offset between pods, but
 * not a clock running much faster than another's (lease duration : renew deadline bounds that ratio).
 */
import type { Clock } from './clock.js';
import type { Lease, LeaseClient, LeaseRecord } from './lease.js';
import {
  heldRecord,
  LeaseObservation,
  microTime,
  newLease,
  recordOf,
  releasedRecord,
  withRecord,
} from './lease.js';

/** client-go's `JitterFactor`: a candidate waits retryPeriod plus up to 1.2 times retryPeriod between tries. */
export const JITTER_FACTOR = 1.2;

export interface LeaderElectorOptions {
  namespace: string;
  /** Name of the Lease. */
  name: string;
  /** Unique per process (client-go uses `<hostname>_<uuid>`): a restarted pod with the same identity would
   * take the Lease over at once, while its previous self may still be acting. */
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  clock: Clock;
  /** Values in [0, 1) for the retry jitter; Math.random by default. */
  random?: () => number;
  /** Called on acquiring the Lease; `signal` aborts the moment leadership ends, for whatever reason. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called once leadership ends (lost, run aborted, or released), after the leading signal aborted. */
  onStoppedLeading(): void;
  /** Called when a different holder is observed, this candidate included. */
  onNewLeader?(identity: string): void;
  log?: (msg: string, fields: object) => void;
}

/** Elects one leader among the processes sharing a Lease. See the module comment for the rules. */
export class LeaderElector {
  readonly #client: LeaseClient;
  readonly #o: LeaderElectorOptions;
  readonly #random: () => number;
  readonly #durationSeconds: number;
  readonly #seen: LeaseObservation;
  /** The Lease as last read or written: its resourceVersion conditions the next update. */
  #lease: Lease | undefined;
  #reportedLeader = '';
  /** Local time at which the last successful acquire or renew was sent. */
  #renewedAt = Number.NEGATIVE_INFINITY;
  #leading: AbortController | undefined;
  #stop: AbortController | undefined;
  #running: Promise<void> | undefined;
  #inflight: Promise<boolean> | undefined;

  constructor(client: LeaseClient, opts: LeaderElectorOptions) {
    validate(opts);
    this.#client = client;
    this.#o = opts;
    this.#random = opts.random ?? Math.random;
    this.#durationSeconds = Math.floor(opts.leaseDurationMs / 1000);
    this.#seen = new LeaseObservation(opts.identity, () => opts.clock.now());
  }

  /**
   * Campaigns until the Lease is acquired, then renews it until renewal fails for renewDeadline, another holder
   * is seen, `signal` aborts or `release` is called. Resolves when leadership (or the campaign) ends; it never
   * leads again without another call to `run`. Aborting does not release the Lease: call `release` for that.
   */
  run(signal: AbortSignal): Promise<void> {
    if (this.#running) return Promise.reject(new Error('the leader elector is already running'));
    this.#stop = new AbortController();
    const running = this.#campaign(AbortSignal.any([signal, this.#stop.signal]));
    this.#running = running.finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** True while leading and less than a lease duration has passed since the last successful renewal was sent. */
  isLeader(): boolean {
    const leading = this.#leading !== undefined && !this.#leading.signal.aborted;
    return leading && this.#o.clock.now() < this.#validUntil();
  }

  /** The holder in the last record seen ('' when none): for status and logs, not for deciding anything. */
  leader(): string {
    return this.#seen.record.holderIdentity;
  }

  /**
   * Stops leading (and campaigning), waits for a renewal in flight, then gives the Lease up as client-go's
   * ReleaseOnCancel does: holderIdentity '' and leaseDurationSeconds 1, so the next candidate takes over at its
   * next try. Call it after the work the Lease guards has stopped. Does nothing when the Lease is not ours;
   * throws the KubeError when the Lease cannot be read or written.
   */
  async release(): Promise<void> {
    this.#stop?.abort();
    await this.#running?.catch(() => undefined);
    // A write still in flight could land after our read below; wait for it, but not on a hung connection.
    const waited = new AbortController();
    const timer = this.#o.clock.setTimeout(() => waited.abort(), this.#o.retryPeriodMs);
    await raceAbort(this.#inflight ?? Promise.resolve(false), waited.signal);
    this.#o.clock.clearTimeout(timer);
    const { namespace, name, identity, clock } = this.#o;
    for (let attempt = 1; ; attempt++) {
      const lease = await this.#client.get(namespace, name);
      if (!lease || recordOf(lease).holderIdentity !== identity) return;
      const released = releasedRecord(recordOf(lease), clock.now());
      try {
        this.#lease = await this.#client.update(withRecord(lease, released));
        this.#seen.wrote(released);
        this.#log('released lease', {});
        return;
      } catch (err) {
        // A renewal sent before we stopped may have landed first: read again and retry.
        if (!isConflict(err) || attempt >= 3) throw err;
      }
    }
  }

  async #campaign(signal: AbortSignal): Promise<void> {
    // Acquiring may have finished just as the run was aborted: then never start leading.
    if (!(await this.#acquire(signal)) || signal.aborted) return;
    const leading = new AbortController();
    const stop = () => leading.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.#leading = leading;
    try {
      this.#o.onStartedLeading(leading.signal);
      await this.#renew(leading.signal);
    } finally {
      signal.removeEventListener('abort', stop);
      leading.abort();
      this.#o.onStoppedLeading();
    }
  }

  /** client-go `acquire`: try, then wait a jittered retryPeriod, until acquired or aborted. */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    this.#log('attempting to acquire leader lease', {});
    while (!signal.aborted) {
      const acquired = await raceAbort(this.#attempt(signal), signal);
      this.#reportTransition();
      if (acquired === true) {
        this.#log('successfully acquired lease', {});
        return true;
      }
      await sleep(this.#o.clock, this.#nextTryIn(), signal);
    }
    return false;
  }

  /** client-go `renew`: every retryPeriod, retry renewal until it succeeds or renewDeadline passes. */
  async #renew(signal: AbortSignal): Promise<void> {
    const { clock, retryPeriodMs, renewDeadlineMs } = this.#o;
    while (!signal.aborted) {
      // One round ends at the deadline or when leadership ends. (A plain controller rather than
      // AbortSignal.any: a round starts every retryPeriod for as long as we lead.)
      const round = new AbortController();
      const end = () => round.abort();
      // Never past the end of our own lease, which client-go allows when retryPeriod + renewDeadline exceed it.
      const timer = clock.setTimeout(end, Math.min(renewDeadlineMs, this.#validUntil() - clock.now()));
      signal.addEventListener('abort', end, { once: true });
      let renewed = false;
      try {
        while (!round.signal.aborted && !renewed) {
          renewed = (await raceAbort(this.#attempt(round.signal), round.signal)) === true;
          // client-go keeps retrying until the deadline; once another holder is seen there is no point.
          if (!renewed && this.#seen.otherHolder() !== undefined) break;
          if (!renewed) await sleep(clock, retryPeriodMs, round.signal);
        }
      } finally {
        clock.clearTimeout(timer);
        signal.removeEventListener('abort', end);
      }
      this.#reportTransition();
      if (!renewed) {
        if (!signal.aborted)
          this.#log('failed to renew lease, stopping leading', { holder: this.#seen.otherHolder() ?? '' });
        return;
      }
      await sleep(clock, retryPeriodMs, signal);
    }
  }

  #attempt(signal: AbortSignal): Promise<boolean> {
    const attempt = this.#tryAcquireOrRenew(signal);
    this.#inflight = attempt;
    return attempt;
  }

  /**
   * client-go `tryAcquireOrRenew`: renew optimistically on the cached Lease when we hold it, else read it and
   * create it when absent, or take it when it is free, expired (by our clock) or ours. Never writes once
   * `signal` aborted, so a stopped elector cannot take the Lease back. Never throws.
   */
  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { clock, namespace, name } = this.#o;
    const now = clock.now();
    const cached = this.#lease;
    if (this.#seen.holding() && this.#seen.expiresIn(now) > 0 && cached) {
      if (signal.aborted) return false;
      if (await this.#write(cached, this.#held(now, this.#seen.record), now)) return true;
    }
    let lease: Lease | undefined;
    try {
      lease = await this.#client.get(namespace, name);
    } catch (err) {
      this.#log('error retrieving lease', { error: message(err) });
      return false;
    }
    if (signal.aborted) return false;
    if (!lease) return this.#write(undefined, this.#held(now, undefined), now);
    this.#lease = lease;
    const current = recordOf(lease);
    this.#seen.read(current);
    if (this.#seen.otherHolder() !== undefined && this.#seen.expiresIn(now) > 0) return false;
    const next = this.#seen.holding()
      ? this.#held(now, current)
      : this.#held(now, { acquireTime: microTime(now), leaseTransitions: current.leaseTransitions + 1 });
    return this.#write(lease, next, now);
  }

  /** Creates (when `base` is undefined) or conditionally updates the Lease; false on any failure. */
  async #write(base: Lease | undefined, record: LeaseRecord, sentAt: number): Promise<boolean> {
    const { namespace, name } = this.#o;
    try {
      this.#lease = base
        ? await this.#client.update(withRecord(base, record))
        : await this.#client.create(newLease(namespace, name, record));
    } catch (err) {
      this.#log(base ? 'failed to update lease' : 'failed to create lease', { error: message(err) });
      return false;
    }
    this.#seen.wrote(record);
    this.#renewedAt = sentAt;
    return true;
  }

  #held(now: number, kept: Pick<LeaseRecord, 'acquireTime' | 'leaseTransitions'> | undefined): LeaseRecord {
    return heldRecord(this.#o.identity, this.#durationSeconds, now, kept);
  }

  /** When other candidates may first judge our lease expired: a lease duration after our last renewal was sent. */
  #validUntil(): number {
    return this.#renewedAt + this.#durationSeconds * 1000;
  }

  /**
   * A jittered retryPeriod as client-go waits, but never past the moment the observed Lease expires: waking
   * then changes no rule (expiry is still judged on our clock) and saves up to 2.2 retry periods of failover.
   */
  #nextTryIn(): number {
    const { retryPeriodMs, clock } = this.#o;
    const jittered = retryPeriodMs + this.#random() * JITTER_FACTOR * retryPeriodMs;
    const expiresIn = this.#seen.expiresIn(clock.now());
    return this.#seen.otherHolder() !== undefined && expiresIn >= 0
      ? Math.min(jittered, expiresIn)
      : jittered;
  }

  #reportTransition(): void {
    const holder = this.#seen.record.holderIdentity;
    if (holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    if (holder === '') return;
    this.#log('new leader observed', { holder });
    this.#o.onNewLeader?.(holder);
  }

  #log(msg: string, fields: object): void {
    const { namespace, name, identity } = this.#o;
    this.#o.log?.(msg, { lease: `${namespace}/${name}`, identity, ...fields });
  }
}

/** client-go's NewLeaderElector checks, plus whole seconds for the Lease's integer duration. */
function validate(o: LeaderElectorOptions): void {
  const fail = (why: string) => {
    throw new RangeError(`invalid leader election settings: ${why}`);
  };
  if (o.identity === '') fail('identity must not be empty');
  if (!(o.retryPeriodMs > 0)) fail('retryPeriod must be greater than zero');
  if (!(o.leaseDurationMs >= 1000)) fail('leaseDuration must be at least 1s');
  if (!(o.leaseDurationMs > o.renewDeadlineMs)) fail('leaseDuration must be greater than renewDeadline');
  if (!(o.renewDeadlineMs > JITTER_FACTOR * o.retryPeriodMs)) {
    fail('renewDeadline must be greater than retryPeriod*1.2');
  }
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts; never rejects. */
function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(handle);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const handle = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The value of `work`, or undefined as soon as `signal` aborts (the work then finishes unobserved). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function isConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 409;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
