import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, InvalidDurationError, parseDuration } from '../../../src/api/index.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['-0', 0],
    ['0s', 0],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['1h2m3s4ms', 3_723_004],
    ['.5s', 500],
    ['1.s', 1_000],
    ['-2s', -2_000],
    ['+5s', 5_000],
    ['1us', 0.001],
    ['1µs', 0.001],
    ['1μs', 0.001],
    ['100ns', 0.0001],
    ['1m1m', 120_000],
    ['0.1s', 100],
  ])('%s is %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    ['', 'invalid duration "": empty duration'],
    ['-', 'invalid duration "-": empty duration'],
    ['1', 'invalid duration "1": missing unit (use ns, us, ms, s, m or h)'],
    ['1x', 'invalid duration "1x": unknown unit "x" (use ns, us, ms, s, m or h)'],
    ['1d', 'invalid duration "1d": unknown unit "d" (use ns, us, ms, s, m or h)'],
    ['ms', 'invalid duration "ms": expected a number at "ms"'],
    ['.s', 'invalid duration ".s": expected a number at ".s"'],
    ['1h-2m', 'invalid duration "1h-2m": unknown unit "h-" (use ns, us, ms, s, m or h)'],
    [' 1s', 'invalid duration " 1s": expected a number at " 1s"'],
    ['1 s', 'invalid duration "1 s": unknown unit " s" (use ns, us, ms, s, m or h)'],
    ['3000000h', 'invalid duration "3000000h": out of range (more than about 292 years)'],
  ])('rejects %j', (input, message) => {
    expect(() => parseDuration(input)).toThrow(InvalidDurationError);
    expect(() => parseDuration(input)).toThrow(message);
  });

  it('carries the input and a stable code', () => {
    const error = (() => {
      try {
        parseDuration('5 minutes');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidDurationError);
    expect(error).toMatchObject({ code: 'InvalidDuration', value: '5 minutes' });
  });
});

describe('DURATION_PATTERN (what the CRDs accept)', () => {
  const pattern = new RegExp(DURATION_PATTERN);
  it.each(['5m', '1h30m', '500ms', '1.5h', '0s'])('accepts %s', (s) => {
    expect(pattern.test(s)).toBe(true);
    expect(() => parseDuration(s)).not.toThrow();
  });
  it.each(['', '5', '-1s', '1us', '1d', '5 m', 'PT5M'])('rejects %j', (s) => {
    expect(pattern.test(s)).toBe(false);
  });
});
