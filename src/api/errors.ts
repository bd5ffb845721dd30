/**
 * Turns TypeBox validation errors into messages a person editing YAML can act on: one per field, the path
 * written the way they would write it (`spec.dependsOn[0].name`), what was expected, and what was given.
 */
import type { TSchema } from '@sinclair/typebox';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { DURATION_PATTERN, InvalidDurationError, parseDuration } from './duration.js';

/** One problem with one field. `path` is dotted, with `[i]` for list items; '' is the document itself. */
export interface FieldError {
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every schema error in `value`, at most one per path, in document order. */
export function schemaErrors(schema: TSchema, value: unknown): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of Value.Errors(schema, value)) {
    const path = formatPath(error.path, value);
    // A missing key also fails its type check, and a string can fail both length and pattern: the first
    // error of a path (required comes first) says it best, and the message describes the whole schema.
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message: messageFor(error) });
  }
  return out;
}

/** Appends a path segment: `.key`, `["odd key"]` or `[3]`. */
export function joinPath(parent: string, segment: string | number): string {
  if (typeof segment === 'number') return `${parent}[${segment}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(segment)) return parent === '' ? segment : `${parent}.${segment}`;
  return `${parent}[${JSON.stringify(segment)}]`;
}

/** Puts `path` (as schemaErrors writes it) under `base`: `bootstrap[0]` + `spec.url` = `bootstrap[0].spec.url`. */
export function prefixPath(base: string, path: string): string {
  if (path === '') return base;
  if (base === '' || path.startsWith('[')) return `${base}${path}`;
  return `${base}.${path}`;
}

/** Converts a JSON pointer into a dotted path, walking `root` to tell list indexes from map keys. */
export function formatPath(pointer: string, root: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      path = joinPath(path, Number(segment));
      node = node[Number(segment)];
    } else {
      path = joinPath(path, segment);
      node = isObj(node) ? node[segment] : undefined;
    }
  }
  return path;
}

/** A short rendering of a bad value for `(got ...)`; long strings are cut so a message stays one line. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isObj(value)) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
}

function messageFor(error: ValueError): string {
  const schema: Obj = error.schema;
  // JSON and YAML have no undefined: a key set to undefined in code is a key left out.
  if (error.type === ValueErrorType.ObjectRequiredProperty || error.value === undefined) return 'is required';
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const key = error.path
      .slice(error.path.lastIndexOf('/') + 1)
      .replaceAll('~1', '/')
      .replaceAll('~0', '~');
    const known = isObj(schema.properties) ? Object.keys(schema.properties) : [];
    return unknownKey(key, known);
  }
  const expected =
    typeof schema.errorMessage === 'string' ? schema.errorMessage : `must be ${describe(schema)}`;
  return `${expected} (got ${showValue(error.value)})`;
}

/** The message for a key the schema does not know, with the closest known key when one is near. */
export function unknownKey(key: string, known: readonly string[]): string {
  const near = known
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter(({ k, d }) => d <= Math.max(1, Math.floor(k.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  if (near) return `unknown key (did you mean "${near.k}"?)`;
  return known.length > 0 ? `unknown key (known keys: ${[...known].sort().join(', ')})` : 'unknown key';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function bounds(noun: string, s: Obj): string {
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  const max = typeof s.maximum === 'number' ? s.maximum : undefined;
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} >= ${min}`;
  if (max !== undefined) return `${noun} <= ${max}`;
  return noun;
}

/** What a schema accepts, in words, for schemas without an errorMessage. */
function describe(s: Obj): string {
  if ('const' in s) return JSON.stringify(s.const);
  switch (s.type) {
    case 'integer':
      return bounds('an integer', s);
    case 'number':
      return bounds('a number', s);
    case 'boolean':
      return 'true or false';
    case 'array':
      return typeof s.minItems === 'number' && s.minItems > 0
        ? `a list of at least ${s.minItems} items`
        : 'a list';
    case 'object':
      return 'an object';
    case 'string': {
      const parts = [s.minLength === 1 ? 'a non-empty string' : 'a string'];
      if (typeof s.maxLength === 'number') parts.push(`of at most ${s.maxLength} characters`);
      if (typeof s.pattern === 'string') parts.push(`matching ${s.pattern}`);
      return parts.join(' ');
    }
    default:
      return 'a valid value';
  }
}

/**
 * Collects the errors of rules a schema cannot express, after the schema's own errors, dropping any on a
 * path the schema already rejected (or inside one): one clear message per field beats two.
 */
export class Findings {
  readonly errors: FieldError[];
  private readonly schemaPaths: readonly string[];

  constructor(schemaErrors: FieldError[]) {
    this.errors = [...schemaErrors];
    this.schemaPaths = schemaErrors.map((e) => e.path);
  }

  add(path: string, message: string): void {
    const covered = this.schemaPaths.some(
      (p) => p === path || p === '' || path.startsWith(`${p}.`) || path.startsWith(`${p}[`),
    );
    if (!covered) this.errors.push({ path, message });
  }

  /**
   * A duration field that matches the pattern but is zero would hot-loop or time out at once; one longer than
   * `max` (given as `{ ms, text }`) is refused too. Never throws: a value too long for a Go duration (the
   * pattern lets `9999999999999h` through) is reported on its field like any other bad value.
   */
  positiveDuration(value: unknown, path: string, max?: { ms: number; text: string }): void {
    if (typeof value !== 'string' || !new RegExp(DURATION_PATTERN).test(value)) return;
    const longest = max ? `; must be at most ${max.text}` : '';
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (e) {
      if (!(e instanceof InvalidDurationError)) throw e;
      this.add(path, `is out of range (got ${showValue(value)})${longest}`);
      return;
    }
    if (ms <= 0) this.add(path, `must be greater than 0 (got ${showValue(value)})`);
    else if (max && ms > max.ms) this.add(path, `must be at most ${max.text} (got ${showValue(value)})`);
  }
}
