import { describe, expect, it } from 'vitest';
import { diffLines, unifiedDiff } from '../../../src/diff/unified.js';

const labels = { oldLabel: 'old', newLabel: 'new' };
const text = (...lines: string[]) => lines.map((l) => `${l}\n`).join('');

// Expected outputs are what GNU `diff -u --label old --label new` prints for the same inputs.
describe('unifiedDiff', () => {
  it.each([
    {
      name: 'two hunks, separated by more than twice the context',
      a: text(...'abcdefghijklmn'),
      b: text('a', 'B', ...'cdefghijklm', 'N', 'added'),
      want: [
        '--- old',
        '+++ new',
        '@@ -1,5 +1,5 @@',
        ' a',
        '-b',
        '+B',
        ' c',
        ' d',
        ' e',
        '@@ -11,4 +11,5 @@',
        ' k',
        ' l',
        ' m',
        '-n',
        '+N',
        '+added',
      ],
    },
    { name: 'from empty', a: '', b: text('x'), want: ['--- old', '+++ new', '@@ -0,0 +1 @@', '+x'] },
    { name: 'to empty', a: text('x'), b: '', want: ['--- old', '+++ new', '@@ -1 +0,0 @@', '-x'] },
    {
      name: 'an insertion in the middle',
      a: text(...'12345678'),
      b: text('1', '2', '3', '4', 'X', '5', '6', '7', '8'),
      want: ['--- old', '+++ new', '@@ -2,6 +2,7 @@', ' 2', ' 3', ' 4', '+X', ' 5', ' 6', ' 7'],
    },
  ])('$name', ({ a, b, want }) => {
    expect(unifiedDiff(a, b, labels)).toBe(text(...want));
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff(text('a', 'b'), text('a', 'b'), labels)).toBe('');
  });

  it('merges changes whose context would overlap into one hunk', () => {
    const a = text(...'abcdefghij');
    const b = text('A', ...'bcdef', 'G', ...'hij');
    const out = unifiedDiff(a, b, labels);
    expect(out.match(/^@@/gm)).toHaveLength(1);
    expect(out).toContain('@@ -1,10 +1,10 @@');
  });

  it('prints deletions before insertions within a change', () => {
    const out = unifiedDiff(text('k: 1', 'x', 'l: 2'), text('k: 3', 'x', 'l: 4'), { ...labels, context: 0 });
    expect(out).toBe(
      text('--- old', '+++ new', '@@ -1 +1 @@', '-k: 1', '+k: 3', '@@ -3 +3 @@', '-l: 2', '+l: 4'),
    );
  });
});

describe('diffLines', () => {
  // A deterministic pseudo-random generator, so a failure can be replayed.
  function rng(seed: number) {
    let s = seed;
    return () => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s / 0x7fffffff;
    };
  }
  function lcs(a: readonly string[], b: readonly string[]): number {
    const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
    return dp[a.length]![b.length]!;
  }

  it('finds a shortest edit script that turns a into b (200 random cases)', () => {
    const next = rng(42);
    for (let round = 0; round < 200; round++) {
      const line = () => 'abcde'[Math.floor(next() * 5)] as string;
      const a = Array.from({ length: Math.floor(next() * 30) }, line);
      const b = Array.from({ length: Math.floor(next() * 30) }, line);
      const edits = diffLines(a, b);
      expect(edits.filter((e) => e.op !== 'insert').map((e) => e.line)).toEqual(a);
      expect(edits.filter((e) => e.op !== 'delete').map((e) => e.line)).toEqual(b);
      expect(edits.filter((e) => e.op !== 'equal')).toHaveLength(a.length + b.length - 2 * lcs(a, b));
    }
  });
});
