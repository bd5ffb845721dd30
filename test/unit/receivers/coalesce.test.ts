import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/fake-clock.js';
import { Coalescer } from '../../../src/receivers/coalesce.js';

const SPACING = 250;

/** A write function whose calls the test finishes one by one; each call records the clock. */
function setup() {
  const clock = new FakeClock(1_000);
  const calls: { key: string; at: number; finish: (err?: Error) => void }[] = [];
  const write = (key: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ key, at: clock.now(), finish: (err) => (err ? reject(err) : resolve()) });
    });
  return { clock, calls, c: new Coalescer(write, clock, SPACING) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('Coalescer', () => {
  it('writes at once for a lone request, and forgets the key after the spacing', async () => {
    const { clock, calls, c } = setup();
    const p = c.request('a');
    expect(calls.map((x) => [x.key, x.at])).toEqual([['a', 1_000]]);
    calls[0]?.finish();
    await p;
    await settle();
    expect(c.size()).toBe(1);
    await clock.advanceAsync(SPACING);
    expect(c.size()).toBe(0);
    expect(c.writes).toBe(1);
  });

  it('turns a burst of 20 into the first write plus one trailing write after the spacing', async () => {
    const { clock, calls, c } = setup();
    const settled: number[] = [];
    const all: Promise<unknown>[] = [];
    // 20 calls over 200 ms, while the first write takes 10 ms.
    for (let i = 0; i < 20; i++) {
      all.push(c.request('a').then(() => settled.push(i)));
      if (i === 0) {
        await clock.advanceAsync(10);
        calls[0]?.finish();
        await settle();
      } else await clock.advanceAsync(10);
    }
    expect(settled).toEqual([0]);
    expect(calls).toHaveLength(1);
    await clock.advanceAsync(SPACING - 200);
    expect(calls.map((x) => x.at)).toEqual([1_000, 1_000 + SPACING]);
    calls[1]?.finish();
    await Promise.all(all);
    expect(settled).toHaveLength(20);
    expect(c.writes).toBe(2);
  });

  it('starts the trailing write only when the write in flight is done, however long it takes', async () => {
    const { clock, calls, c } = setup();
    const first = c.request('a');
    const second = c.request('a');
    await clock.advanceAsync(SPACING * 3);
    expect(calls).toHaveLength(1);
    calls[0]?.finish();
    await first;
    await settle();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.at).toBe(1_000 + SPACING * 3);
    calls[1]?.finish();
    await second;
  });

  it('gives a request after the trailing write started a write of its own', async () => {
    const { clock, calls, c } = setup();
    const first = c.request('a');
    const second = c.request('a');
    calls[0]?.finish();
    await first;
    await clock.advanceAsync(SPACING);
    expect(calls).toHaveLength(2);
    const third = c.request('a');
    calls[1]?.finish();
    await second;
    await clock.advanceAsync(SPACING);
    expect(calls).toHaveLength(3);
    calls[2]?.finish();
    await third;
    expect(c.writes).toBe(3);
  });

  it('writes at once again once the spacing has passed', async () => {
    const { clock, calls, c } = setup();
    const first = c.request('a');
    calls[0]?.finish();
    await first;
    await clock.advanceAsync(SPACING + 1);
    const second = c.request('a');
    expect(calls.map((x) => x.at)).toEqual([1_000, 1_000 + SPACING + 1]);
    calls[1]?.finish();
    await second;
  });

  it('keeps keys apart', async () => {
    const { clock, calls, c } = setup();
    const ps = [c.request('a'), c.request('b'), c.request('a'), c.request('b')];
    expect(calls.map((x) => x.key)).toEqual(['a', 'b']);
    for (const x of calls.slice(0, 2)) x.finish();
    await clock.advanceAsync(SPACING);
    expect(calls.map((x) => x.key)).toEqual(['a', 'b', 'a', 'b']);
    for (const x of calls.slice(2)) x.finish();
    await Promise.all(ps);
  });

  it('reports a failed write to its callers and still runs the trailing one', async () => {
    const { clock, calls, c } = setup();
    const first = c.request('a');
    const second = c.request('a');
    calls[0]?.finish(new Error('API server down'));
    await expect(first).rejects.toThrow('API server down');
    await clock.advanceAsync(SPACING);
    expect(calls).toHaveLength(2);
    calls[1]?.finish();
    await expect(second).resolves.toBeUndefined();
  });
});
