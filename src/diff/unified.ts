/**
 * A line diff (Myers' O(ND) algorithm, "An O(ND) Difference Algorithm and Its Variations", 1986) and its
 * unified rendering with context lines, as `diff -u` and `git diff` print it. Pure.
 */

/** One line of an edit script. */
export interface Edit {
  op: 'equal' | 'delete' | 'insert';
  line: string;
}

/** The shortest edit script turning `a` into `b`, in order. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  // Common ends are cheap to strip and keep the quadratic part to the lines that actually differ.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const equal = (lines: readonly string[]): Edit[] => lines.map((line) => ({ op: 'equal', line }));
  return [
    ...equal(a.slice(0, start)),
    ...myers(a.slice(start, endA), b.slice(start, endB)),
    ...equal(a.slice(endA)),
  ];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // v before each round d, kept only over the diagonals -d..d that round can read.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && at(v, offset + k - 1) < at(v, offset + k + 1));
      let x = down ? at(v, offset + k + 1) : at(v, offset + k - 1) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  throw new Error('unreachable: the edit distance is at most n + m');
}

function at(arr: Int32Array, i: number): number {
  return arr[i] ?? 0;
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[]): Edit[] {
  const out: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d] as Int32Array;
    // trace[d] starts at diagonal -d-1.
    const get = (k: number) => at(v, k + d + 1);
    const k = x - y;
    const down = k === -d || (k !== d && get(k - 1) < get(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = get(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: 'equal', line: a[--x] as string });
      y--;
    }
    if (d > 0) {
      if (down) out.push({ op: 'insert', line: b[--y] as string });
      else out.push({ op: 'delete', line: a[--x] as string });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

/** Labels and context for {@link unifiedDiff}. */
export interface UnifiedOptions {
  /** The `---` header: what the old text is. */
  oldLabel: string;
  /** The `+++` header: what the new text is. */
  newLabel: string;
  /** Unchanged lines shown around each change. Default 3, as `diff -u`. */
  context?: number;
}

/** The unified diff of two texts, or '' when they are equal. Both are read as newline-separated lines. */
export function unifiedDiff(oldText: string, newText: string, opts: UnifiedOptions): string {
  const edits = groupChanges(diffLines(splitLines(oldText), splitLines(newText)));
  const changes = edits.flatMap((e, i) => (e.op === 'equal' ? [] : [i]));
  if (changes.length === 0) return '';
  const context = opts.context ?? 3;
  // Line numbers (0-based) in the old and new text where each edit starts.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 0;
  let n = 0;
  for (const e of edits) {
    oldAt.push(o);
    newAt.push(n);
    if (e.op !== 'insert') o++;
    if (e.op !== 'delete') n++;
  }
  let out = `--- ${opts.oldLabel}\n+++ ${opts.newLabel}\n`;
  for (let h = 0; h < changes.length; ) {
    const first = changes[h] as number;
    let last = first;
    // Changes separated by at most twice the context share a hunk, so no context line is printed twice.
    for (h++; h < changes.length && (changes[h] as number) - last <= 2 * context + 1; h++) {
      last = changes[h] as number;
    }
    const from = Math.max(0, first - context);
    const to = Math.min(edits.length - 1, last + context);
    const hunk = edits.slice(from, to + 1);
    const oldCount = hunk.filter((e) => e.op !== 'insert').length;
    const newCount = hunk.filter((e) => e.op !== 'delete').length;
    out += `@@ -${range(oldAt[from] as number, oldCount)} +${range(newAt[from] as number, newCount)} @@\n`;
    for (const e of hunk) out += `${e.op === 'equal' ? ' ' : e.op === 'delete' ? '-' : '+'}${e.line}\n`;
  }
  return out;
}

/** `start,count` as diff prints it: 1-based, `,1` left out, an empty range starting at the line before it. */
function range(start: number, count: number): string {
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Within each run of changes, deletions first and then insertions, which is how diffs are read. */
function groupChanges(edits: readonly Edit[]): Edit[] {
  const out: Edit[] = [];
  let deletes: Edit[] = [];
  let inserts: Edit[] = [];
  const flush = () => {
    out.push(...deletes, ...inserts);
    deletes = [];
    inserts = [];
  };
  for (const e of edits) {
    if (e.op === 'delete') deletes.push(e);
    else if (e.op === 'insert') inserts.push(e);
    else {
      flush();
      out.push(e);
    }
  }
  flush();
  return out;
}
