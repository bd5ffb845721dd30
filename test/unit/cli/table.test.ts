import { describe, expect, it } from 'vitest';
import { ageOf, columnWidths, formatTable, humanDuration, oneLine } from '../../../src/cli/table.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (kubectl ages)', () => {
  it.each([
    [-3 * S, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [5 * S, '5s'],
    [5 * S + 999, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 2 * S, '3m2s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [4 * H + 5 * M, '4h5m'],
    [8 * H + 59 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 5 * H, '2d5h'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [2 * 365 * D, '2y'],
    [3 * 365 * D + 10 * D, '3y10d'],
    [9 * 365 * D, '9y'],
  ])('%d ms is %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });

  it('ages a timestamp against the time passed in, and says <unknown> without one', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(ageOf('2026-03-01T11:56:58Z', now)).toBe('3m2s');
    expect(ageOf('2026-02-27T12:00:00Z', now)).toBe('2d');
    expect(ageOf(undefined, now)).toBe('<unknown>');
    expect(ageOf('not a time', now)).toBe('<unknown>');
  });
});

describe('formatTable (kubectl layout)', () => {
  it('pads every column but the last to its widest cell plus three, at least six', () => {
    const out = formatTable(
      ['NAME', 'READY', 'AGE', 'STATUS'],
      [
        ['app', 'True', '5s', 'Applied revision: main@sha1:abc'],
        ['a-much-longer-name', 'False', '3m2s', 'boom'],
      ],
    );
    expect(out).toBe(
      [
        'NAME                 READY   AGE    STATUS',
        'app                  True    5s     Applied revision: main@sha1:abc',
        'a-much-longer-name   False   3m2s   boom',
        '',
      ].join('\n'),
    );
  });

  it('never leaves trailing spaces when the last cell is empty', () => {
    const out = formatTable(['NAME', 'STATUS'], [['x', '']]);
    expect(out.split('\n').every((l) => l === l.trimEnd())).toBe(true);
    expect(columnWidths([['a', 'b']])).toEqual([6, 6]);
  });

  it('keeps a multi-line message on one row', () => {
    expect(oneLine('first line\n  second line\n')).toBe('first line second line');
  });
});
