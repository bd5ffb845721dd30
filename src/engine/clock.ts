/**
 * Time as the engine sees it. Passed in rather than read from globals so the queue's backoff, requeue and drain
 * timing can be driven step by step in tests (see FakeClock).
 */
export interface Clock {
  /** Milliseconds since some fixed origin; only differences are meaningful. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's real clock. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (handle: unknown): void => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
});
