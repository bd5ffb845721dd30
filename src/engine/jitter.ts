/**
 * Flux's controllers default `--interval-jitter-percentage` to 5 (±5%), which is enough to spread objects that
 * share an interval; we keep the same default so users see the same timing.
 */
export const DEFAULT_INTERVAL_JITTER = 0.05;

/**
 * Returns `ms` moved by a random amount of up to ±`fraction` of itself, so objects created together do not poll
 * their sources in lockstep. `fraction` is clamped to [0, 1); `random` returns values in [0, 1) like Math.random.
 */
export function withJitter(ms: number, fraction: number, random: () => number): number {
  const f = Math.min(Math.max(fraction, 0), 0.999);
  if (f === 0 || ms <= 0) return Math.max(ms, 0);
  const offset = ms * f * (2 * random() - 1);
  return Math.max(0, Math.round(ms + offset));
}
