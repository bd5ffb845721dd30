import { describe, expect, it } from 'vitest';
import { requestStamp } from '../../../src/receivers/stamp.js';

describe('requestStamp', () => {
  it('writes the time in RFC 3339 with milliseconds', () => {
    const ms = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    expect(requestStamp(ms, 0)).toEqual({ value: '2026-01-02T03:04:05.678Z', ms });
  });

  it.each([
    ['the same millisecond', 1_000, 1_000, 1_001],
    ['a clock that went back', 900, 1_000, 1_001],
    ['a later time', 2_000, 1_000, 2_000],
  ])('moves past the last value for %s', (_what, now, last, expected) => {
    const s = requestStamp(now, last);
    expect(s.ms).toBe(expected);
    expect(s.value).toBe(new Date(expected).toISOString());
  });
});
