import { withJitter } from './jitter.js';

/** Per-key retry delays after failed reconciles (client-go's ItemExponentialFailureRateLimiter, plus jitter). */
export interface BackoffOptions {
  /** Delay after the first failure. */
  baseMs: number;
  /** Ceiling of the un-jittered delay. */
  maxMs: number;
  /** Fraction (0..1) of the delay by which each retry is moved at random. */
  jitter: number;
}

/**
 * Delay before retry number `failures + 1`, where `failures` counts the failures before this one:
 * `min(maxMs, baseMs * 2^failures)` moved by ±jitter. The ceiling applies before the jitter so keys that all
 * reached it still spread out instead of retrying together.
 */
export function backoffDelay(failures: number, opts: BackoffOptions, random: () => number): number {
  // 2^exponent overflows to Infinity past ~1024; min() then yields maxMs, which is what we want.
  const raw = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, failures));
  return withJitter(raw, opts.jitter, random);
}
