import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/fake-clock.js';

describe('FakeClock', () => {
  it('fires due timers in due-time order, ties in the order set, each at its own time', () => {
    const clock = new FakeClock(1_000);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['c', clock.now()]), 300);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['b', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['late', clock.now()]), 1_000);
    clock.advance(500);
    expect(fired).toEqual([
      ['a', 1_100],
      ['b', 1_100],
      ['c', 1_300],
    ]);
    expect(clock.now()).toBe(1_500);
    expect(clock.pending()).toBe(1);
    expect(clock.nextDueAt()).toBe(2_000);
  });

  it('fires timers set by timers when they fall due within the same advance', () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const tick = (): void => {
      fired.push(clock.now());
      clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    clock.advance(350);
    expect(fired).toEqual([100, 200, 300]);
  });

  it('does not fire cleared timers, and treats bad delays as zero', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const h = clock.setTimeout(() => fired.push('cleared'), 10);
    clock.setTimeout(() => fired.push('negative'), -5);
    clock.setTimeout(() => fired.push('nan'), Number.NaN);
    clock.clearTimeout(h);
    clock.clearTimeout('not a handle');
    clock.advance(0);
    expect(fired).toEqual(['negative', 'nan']);
  });

  it('lets promise work run between timers in advanceAsync', async () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const loop = (): void => {
      fired.push(clock.now());
      void Promise.resolve().then(() => clock.setTimeout(loop, 50));
    };
    clock.setTimeout(loop, 50);
    await clock.advanceAsync(200);
    expect(fired).toEqual([50, 100, 150, 200]);
  });

  it('refuses to move backwards', () => {
    expect(() => new FakeClock().advance(-1)).toThrow(RangeError);
  });
});
