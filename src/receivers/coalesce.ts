/**
 * Coalescing of reconcile requests per object. A Git host can send many calls at once (a push of many branches,
 * retries, several hooks on one repository); each would otherwise write the request annotation, and every
 * replica's informer would see every write.
 *
 * Per object: a call with no write in the last `spacingMs` writes at once (no added latency); calls that come
 * while a write is in flight or within `spacingMs` of the last one share one trailing write, started when the
 * write in flight is done and `spacingMs` have passed since it started. A call after a write started therefore
 * always gets a write of its own, so a push made after the reconcile read the refs is never lost.
 *
 * Why the spacing costs (almost) nothing: the controller never reconciles one object twice at once, so the
 * reconcile the trailing write asks for cannot start before the first one ends, and a GitRepository reconcile
 * that fetches takes longer than the spacing. Without it, in-flight-plus-trailing alone wrote ten times for a
 * burst of 20 calls spread over ~100 ms (each write took ~10 ms), for the same two reconciles.
 */
import type { Clock } from '../engine/clock.js';

interface Pending {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface KeyState {
  lastStartMs: number;
  running: boolean;
  /** Calls waiting for the next write. */
  trailing: Pending | undefined;
  /** The timer that starts the trailing write, or forgets the key once the spacing has passed. */
  timer: unknown;
}

function pending(): Pending {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Runs `write(key)` on request, never twice at once for a key, and at most once per `spacingMs` per key. */
export class Coalescer {
  private readonly keys = new Map<string, KeyState>();
  /** Writes started, for tests and the bench to see what a burst cost. */
  writes = 0;

  constructor(
    private readonly write: (key: string) => Promise<void>,
    private readonly clock: Clock,
    private readonly spacingMs: number,
  ) {}

  /**
   * Requests a write for `key`. Resolves (or rejects) with the first write that starts after this call, so the
   * caller knows its request reached the API server.
   */
  request(key: string): Promise<void> {
    let state = this.keys.get(key);
    if (state === undefined) {
      state = {
        lastStartMs: Number.NEGATIVE_INFINITY,
        running: false,
        trailing: undefined,
        timer: undefined,
      };
      this.keys.set(key, state);
    }
    if (
      !state.running &&
      state.trailing === undefined &&
      this.clock.now() - state.lastStartMs >= this.spacingMs
    ) {
      this.clearTimer(state);
      return this.start(key, state);
    }
    state.trailing ??= pending();
    const waiting = state.trailing.promise;
    this.schedule(key, state);
    return waiting;
  }

  /** Keys the coalescer still remembers (a write in flight, waiting, or within the spacing). */
  size(): number {
    return this.keys.size;
  }

  private start(key: string, state: KeyState): Promise<void> {
    state.running = true;
    state.lastStartMs = this.clock.now();
    this.writes += 1;
    const run = this.write(key);
    const done = () => {
      state.running = false;
      this.schedule(key, state);
    };
    // The next write starts whether this one worked or not: its callers asked after this one began.
    void run.then(done, done);
    return run;
  }

  /** After a write or a request: start the trailing write when due, or forget the key once idle. */
  private schedule(key: string, state: KeyState): void {
    if (state.running || state.timer !== undefined) return;
    const wait = state.lastStartMs + this.spacingMs - this.clock.now();
    if (wait > 0) {
      state.timer = this.clock.setTimeout(() => {
        state.timer = undefined;
        this.schedule(key, state);
      }, wait);
      return;
    }
    const trailing = state.trailing;
    if (trailing === undefined) {
      this.keys.delete(key);
      return;
    }
    state.trailing = undefined;
    void this.start(key, state).then(trailing.resolve, trailing.reject);
  }

  private clearTimer(state: KeyState): void {
    if (state.timer === undefined) return;
    this.clock.clearTimeout(state.timer);
    state.timer = undefined;
  }
}
