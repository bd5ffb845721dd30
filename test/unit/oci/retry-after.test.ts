import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/sources/oci/retry-after.js';

const now = Date.parse('2030-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['2', 2_000],
    [' 120 ', 120_000],
    ['Tue, 01 Jan 2030 00:00:05 GMT', 5_000],
    ['Tuesday, 01-Jan-30 00:00:05 GMT', 5_000],
    ['Mon, 31 Dec 2029 23:59:00 GMT', 0],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['2031', 2_031_000],
    ['1 2', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
