/**
 * Go's fmt rendering of decoded JSON values. Strategic merge patch errors print the offending maps and lists with
 * `%v` and `%s` (apimachinery pkg/util/mergepatch/errors.go), and the API server sends those strings to clients.
 * Integers render as int64 and other numbers as float64, because the apiserver decodes patches preserving ints
 * (sigs.k8s.io/json UnmarshalCaseSensitivePreserveInts).
 */
import { isObj } from '../types.js';

function isInt64(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63;
}

/** strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form when exp < -4 or exp >= 6. */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp).toString().padStart(2, '0');
    return `${mantissa}e${exp < 0 ? '-' : '+'}${abs}`;
  }
  return String(n);
}

function sortedKeys(o: Record<string, unknown>): string[] {
  // fmt sorts map keys by Go string order, which is byte order: compare code points, not locale.
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `%v` of an interface{} holding decoded JSON. */
export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return isInt64(v) ? String(v) : goFloat(v);
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  if (isObj(v))
    return `map[${sortedKeys(v)
      .map((k) => `${k}:${goSprint(v[k])}`)
      .join(' ')}]`;
  return String(v);
}

/** reflect.TypeOf(v) printed with `%s`, as mergepatch.ErrBadArgType does. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return isInt64(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** `%s` of an interface{} holding decoded JSON: non-strings print as `%!s(type=value)`. */
export function goFmtS(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(goFmtS).join(' ')}]`;
  if (isObj(v))
    return `map[${sortedKeys(v)
      .map((k) => `${k}:${goFmtS(v[k])}`)
      .join(' ')}]`;
  return `%!s(${goTypeName(v)}=${goSprint(v)})`;
}
