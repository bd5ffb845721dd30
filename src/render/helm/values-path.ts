/**
 * `helm --set` paths (`a.b[0].c`, `annotations.app\.kubernetes\.io/name`) and values, for valuesFrom
 * `targetPath`. Follows Helm's strvals parser: dots separate keys, `[n]` indexes a list (padded with nulls, at
 * most 65536), a backslash makes the next character part of the key. Pure.
 */
import type { Values } from './values-merge.js';
import { getOwn, isValuesMap, setOwn } from './values-merge.js';

/** One step of a path: a mapping key or a list index. */
export type PathStep = { key: string } | { index: number };

/** Helm's strvals MaxIndex: `a[100000]=x` would otherwise allocate a list of that length. */
export const MAX_INDEX = 65536;

/** A path that is not valid `--set` syntax. The message names the path and the problem, never a value. */
export class ValuePathError extends Error {
  override readonly name = 'ValuePathError';
}

function fail(path: string, problem: string): never {
  throw new ValuePathError(`path ${JSON.stringify(path)}: ${problem}`);
}

/** Reads a key from `i`, up to an unescaped `.` or `[`; returns the key and where it stopped. */
function readKey(path: string, start: number): { key: string; end: number } {
  let key = '';
  let i = start;
  while (i < path.length) {
    const c = path[i] as string;
    if (c === '\\') {
      if (i + 1 >= path.length) fail(path, 'ends with a lone backslash');
      key += path[i + 1];
      i += 2;
      continue;
    }
    if (c === '.' || c === '[') break;
    // Helm reads `=` and `,` as the end of the path in `--set a=b,c=d`; inside a path they must be escaped.
    if (c === '=' || c === ',') fail(path, `"${c}" must be escaped with a backslash`);
    key += c;
    i++;
  }
  if (key === '') fail(path, start === 0 ? 'starts without a key' : `has an empty key at offset ${start}`);
  return { key, end: i };
}

/** Reads `[n]` at `i` (which is `[`). */
function readIndex(path: string, start: number): { index: number; end: number } {
  const close = path.indexOf(']', start);
  if (close < 0) fail(path, `has an unclosed "[" at offset ${start}`);
  const digits = path.slice(start + 1, close);
  if (digits.startsWith('-')) fail(path, 'negative list indexes are not allowed');
  if (!/^[0-9]+$/.test(digits)) fail(path, `list index "${digits}" is not a number`);
  const index = Number(digits);
  if (index > MAX_INDEX) fail(path, `list index ${index} is more than the ${MAX_INDEX} allowed`);
  return { index, end: close + 1 };
}

/** Parses a `--set` path into steps; throws ValuePathError. */
export function parseValuePath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let i = 0;
  for (;;) {
    const { key, end } = readKey(path, i);
    steps.push({ key });
    i = end;
    while (path[i] === '[') {
      const { index, end: after } = readIndex(path, i);
      steps.push({ index });
      i = after;
    }
    if (i >= path.length) return steps;
    if (path[i] !== '.') fail(path, `expected "." or "[" at offset ${i}`);
    i++;
  }
}

type Slot = { get(): unknown; set(v: unknown): void };

function keySlot(map: Values, key: string): Slot {
  return { get: () => getOwn(map, key), set: (v) => setOwn(map, key, v) };
}

function indexSlot(list: unknown[], index: number): Slot {
  return {
    get: () => list[index],
    set: (v) => {
      // Helm pads a short list with nulls up to the index it sets.
      while (list.length < index) list.push(null);
      list[index] = v;
    },
  };
}

/**
 * Sets `value` at `path` in `values`, in place, creating mappings and lists on the way; a step that meets a
 * value of the wrong shape (a scalar where the path goes on, a list where it names a key) replaces it, as a
 * later `--set` overrides an earlier one. Throws ValuePathError for a path that is not valid syntax.
 */
export function setValuePath(values: Values, path: string, value: unknown): void {
  const steps = parseValuePath(path);
  let slot: Slot = keySlot(values, (steps[0] as { key: string }).key);
  for (const step of steps.slice(1)) {
    const current = slot.get();
    if ('key' in step) {
      const map = isValuesMap(current) ? current : {};
      if (map !== current) slot.set(map);
      slot = keySlot(map, step.key);
    } else {
      const list = Array.isArray(current) ? current : [];
      if (list !== current) slot.set(list);
      slot = indexSlot(list, step.index);
    }
  }
  slot.set(value);
}

/**
 * What `helm --set` makes of a value's text (strvals typedVal): `true`, `false` and `null` in any case, `0`,
 * and decimal integers whose first character is not `0` (a sign may come first, as Go's ParseInt allows);
 * anything else stays a string, so `0123` keeps its zero. An integer beyond JavaScript's exact range stays a
 * string rather than lose digits.
 */
export function typedSetValue(text: string): unknown {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return 0;
  if (/^[-+]?[0-9]+$/.test(text) && !text.startsWith('0')) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  }
  return text;
}
