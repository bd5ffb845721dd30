/**
 * Splits an index.yaml into small pieces that parse on their own, so a 50 MiB index never becomes one YAML
 * document tree (the `yaml` package needs about 50 bytes of heap per byte of input for that, and blocks the
 * event loop for seconds). It reads the block layout helm and every repository server write:
 *
 *   apiVersion: v1
 *   entries:
 *     podinfo:            <- a chart key at indentation k
 *     - apiVersion: v2    <- an item at indentation j >= k, one chart version
 *       version: 6.5.0    <- its keys at indentation m > j
 *   generated: ...
 *
 * Indentation alone decides where a piece ends, which is what YAML's block structure means: a block scalar or a
 * nested collection is always indented more than the key that holds it. Of each item only the keys Steward reads
 * are kept (the rest, descriptions, maintainers, annotations, are most of an index). Anything the scanner does not
 * recognise (flow style at the top, tabs, directives, several documents, anchors on items) makes it give up and
 * return undefined, and the caller parses the document whole instead.
 */

/** A piece of the index and the line (1-based) it starts at, for messages. */
export interface TextChunk {
  text: string;
  line: number;
}

/** One chart version, cut from the text only when asked for. */
export interface ScannedItem {
  /** The item with only the kept keys, still a one-entry block sequence. */
  reduced(): string;
  /** The line the item starts at. */
  line: number;
  /** The whole item's text, built only when needed (most items never need it). */
  full(): string;
}

export interface ScannedChart {
  /** The key line; with `inline`, the key and its value (`podinfo: []`), to parse whole. */
  key: TextChunk;
  inline: boolean;
  items: ScannedItem[];
}

export interface ScannedIndex {
  /** Top-level keys other than `entries`, each a small mapping that parses on its own. */
  others: TextChunk[];
  /** The entries section to parse whole, when its value is on the key's line (`entries: {}`). */
  entriesWhole?: TextChunk;
  charts: ScannedChart[];
}

/** A block mapping key (plain, double- or single-quoted) and what follows the colon. */
const KEY = /^([A-Za-z0-9_./][\w./+@-]*|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ \t]*:(?:[ \t]+(.*))?$/;

function isBlankOrComment(line: string): boolean {
  return /^[ \t]*(#.*)?$/.test(line);
}

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

/** A sequence entry indicator at `col`: `-` followed by a space or the end of the line. */
function isDash(line: string, col: number): boolean {
  return line[col] === '-' && (line.length === col + 1 || line[col + 1] === ' ');
}

/** True when a key's value starts on its own line (nothing after the colon but a comment). */
function valueOnNextLines(rest: string | undefined): boolean {
  const r = (rest ?? '').trim();
  return r === '' || r.startsWith('#');
}

function unquote(key: string): string | undefined {
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return undefined;
    }
  }
  return key;
}

/**
 * The lines of the text by their start offsets, cut on demand: a 50 MiB index has about two million lines, and
 * an array of them as strings would cost more than the text itself.
 */
export class Lines {
  readonly length: number;
  private readonly starts: Int32Array;

  constructor(private readonly text: string) {
    let n = 1;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
    this.starts = new Int32Array(n + 1);
    let i = 1;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.starts[i++] = at + 1;
    this.starts[n] = text.length + 1;
    this.length = n;
  }

  /** Line `i` (0-based) without its line break. */
  at(i: number): string {
    const from = this.starts[i] ?? 0;
    let to = (this.starts[i + 1] ?? from + 1) - 1;
    if (to > from && this.text.charCodeAt(to - 1) === 13) to--;
    return this.text.slice(from, to);
  }

  /** Lines [from, to) joined with `\n`. */
  join(from: number, to: number): string {
    const out: string[] = [];
    for (let i = from; i < to; i++) out.push(this.at(i));
    return out.join('\n');
  }
}

/** Scans `text`; undefined when it is not in the block layout described above. */
export function scanIndex(text: string, keep: ReadonlySet<string>): ScannedIndex | undefined {
  const lines = new Lines(text);
  const sections = topSections(lines);
  if (sections === undefined) return undefined;
  const chunk = (from: number, to: number): TextChunk => ({ text: lines.join(from, to), line: from + 1 });
  const out: ScannedIndex = { others: [], charts: [] };
  let sawEntries = false;
  for (const [n, s] of sections.entries()) {
    const end = sections[n + 1]?.start ?? lines.length;
    if (s.key !== 'entries') {
      out.others.push(chunk(s.start, end));
      continue;
    }
    if (sawEntries) return undefined; // a duplicate key: the whole-document parse reports it
    sawEntries = true;
    if (!valueOnNextLines(s.rest)) {
      out.entriesWhole = chunk(s.start, end);
      continue;
    }
    const charts = scanEntries(lines, s.start + 1, end, keep, chunk);
    if (charts === undefined) return undefined;
    out.charts = charts;
  }
  return out;
}

function topSections(lines: Lines): { key: string; start: number; rest?: string }[] | undefined {
  const sections: { key: string; start: number; rest?: string }[] = [];
  let i = 0;
  while (i < lines.length && isBlankOrComment(lines.at(i))) i++;
  if (i < lines.length && /^---[ \t]*(#.*)?$/.test(lines.at(i))) i++;
  for (; i < lines.length; i++) {
    const l = lines.at(i);
    if (isBlankOrComment(l)) continue;
    if (l.startsWith(' ')) {
      if (sections.length === 0) return undefined;
      continue;
    }
    const m = KEY.exec(l);
    const key = m?.[1] === undefined ? undefined : unquote(m[1]);
    if (key === undefined) return undefined; // `---`, `...`, `%YAML`, flow style, a tab: not for the scanner
    sections.push({ key, start: i, ...(m?.[2] !== undefined ? { rest: m[2] } : {}) });
  }
  return sections;
}

function scanEntries(
  lines: Lines,
  from: number,
  to: number,
  keep: ReadonlySet<string>,
  chunk: (from: number, to: number) => TextChunk,
): ScannedChart[] | undefined {
  const charts: ScannedChart[] = [];
  let k = -1; // indentation of the chart keys
  let j = -1; // indentation of the current chart's items
  let chart: { start: number; inline: boolean; items: ScannedItem[] } | undefined;
  let itemStart = -1;
  const closeItem = (end: number): void => {
    if (chart === undefined || itemStart < 0) return;
    const start = itemStart;
    itemStart = -1;
    const indent = j;
    chart.items.push({
      reduced: () => reduceItem(lines, start, end, indent, keep),
      line: start + 1,
      full: () => lines.join(start, end),
    });
  };
  const closeChart = (end: number): void => {
    if (chart === undefined) return;
    const keyEnd = chart.inline ? end : chart.start + 1;
    charts.push({ key: chunk(chart.start, keyEnd), inline: chart.inline, items: chart.items });
    chart = undefined;
  };
  for (let x = from; x < to; x++) {
    const l = lines.at(x);
    if (isBlankOrComment(l)) continue;
    const ind = indentOf(l);
    if (l[ind] === '\t') return undefined;
    if (k === -1) k = ind;
    const dash = isDash(l, ind);
    if (ind === k && !dash) {
      closeItem(x);
      closeChart(x);
      const m = KEY.exec(l.slice(k));
      if (m === null) return undefined;
      chart = { start: x, inline: !valueOnNextLines(m[2]), items: [] };
      j = -1;
      continue;
    }
    if (ind < k || chart === undefined) return undefined;
    if (chart.inline) continue; // a flow value running over several lines
    if (dash && (j === -1 || ind === j)) {
      closeItem(x);
      j = ind;
      itemStart = x;
      continue;
    }
    if (itemStart >= 0 && ind > j) continue;
    return undefined;
  }
  closeItem(to);
  closeChart(to);
  return charts;
}

/**
 * The item at lines [start, end) reduced to the keys in `keep`, still a one-entry block sequence at
 * indentation `j`; the whole item when its layout is not the plain `- key: value` mapping.
 */
function reduceItem(lines: Lines, start: number, end: number, j: number, keep: ReadonlySet<string>): string {
  const full = () => lines.join(start, end);
  const first = lines.at(start);
  const after = first.slice(j + 1);
  const content = after.trimStart();
  let m: number;
  let firstKey: number;
  if (content === '' || content.startsWith('#')) {
    firstKey = start + 1;
    while (firstKey < end && isBlankOrComment(lines.at(firstKey))) firstKey++;
    if (firstKey >= end) return full();
    m = indentOf(lines.at(firstKey));
  } else {
    m = j + 1 + (after.length - content.length);
    firstKey = start;
  }
  // The reduced item starts with `- ` at j and its keys at m, so m must leave room for the indicator.
  if (m < j + 2) return full();
  const spans: { key: string; from: number; to: number }[] = [];
  for (let x = firstKey; x < end; x++) {
    const l = lines.at(x);
    if (x !== start) {
      if (isBlankOrComment(l)) continue;
      const ind = indentOf(l);
      if (ind < m) return full();
      if (ind > m || isDash(l, m)) continue;
    }
    const mk = KEY.exec(l.slice(m));
    const key = mk?.[1] === undefined ? undefined : unquote(mk[1]);
    if (key === undefined) return full();
    const prev = spans[spans.length - 1];
    if (prev !== undefined) prev.to = x;
    spans.push({ key, from: x, to: end });
  }
  const kept = spans.filter((s) => keep.has(s.key));
  if (kept.length === 0) return `${' '.repeat(j)}- {}`;
  const out: string[] = [];
  for (const [n, s] of kept.entries()) {
    for (let x = s.from; x < s.to; x++) {
      const l = lines.at(x);
      out.push(n === 0 && x === s.from ? `${' '.repeat(j)}-${' '.repeat(m - j - 1)}${l.slice(m)}` : l);
    }
  }
  return out.join('\n');
}
