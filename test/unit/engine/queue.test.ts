import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/fake-clock.js';
import { WorkQueue } from '../../../src/engine/queue.js';
import { queueHarness, settle } from './queue-harness.js';

describe('WorkQueue coalescing and exclusivity', () => {
  it('runs nothing before start, then a key added many times once', async () => {
    const h = queueHarness();
    h.queue.add('a');
    h.queue.add('a');
    h.queue.add('a');
    await settle();
    expect(h.started).toEqual([]);
    expect(h.queue.stats()).toEqual({ queued: 1, inFlight: 0, delayed: 0 });
    h.queue.start();
    await settle();
    expect(h.started).toEqual(['a']);
  });

  it('re-runs a key added while in flight exactly once, after the current run ends', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    await settle();
    h.queue.add('a');
    h.queue.add('a');
    await settle();
    expect(h.started).toEqual(['a']);
    await h.succeed('a');
    expect(h.started).toEqual(['a', 'a']);
    await h.succeed('a');
    expect(h.started).toEqual(['a', 'a']);
    expect(h.overlaps()).toBe(0);
  });

  it('keeps at most `concurrency` reconciles in flight and starts the next as one ends', async () => {
    const h = queueHarness({ concurrency: 2 });
    h.queue.start();
    for (const k of ['a', 'b', 'c', 'd']) h.queue.add(k);
    await settle();
    expect(h.started).toEqual(['a', 'b']);
    expect(h.queue.stats()).toEqual({ queued: 2, inFlight: 2, delayed: 0 });
    await h.succeed('b');
    expect(h.started).toEqual(['a', 'b', 'c']);
    await h.fail('a');
    expect(h.started).toEqual(['a', 'b', 'c', 'd']);
    expect(h.peak()).toBe(2);
  });

  it('does not let a slow key hold up other keys, even failing ones', async () => {
    const h = queueHarness({ concurrency: 2 });
    h.queue.start();
    h.queue.add('slow');
    h.queue.add('b');
    await settle();
    for (let i = 0; i < 5; i++) {
      await h.fail('b');
      await h.clock.advanceAsync(h.nextDelay() ?? 0);
    }
    expect(h.started.filter((k) => k === 'b')).toHaveLength(6);
    expect(h.started.filter((k) => k === 'slow')).toHaveLength(1);
  });

  it('handles a reconcile that throws synchronously like one that rejects', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const q = new WorkQueue(
      () => {
        throw new Error('boom');
      },
      {
        concurrency: 1,
        backoff: { baseMs: 100, maxMs: 1000, jitter: 0 },
        random: () => 0.5,
        clock,
        onError: (key) => seen.push(key),
      },
    );
    q.start();
    q.add('a');
    await settle();
    expect(seen).toEqual(['a']);
    expect(q.stats()).toEqual({ queued: 0, inFlight: 0, delayed: 1 });
  });

  it('refuses a concurrency below one', () => {
    const clock = new FakeClock();
    const opts = { concurrency: 0, backoff: { baseMs: 1, maxMs: 1, jitter: 0 }, random: Math.random, clock };
    expect(() => new WorkQueue(async () => undefined, opts)).toThrow(RangeError);
  });
});

describe('WorkQueue backoff', () => {
  it('retries a failing key after min(max, base * 2^failures) and resets on success', async () => {
    const h = queueHarness({ backoff: { baseMs: 1_000, maxMs: 8_000, jitter: 0 } });
    h.queue.start();
    h.queue.add('a');
    await settle();
    const delays: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      await h.fail('a');
      delays.push(h.nextDelay());
      await h.clock.advanceAsync(h.nextDelay() ?? 0);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(h.errors.map((e) => e.failures)).toEqual([1, 2, 3, 4, 5]);
    expect(h.errors.map((e) => e.retryInMs)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);

    await h.succeed('a');
    expect(h.queue.stats().delayed).toBe(0);
    h.queue.add('a');
    await settle();
    await h.fail('a');
    expect(h.nextDelay()).toBe(1_000);
  });

  it.each([
    { random: 0, expected: 900 },
    { random: 0.5, expected: 1_000 },
    { random: 0.999_999, expected: 1_100 },
  ])('moves the retry delay by ±jitter (random $random -> $expected ms)', async ({ random, expected }) => {
    const h = queueHarness({ backoff: { baseMs: 1_000, maxMs: 8_000, jitter: 0.1 }, random: () => random });
    h.queue.start();
    h.queue.add('a');
    await settle();
    await h.fail('a');
    expect(h.nextDelay()).toBe(expected);
  });

  it('forget resets the failure count', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    await settle();
    await h.fail('a');
    await h.clock.advanceAsync(1_000);
    await h.fail('a');
    expect(h.nextDelay()).toBe(2_000);
    h.queue.forget('a');
    h.queue.add('a');
    await settle();
    await h.fail('a');
    expect(h.nextDelay()).toBe(1_000);
  });

  it('keeps each key its own failure count', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    await settle();
    await h.fail('a');
    await h.clock.advanceAsync(1_000);
    await h.fail('a');
    h.queue.add('b');
    await settle();
    await h.fail('b');
    expect(h.errors.map((e) => [e.key, e.retryInMs])).toEqual([
      ['a', 1_000],
      ['a', 2_000],
      ['b', 1_000],
    ]);
  });

  it('runs a key triggered during a failing run right away instead of waiting out the backoff', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    await settle();
    h.queue.add('a');
    await h.fail('a');
    expect(h.started).toEqual(['a', 'a']);
    expect(h.queue.stats().delayed).toBe(0);
    expect(h.errors.map((e) => e.retryInMs)).toEqual([0]);
  });
});
