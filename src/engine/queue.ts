import { type BackoffOptions, backoffDelay } from './backoff.js';
import type { Clock } from './clock.js';

export type { BackoffOptions } from './backoff.js';
export type { Clock } from './clock.js';

/**
 * The longest delay a timer can wait. Node.js fires a timer asked to wait longer after 1 ms instead (with a
 * TimeoutOverflowWarning), so an unclamped interval of 1000h would reconcile its key as fast as it can run.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** What a reconcile asks of the queue when it succeeds: run again after this many milliseconds, or not at all. */
export type Outcome = { requeueAfterMs?: number } | undefined;

/** A reconcile of one key. It should stop promptly once `signal` aborts (the queue is shutting down). */
export type ReconcileFn = (key: string, signal: AbortSignal) => Promise<Outcome> | Promise<void>;

/** Told of every failed reconcile, after the retry has been scheduled. */
export type QueueErrorHandler = (
  key: string,
  err: unknown,
  retry: { failures: number; retryInMs: number },
) => void;

export interface QueueOptions {
  /** Reconciles allowed in flight at once, across all keys. */
  concurrency: number;
  backoff: BackoffOptions;
  /** Source of randomness for jitter, [0, 1) like Math.random. */
  random: () => number;
  clock: Clock;
  onError?: QueueErrorHandler;
}

export interface QueueStats {
  /** Keys ready to run, waiting for a free worker. */
  queued: number;
  inFlight: number;
  /** Keys with a timer pending (interval requeue or backoff). */
  delayed: number;
}

/**
 * The reconcile work queue, with client-go workqueue semantics: keys are coalesced, a key is never reconciled twice
 * at once, at most `concurrency` reconciles run, failures retry per key with exponential backoff, and a key added
 * while it runs is run once more after it finishes. One slow or failing key never holds up the others.
 */
export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly readySet = new Set<string>();
  private readonly inFlight = new Map<string, AbortController>();
  /** Keys added while in flight: they run once more when the current run ends. */
  private readonly dirty = new Set<string>();
  /** Keys removed while in flight: their result must not schedule anything. */
  private readonly removed = new Set<string>();
  private readonly delayed = new Map<string, { at: number; handle: unknown }>();
  private readonly failures = new Map<string, number>();
  private started = false;
  private stopping = false;
  private pumpScheduled = false;
  private shutdownResult: Promise<{ abandoned: string[] }> | undefined;
  private onDrained: (() => void) | undefined;

  constructor(
    private readonly reconcile: ReconcileFn,
    private readonly opts: QueueOptions,
  ) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${opts.concurrency}`);
    }
  }

  /**
   * Queues `key` to run now. A key already queued is not queued twice; a key in flight runs once more after it
   * finishes; a pending delayed run is cancelled, since this one supersedes it.
   */
  add(key: string): void {
    if (this.stopping) return;
    this.removed.delete(key);
    this.cancelDelayed(key);
    if (this.inFlight.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.readySet.has(key)) return;
    this.readySet.add(key);
    this.ready.push(key);
    this.schedulePump();
  }

  /**
   * Queues `key` to run in `ms` milliseconds, at most {@link MAX_TIMER_DELAY_MS} (about 24.8 days): validation
   * refuses longer intervals, and this keeps anything that slips through from firing at once. When a run is
   * already pending sooner (queued now, or an earlier timer) that one stands, so an interval requeue never
   * postpones a retry or a trigger.
   */
  addAfter(key: string, ms: number): void {
    if (this.stopping) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    if (this.readySet.has(key)) return;
    this.removed.delete(key);
    const delay = Math.min(ms, MAX_TIMER_DELAY_MS);
    const at = this.opts.clock.now() + delay;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    this.cancelDelayed(key);
    const handle = this.opts.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delay);
    this.delayed.set(key, { at, handle });
  }

  /** Resets the key's failure count, so its next failure retries after the base delay. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /**
   * Stops scheduling `key` (its object was deleted): drops it from the queue, cancels its timer and forgets its
   * failures. A run in flight is left to finish, since it may be cleaning up, but its result schedules nothing.
   */
  remove(key: string): void {
    this.cancelDelayed(key);
    this.failures.delete(key);
    this.dirty.delete(key);
    if (this.readySet.delete(key)) this.ready.splice(this.ready.indexOf(key), 1);
    if (this.inFlight.has(key)) this.removed.add(key);
  }

  /** Starts the workers. Keys added before this wait until now. */
  start(): void {
    if (this.stopping) throw new Error('work queue was shut down and cannot be started again');
    this.started = true;
    this.schedulePump();
  }

  /**
   * Stops taking work: queued and delayed keys are dropped (the next leader lists every object again), in-flight
   * reconciles get `drainTimeoutMs` to finish, then their signals abort and their keys are reported as abandoned.
   */
  shutdown(opts: { drainTimeoutMs: number }): Promise<{ abandoned: string[] }> {
    if (this.shutdownResult) return this.shutdownResult;
    this.stopping = true;
    for (const key of [...this.delayed.keys()]) this.cancelDelayed(key);
    this.ready.length = 0;
    this.readySet.clear();
    this.dirty.clear();
    this.shutdownResult = new Promise((resolve) => {
      if (this.inFlight.size === 0) {
        resolve({ abandoned: [] });
        return;
      }
      const timer = this.opts.clock.setTimeout(() => {
        this.onDrained = undefined;
        const abandoned = [...this.inFlight.keys()];
        for (const controller of this.inFlight.values()) controller.abort();
        resolve({ abandoned });
      }, opts.drainTimeoutMs);
      this.onDrained = () => {
        this.opts.clock.clearTimeout(timer);
        resolve({ abandoned: [] });
      };
    });
    return this.shutdownResult;
  }

  stats(): QueueStats {
    return { queued: this.ready.length, inFlight: this.inFlight.size, delayed: this.delayed.size };
  }

  private cancelDelayed(key: string): void {
    const entry = this.delayed.get(key);
    if (!entry) return;
    this.opts.clock.clearTimeout(entry.handle);
    this.delayed.delete(key);
  }

  /**
   * Dispatch runs on a microtask rather than inside `add`, so callers never run reconcile code re-entrantly and a
   * burst of adds is coalesced before workers pick keys.
   */
  private schedulePump(): void {
    if (this.pumpScheduled || !this.started) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.stopping && this.inFlight.size < this.opts.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      this.readySet.delete(key);
      this.run(key);
    }
  }

  private run(key: string): void {
    const controller = new AbortController();
    this.inFlight.set(key, controller);
    this.invoke(key, controller.signal).then(
      (outcome) => this.finish(key, { ok: true, outcome }),
      (err: unknown) => this.finish(key, { ok: false, err }),
    );
  }

  /** Async so a reconcile that throws synchronously is handled like one that rejects. */
  private async invoke(key: string, signal: AbortSignal): Promise<Outcome> {
    const outcome = await this.reconcile(key, signal);
    return outcome ?? undefined;
  }

  private finish(key: string, result: { ok: true; outcome: Outcome } | { ok: false; err: unknown }): void {
    this.inFlight.delete(key);
    if (this.stopping) {
      if (this.inFlight.size === 0) this.onDrained?.();
      return;
    }
    const rerun = this.dirty.delete(key);
    if (this.removed.delete(key)) {
      this.schedulePump();
      return;
    }
    if (result.ok) {
      this.failures.delete(key);
      const after = result.outcome?.requeueAfterMs;
      if (after !== undefined && Number.isFinite(after)) this.addAfter(key, after);
    } else {
      const failures = this.failures.get(key) ?? 0;
      this.failures.set(key, failures + 1);
      const backoff = backoffDelay(failures, this.opts.backoff, this.opts.random);
      this.addAfter(key, backoff);
      this.report(key, result.err, { failures: failures + 1, retryInMs: rerun ? 0 : backoff });
    }
    // A trigger that arrived mid-run may carry a change this run did not see; run again now rather than wait.
    if (rerun) this.add(key);
    this.schedulePump();
  }

  private report(key: string, err: unknown, retry: { failures: number; retryInMs: number }): void {
    try {
      this.opts.onError?.(key, err, retry);
    } catch {
      // The handler only observes; its failure must not break the queue's bookkeeping or reject a promise
      // nobody awaits.
    }
  }
}
