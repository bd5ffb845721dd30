/**
 * A fast path for the reduced chart versions the scanner produces (index-scan.ts): nearly all of them are a
 * handful of `key: scalar` lines and one short list of URLs, which the `yaml` package parses at about 3 MB/s.
 * This reads exactly that subset and returns undefined for anything else (a backslash escape, a comment, a
 * block scalar, a nested collection, a duplicate key), which then goes to `yaml`. Values are what the YAML
 * failsafe schema gives: strings, and lists of strings.
 */

const KEY = /^([A-Za-z_][\w.-]*):(?: +(.*))?$/;
/** Characters that start something other than a plain scalar (YAML 1.2 c-indicator). */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;

/** The reduced item's keys and values, or undefined when it is not in the simple subset. */
export function fastItem(text: string): Record<string, string | string[]> | undefined {
  const lines = text.split('\n');
  const first = lines[0] ?? '';
  const dash = first.indexOf('-');
  if (dash < 0 || first.slice(0, dash).trim() !== '') return undefined;
  const afterDash = first.slice(dash + 1);
  const m = dash + 1 + (afterDash.length - afterDash.trimStart().length);
  if (m < dash + 2) return undefined;
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  let list: string[] | undefined;
  let listIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const indent = i === 0 ? m : leadingSpaces(raw);
    if (indent === raw.length) return undefined; // a blank line: rare, and yaml knows what it means
    if (indent === m && (i === 0 || raw[m] !== '-')) {
      const km = KEY.exec(raw.slice(m));
      if (km === null) return undefined;
      const key = km[1] as string;
      if (key in out) return undefined;
      const rest = km[2];
      if (rest === undefined || rest === '') {
        list = [];
        listIndent = -1;
        out[key] = list;
        continue;
      }
      list = undefined;
      const v = scalar(rest);
      if (v === undefined) return undefined;
      out[key] = v;
      continue;
    }
    // A list entry of the last key, at m (compact, as helm writes it) or deeper, always at the same column.
    if (list === undefined || indent < m || raw[indent] !== '-' || raw[indent + 1] !== ' ') return undefined;
    if (listIndent === -1) listIndent = indent;
    if (indent !== listIndent) return undefined;
    const v = scalar(raw.slice(indent + 2).trimStart());
    if (v === undefined) return undefined;
    list.push(v);
  }
  // `key:` with nothing under it is an empty value, as the failsafe schema reads it.
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v) && v.length === 0) out[k] = '';
  return out;
}

function leadingSpaces(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

/** A one-line scalar: plain, single-quoted, or double-quoted without escapes. */
function scalar(text: string): string | undefined {
  const t = text.replace(/ +$/, '');
  if (t === '' || t.includes('\t')) return undefined;
  if (t.startsWith('"')) {
    const m = /^"([^"\\]*)"$/.exec(t);
    return m?.[1];
  }
  if (t.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'$/.exec(t);
    return m?.[1]?.replace(/''/g, "'");
  }
  if (INDICATOR.test(t) || t.includes(': ') || t.includes(' #') || t.endsWith(':')) return undefined;
  return t;
}
