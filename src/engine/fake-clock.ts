import type { Clock } from './clock.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A deterministic Clock for tests: time stands still until `advance` moves it, and timers fire in due-time order
 * (ties in the order they were set), each seeing `now()` equal to its own due time.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    // Like the real timers, a negative or non-finite delay means "as soon as possible".
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.timers.set(id, { id, at: this.current + delay, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Number of timers still waiting to fire. */
  pending(): number {
    return this.timers.size;
  }

  /** Due time of the earliest waiting timer, if any. */
  nextDueAt(): number | undefined {
    return this.due(Number.POSITIVE_INFINITY)?.at;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, including timers those timers set.
   * Synchronous: promise callbacks a timer starts run only after this returns (see `advanceAsync`).
   */
  advance(ms: number): void {
    assertForward(ms);
    const end = this.current + ms;
    for (let timer = this.due(end); timer; timer = this.due(end)) this.fire(timer);
    this.current = end;
  }

  /**
   * Like `advance`, but lets pending promise work settle after each timer fires, so a chain such as
   * timer -> reconcile -> requeue timer plays out within one call.
   */
  async advanceAsync(ms: number): Promise<void> {
    assertForward(ms);
    const end = this.current + ms;
    await settle();
    for (let timer = this.due(end); timer; timer = this.due(end)) {
      this.fire(timer);
      await settle();
    }
    this.current = end;
  }

  private fire(timer: Timer): void {
    this.timers.delete(timer.id);
    this.current = Math.max(this.current, timer.at);
    timer.fn();
  }

  private due(until: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) {
      if (t.at <= until && (!best || t.at < best.at || (t.at === best.at && t.id < best.id))) best = t;
    }
    return best;
  }
}

function assertForward(ms: number): void {
  if (!(ms >= 0)) throw new RangeError(`a clock only moves forward; cannot advance by ${ms} ms`);
}

/**
 * Resolves once every promise callback queued so far (and those they queue) has run. It yields one macrotask turn;
 * no wall-clock time is waited for.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
