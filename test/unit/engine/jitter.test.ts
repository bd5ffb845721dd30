import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/engine/backoff.js';
import { DEFAULT_INTERVAL_JITTER, withJitter } from '../../../src/engine/jitter.js';

describe('withJitter', () => {
  it.each([
    { ms: 600_000, fraction: 0.05, random: 0, expected: 570_000 },
    { ms: 600_000, fraction: 0.05, random: 0.5, expected: 600_000 },
    { ms: 600_000, fraction: 0.05, random: 0.999_999, expected: 630_000 },
    { ms: 1_000, fraction: 0, random: 0.9, expected: 1_000 },
    { ms: 1_000, fraction: -1, random: 0, expected: 1_000 },
    { ms: 1_000, fraction: 5, random: 0, expected: 1 },
    { ms: 0, fraction: 0.5, random: 0, expected: 0 },
    { ms: -10, fraction: 0.5, random: 0, expected: 0 },
  ])('withJitter($ms, $fraction) with random $random is $expected', ({ ms, fraction, random, expected }) => {
    expect(withJitter(ms, fraction, () => random)).toBe(expected);
  });

  it('stays within ±fraction for any random value', () => {
    for (let i = 0; i <= 100; i++) {
      const v = withJitter(10_000, 0.1, () => i / 101);
      expect(v).toBeGreaterThanOrEqual(9_000);
      expect(v).toBeLessThanOrEqual(11_000);
    }
  });

  it('defaults to Flux controllers’ ±5%', () => {
    expect(DEFAULT_INTERVAL_JITTER).toBe(0.05);
  });
});

describe('backoffDelay', () => {
  const opts = { baseMs: 500, maxMs: 300_000, jitter: 0 };

  it.each([
    [0, 500],
    [1, 1_000],
    [5, 16_000],
    [9, 256_000],
    [10, 300_000],
    [5_000, 300_000],
  ])('after %i earlier failures waits %i ms', (failures, expected) => {
    expect(backoffDelay(failures, opts, () => 0.5)).toBe(expected);
  });

  it('jitters around the ceiling rather than clamping to it', () => {
    const jittered = { ...opts, jitter: 0.1 };
    expect(backoffDelay(50, jittered, () => 0)).toBe(270_000);
    expect(backoffDelay(50, jittered, () => 0.999_999)).toBe(330_000);
  });
});
