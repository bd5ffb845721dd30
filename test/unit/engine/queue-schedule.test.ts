import { describe, expect, it } from 'vitest';
import { MAX_TIMER_DELAY_MS } from '../../../src/engine/queue.js';
import { queueHarness, settle } from './queue-harness.js';

describe('WorkQueue scheduling', () => {
  it('runs the key again after requeueAfterMs', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    await settle();
    await h.succeed('a', { requeueAfterMs: 5_000 });
    expect(h.queue.stats()).toEqual({ queued: 0, inFlight: 0, delayed: 1 });
    await h.clock.advanceAsync(4_999);
    expect(h.started).toEqual(['a']);
    await h.clock.advanceAsync(1);
    expect(h.started).toEqual(['a', 'a']);
  });

  it('schedules nothing after a success without requeueAfterMs', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    await settle();
    await h.succeed('a');
    expect(h.queue.stats()).toEqual({ queued: 0, inFlight: 0, delayed: 0 });
    expect(h.clock.pending()).toBe(0);
  });

  it('runs a delayed key now when it is added, and cancels its timer', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.addAfter('a', 60_000);
    expect(h.queue.stats().delayed).toBe(1);
    h.queue.add('a');
    await settle();
    expect(h.started).toEqual(['a']);
    expect(h.queue.stats().delayed).toBe(0);
    expect(h.clock.pending()).toBe(0);
    await h.succeed('a');
    await h.clock.advanceAsync(120_000);
    expect(h.started).toEqual(['a']);
  });

  it.each([
    { first: 5_000, second: 1_000 },
    { first: 1_000, second: 5_000 },
  ])('keeps the earlier of two delays ($first then $second) and runs once', async ({ first, second }) => {
    const h = queueHarness();
    h.queue.start();
    h.queue.addAfter('a', first);
    h.queue.addAfter('a', second);
    expect(h.clock.pending()).toBe(1);
    await h.clock.advanceAsync(999);
    expect(h.started).toEqual([]);
    await h.clock.advanceAsync(1);
    expect(h.started).toEqual(['a']);
    await h.succeed('a');
    await h.clock.advanceAsync(10_000);
    expect(h.started).toEqual(['a']);
  });

  it('ignores addAfter for a key already queued to run now', async () => {
    const h = queueHarness();
    h.queue.add('a');
    h.queue.addAfter('a', 1_000);
    expect(h.queue.stats()).toEqual({ queued: 1, inFlight: 0, delayed: 0 });
  });

  it('treats a zero or negative delay as now', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.addAfter('a', 0);
    h.queue.addAfter('b', -5);
    await settle();
    expect(h.started).toEqual(['a', 'b']);
  });

  // Node.js fires a timer asked to wait more than 2^31-1 ms after 1 ms: an interval of 1000h that reached the
  // timer as is would reconcile its key back to back (Flux CVE-2022-39272 class).
  it.each([
    ['1000h', 1000 * 3_600_000],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('clamps a delay of %s to the longest a timer can wait', async (_, ms) => {
    const h = queueHarness();
    h.queue.start();
    h.queue.addAfter('a', ms);
    expect(h.nextDelay()).toBe(MAX_TIMER_DELAY_MS);
    await h.clock.advanceAsync(MAX_TIMER_DELAY_MS - 1);
    expect(h.started).toEqual([]);
    await h.clock.advanceAsync(1);
    expect(h.started).toEqual(['a']);
  });

  it('lets a shorter requeue timer set mid-run stand over a later requeueAfterMs', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    await settle();
    h.queue.addAfter('a', 2_000);
    await h.succeed('a', { requeueAfterMs: 60_000 });
    await h.clock.advanceAsync(2_000);
    expect(h.started).toEqual(['a', 'a']);
  });
});

describe('WorkQueue remove', () => {
  it('drops a queued key and cancels a delayed one', async () => {
    const h = queueHarness();
    h.queue.add('a');
    h.queue.addAfter('b', 1_000);
    h.queue.remove('a');
    h.queue.remove('b');
    h.queue.start();
    await h.clock.advanceAsync(5_000);
    expect(h.started).toEqual([]);
    expect(h.queue.stats()).toEqual({ queued: 0, inFlight: 0, delayed: 0 });
  });

  it.each([
    [
      'succeeds with a requeue',
      (h: ReturnType<typeof queueHarness>) => h.succeed('a', { requeueAfterMs: 1_000 }),
    ],
    ['fails', (h: ReturnType<typeof queueHarness>) => h.fail('a')],
  ])('lets an in-flight run finish but schedules nothing when it %s', async (_name, finish) => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    await settle();
    h.queue.add('a');
    h.queue.remove('a');
    expect(h.signalOf('a')?.aborted).toBe(false);
    await finish(h);
    await h.clock.advanceAsync(60_000);
    expect(h.started).toEqual(['a']);
    expect(h.queue.stats()).toEqual({ queued: 0, inFlight: 0, delayed: 0 });
  });

  it('runs a key re-added after it was removed mid-run', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    await settle();
    h.queue.remove('a');
    h.queue.add('a');
    await h.succeed('a');
    expect(h.started).toEqual(['a', 'a']);
  });
});

describe('WorkQueue shutdown', () => {
  it('waits for in-flight reconciles, drops queued and delayed keys, and takes no new work', async () => {
    const h = queueHarness({ concurrency: 1 });
    h.queue.start();
    h.queue.add('a');
    h.queue.add('b');
    h.queue.addAfter('c', 1_000);
    await settle();
    let result: { abandoned: string[] } | undefined;
    void h.queue.shutdown({ drainTimeoutMs: 10_000 }).then((r) => {
      result = r;
    });
    expect(h.queue.stats()).toEqual({ queued: 0, inFlight: 1, delayed: 0 });
    h.queue.add('d');
    await settle();
    expect(result).toBeUndefined();
    await h.succeed('a', { requeueAfterMs: 1 });
    expect(result).toEqual({ abandoned: [] });
    await h.clock.advanceAsync(60_000);
    expect(h.started).toEqual(['a']);
    expect(h.clock.pending()).toBe(0);
  });

  it('aborts reconciles still running at the drain timeout and reports them', async () => {
    const h = queueHarness();
    h.queue.start();
    h.queue.add('a');
    h.queue.add('b');
    await settle();
    await h.succeed('b');
    const done = h.queue.shutdown({ drainTimeoutMs: 5_000 });
    expect(h.queue.shutdown({ drainTimeoutMs: 1 })).toBe(done);
    const signal = h.signalOf('a');
    await h.clock.advanceAsync(4_999);
    expect(signal?.aborted).toBe(false);
    await h.clock.advanceAsync(1);
    expect(signal?.aborted).toBe(true);
    await expect(done).resolves.toEqual({ abandoned: ['a'] });
    // A reconcile that ignores the abort and finishes late changes nothing.
    await h.succeed('a', { requeueAfterMs: 1 });
    expect(h.clock.pending()).toBe(0);
  });

  it('resolves at once when idle, and cannot be started again', async () => {
    const h = queueHarness();
    h.queue.start();
    await expect(h.queue.shutdown({ drainTimeoutMs: 1_000 })).resolves.toEqual({ abandoned: [] });
    expect(() => h.queue.start()).toThrow(/shut down/);
  });
});
