/**
 * Small helpers shared by the validators: field.Path rendering, field.Error constructors with the detail
 * strings apimachinery builds (util/validation/field/errors.go, path.go), and plain-JSON accessors.
 */
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';

/** `Path.Child`: `spec` + `replicas` = `spec.replicas`. */
export function child(path: string, ...names: string[]): string {
  let out = path;
  for (const n of names) out = out === '' ? n : `${out}.${n}`;
  return out;
}

/** `Path.Index`: `spec.containers[0]`. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** `Path.Key`: `data[my.key]` (no quotes, as path.go writes it). */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

/** `field.Required(path, detail)`. */
export function required(field: string, detail = ''): FieldError {
  return detail ? { type: 'FieldValueRequired', field, detail } : { type: 'FieldValueRequired', field };
}

/** `field.Invalid(path, value, detail)`. */
export function invalidField(field: string, value: unknown, detail: string): FieldError {
  return detail
    ? { type: 'FieldValueInvalid', field, value, detail }
    : { type: 'FieldValueInvalid', field, value };
}

/** `field.TypeInvalid(path, value, detail)`. */
export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueTypeInvalid', field, value, detail };
}

/** `field.NotSupported`: each supported value is strconv.Quote'd, in the order given. */
export function notSupported(field: string, value: unknown, valid: readonly string[]): FieldError {
  if (valid.length === 0) return { type: 'FieldValueNotSupported', field, value };
  const detail = `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}`;
  return { type: 'FieldValueNotSupported', field, value, detail };
}

/** `field.Forbidden(path, detail)`. */
export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

/** `field.Duplicate(path, value)`. */
export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value };
}

/** `field.TooLong(path, _, max)`: the value is never printed (1.32+ wording). */
export function tooLong(field: string, max: number): FieldError {
  const detail =
    max >= 0 ? `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return { type: 'FieldValueTooLong', field, detail };
}

/** `field.TooMany(path, actual, max)`: `Too many: 5: must have at most 3 items`. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return actual >= 0
    ? { type: 'FieldValueTooMany', field, value: actual, detail }
    : { type: 'FieldValueTooMany', field, detail };
}

/** `ValidateNonnegativeField` (apimachinery api/validation/generic.go). */
export function nonNegative(field: string, value: unknown): FieldError[] {
  return typeof value === 'number' && value < 0
    ? [invalidField(field, value, 'must be greater than or equal to 0')]
    : [];
}

/** Reads a nested value without creating anything. */
export function at(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const p of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** The value as a JSON object, or undefined. */
export function asObj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

/** The value as an array; anything else reads as empty, like a nil slice. */
export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The value as a string; anything else reads as "", the Go zero value. */
export function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A map[string]string as Go's encoding/json prints it: keys sorted. */
export function sortedMap(v: unknown): Obj | null {
  if (!isObj(v)) return null;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = v[k];
  return out;
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Exact JSON equality, ignoring key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function isEmptyish(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isObj(v) && Object.keys(v).length === 0)
  );
}

/**
 * apimachinery `equality.Semantic.DeepEqual` as it behaves on decoded internal types: nil and empty
 * slices/maps are equal, and a missing string equals "" (internal structs have no pointers for most strings).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmptyish(a) && isEmptyish(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}
