/** An in-memory Lease store with the API server's optimistic locking, and candidates on a FakeClock. */
import { FakeClock } from '../../../src/engine/fake-clock.js';
import type { LeaderElectorOptions } from '../../../src/engine/leader.js';
import { LeaderElector } from '../../../src/engine/leader.js';
import type { Lease, LeaseClient, LeaseRecord } from '../../../src/engine/lease.js';
import { newLease, recordOf, withRecord } from '../../../src/engine/lease.js';
import { KubeError } from '../../../src/kube/errors.js';

export const NS = 'steward-system';
export const NAME = 'steward-leader';

/** How a candidate's connection behaves: normal, failing at once, or hanging forever. */
export type Link = 'up' | 'failing' | 'hanging';

/** One stored version of the Lease, with when (fake time) and by whom it was written. */
export interface Write {
  at: number;
  by: string;
  record: LeaseRecord;
}

/** The API server's side: one Lease, a resourceVersion bumped on every write, 409 on a stale one. */
export class MemoryLeases {
  readonly clock: FakeClock;
  readonly writes: Write[] = [];
  /** Writes and callbacks in the order they happened: `write <by> <holder>`, `started <id>`, `stopped <id>`. */
  readonly timeline: string[] = [];
  #lease: Lease | undefined;
  #rv = 0;

  constructor(clock = new FakeClock(1_700_000_000_000)) {
    this.clock = clock;
  }

  /** The stored record, if the Lease exists. */
  record(): LeaseRecord | undefined {
    return this.#lease ? recordOf(this.#lease) : undefined;
  }

  lease(): Lease | undefined {
    return structuredClone(this.#lease);
  }

  /** Writes `record` as another process would (a foreign holder), bypassing any candidate. */
  put(record: LeaseRecord, by = 'foreign'): void {
    this.#store(this.#lease ? withRecord(this.#lease, record) : newLease(NS, NAME, record), by);
  }

  /** A client for one candidate; `link` can be switched at any time to cut or stall its connection. */
  client(by: string): LeaseClient & { link: Link } {
    const call = async <T>(fn: () => T): Promise<T> => {
      if (client.link === 'hanging') return new Promise<T>(() => {});
      await Promise.resolve();
      if (client.link === 'failing') throw new KubeError(0, 'NetworkError', 'connect ECONNREFUSED');
      return fn();
    };
    const client = {
      link: 'up' as Link,
      get: (ns: string, name: string) => call(() => (ns === NS && name === NAME ? this.lease() : undefined)),
      create: (lease: Lease) =>
        call(() => {
          if (this.#lease) throw new KubeError(409, 'AlreadyExists', `leases "${NAME}" already exists`);
          return this.#store(lease, by);
        }),
      update: (lease: Lease) =>
        call(() => {
          if (!this.#lease) throw new KubeError(404, 'NotFound', `leases "${NAME}" not found`);
          if (lease.metadata.resourceVersion !== this.#lease.metadata.resourceVersion) {
            throw new KubeError(409, 'Conflict', 'the object has been modified');
          }
          return this.#store(lease, by);
        }),
    };
    return client;
  }

  #store(lease: Lease, by: string): Lease {
    const stored = structuredClone(lease);
    stored.metadata.resourceVersion = String(++this.#rv);
    this.#lease = stored;
    this.writes.push({ at: this.clock.now(), by, record: recordOf(stored) });
    this.timeline.push(`write ${by} ${recordOf(stored).holderIdentity || '-'}`);
    return structuredClone(stored);
  }
}

/** A running candidate and what its callbacks saw. */
export interface Candidate {
  id: string;
  elector: LeaderElector;
  client: LeaseClient & { link: Link };
  /** Aborts `run` without releasing, as a killed process would leave the Lease. */
  kill(): void;
  done: Promise<void>;
  startedAt: number[];
  stoppedAt: number[];
  newLeaders: string[];
  logs: { msg: string; fields: object }[];
  /** The signal handed to the last onStartedLeading. */
  leading: AbortSignal | undefined;
}

/** Starts a candidate with client-go's default timing (15 s / 10 s / 2 s) unless overridden. */
export function candidate(store: MemoryLeases, id: string, o: Partial<LeaderElectorOptions> = {}): Candidate {
  const client = store.client(id);
  const stop = new AbortController();
  const c: Omit<Candidate, 'elector' | 'done'> & Partial<Candidate> = {
    id,
    client,
    kill: () => stop.abort(),
    startedAt: [],
    stoppedAt: [],
    newLeaders: [],
    logs: [],
    leading: undefined,
  };
  const elector = new LeaderElector(client, {
    namespace: NS,
    name: NAME,
    identity: id,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock: store.clock,
    random: seeded(id.length),
    onStartedLeading: (signal) => {
      c.startedAt.push(store.clock.now());
      c.leading = signal;
      store.timeline.push(`started ${id}`);
    },
    onStoppedLeading: () => {
      c.stoppedAt.push(store.clock.now());
      store.timeline.push(`stopped ${id}`);
    },
    onNewLeader: (holder) => c.newLeaders.push(holder),
    log: (msg, fields) => c.logs.push({ msg, fields }),
    ...o,
  });
  c.elector = elector;
  c.done = elector.run(stop.signal);
  return c as Candidate;
}

/**
 * Moves fake time forward in `stepMs` steps, checking after each that at most one candidate believes it leads
 * and that a believer is the holder the store records. Returns the number of steps with a leader.
 */
export async function runFor(
  store: MemoryLeases,
  ms: number,
  cs: Candidate[],
  stepMs = 100,
): Promise<number> {
  let led = 0;
  for (let t = 0; t < ms; t += stepMs) {
    await store.clock.advanceAsync(stepMs);
    const leaders = cs.filter((c) => c.elector.isLeader());
    if (leaders.length > 1) throw new Error(`two leaders at ${t} ms: ${leaders.map((c) => c.id).join(', ')}`);
    const [leader] = leaders;
    if (leader && store.record()?.holderIdentity !== leader.id) {
      throw new Error(`${leader.id} leads at ${t} ms but the Lease names ${store.record()?.holderIdentity}`);
    }
    if (leader) led++;
  }
  return led;
}

/** A small deterministic PRNG (mulberry32) for the retry jitter. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
