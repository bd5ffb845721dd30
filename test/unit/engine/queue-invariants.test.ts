import { describe, expect, it } from 'vitest';
import { queueHarness, settle } from './queue-harness.js';

/** A small seeded PRNG (mulberry32) so every run replays the same operations. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('WorkQueue under a random mix of operations', () => {
  it.each([1, 2, 3, 42])(
    'never overlaps a key or exceeds concurrency, and loses no key (seed %i)',
    async (seed) => {
      const rand = seeded(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
      const h = queueHarness({
        concurrency: 3,
        backoff: { baseMs: 10, maxMs: 1_000, jitter: 0.2 },
        random: rand,
      });
      h.queue.start();

      for (let step = 0; step < 1_500; step++) {
        const r = rand();
        const pendingKey = h.pending.length > 0 ? pick(h.pending).key : undefined;
        if (r < 0.3) h.queue.add(pick(keys));
        else if (r < 0.45) h.queue.addAfter(pick(keys), Math.floor(rand() * 500));
        else if (r < 0.65 && pendingKey)
          await h.succeed(pendingKey, rand() < 0.5 ? { requeueAfterMs: 100 } : undefined);
        else if (r < 0.8 && pendingKey) await h.fail(pendingKey);
        else if (r < 0.83) h.queue.remove(pick(keys));
        else await h.clock.advanceAsync(Math.floor(rand() * 200));
        await settle();
        const stats = h.queue.stats();
        expect(stats.inFlight).toBeLessThanOrEqual(3);
        expect(stats.inFlight).toBe(h.pending.length);
      }
      expect(h.overlaps()).toBe(0);
      expect(h.peak()).toBeLessThanOrEqual(3);

      // Liveness: every key added now runs, once whatever was in flight finishes.
      const before = h.started.length;
      for (const k of keys) h.queue.add(k);
      for (let guard = 0; guard < 100 && h.pending.length > 0; guard++) await h.succeed(h.pending[0]!.key);
      expect(new Set(h.started.slice(before))).toEqual(new Set(keys));
    },
  );
});
