/**
 * JSON value helpers with structured-merge-diff's semantics (smd value/value.go, value/fields.go). The engine
 * works on plain decoded JSON, so these stand in for smd's value.Value interface.
 */
import { isObj } from '../types.js';

/** How a value is walked: smd's deduceAtom picks the map, list or scalar handler from the value itself. */
export type ValueKind = 'map' | 'list' | 'scalar' | 'null';

export function kindOf(v: unknown): ValueKind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (isObj(v)) return 'map';
  return 'scalar';
}

/** Code-point order, which is the order Go's byte-wise strings.Compare gives on UTF-8. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function rank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isObj(v)) return 4;
  return 5; // null
}

/**
 * A total order across types (smd value.Compare): numbers < strings < booleans < lists < maps < null.
 * Orders `v:` set members and `k:` keys when a FieldsV1 object is written.
 */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return Math.sign(a.length - b.length);
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareStrings);
    for (const k of keys) {
      if (!(k in a)) return 1;
      if (!(k in b)) return -1;
      const c = compareValues(a[k], b[k]);
      if (c !== 0) return c;
    }
    return 0;
  }
  return 0;
}

/** Deep equality as smd value.Equals: map key order does not matter, numbers compare numerically. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && valuesEqual(a[k], b[k]));
  }
  return false;
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * Compact JSON as Go writes it (jsoniter in standard-library mode, used by smd fieldpath/serialize-pe.go):
 * like JSON.stringify, but `<`, `>`, `&`, U+2028 and U+2029 are escaped, and map keys are sorted.
 */
export function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isObj(v)) {
    const keys = Object.keys(v).sort(compareStrings);
    return `{${keys.map((k) => `${goJson(k)}:${goJson(v[k])}`).join(',')}}`;
  }
  if (typeof v === 'string')
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
  return JSON.stringify(v ?? null);
}

/** smd value.ToString, used in conflict paths: strings quoted, numbers bare, maps as `k=v` pairs. */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(displayValue).join(',')}]`;
  if (isObj(v)) {
    return Object.keys(v)
      .sort(compareStrings)
      .map((k) => `${k}=${displayValue(v[k])}`)
      .join('');
  }
  return String(v);
}
