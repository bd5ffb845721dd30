/**
 * Validation of a custom resource against its CRD version's openAPIV3Schema, reproducing what the
 * apiserver returns:
 * - kube-openapi pkg/validation/validate (schema.go validator order: type, allOf/anyOf/oneOf/not, string,
 *   format, number, slice, enum, object) with the messages of pkg/validation/errors/schema.go, always
 *   `in body`;
 * - apiextensions-apiserver pkg/apiserver/validation/validation.go kubeOpenAPIResultToFieldErrors, which turns
 *   them into field errors (required → Required, enum → NotSupported, maxLength → TooLong, maxItems and
 *   maxProperties → TooMany, type and format → TypeInvalid, the rest → Invalid; junctor failures are not
 *   field-scoped and land on the nil path `<nil>`);
 * - x-kubernetes-list-type set/map uniqueness (listtype.ts).
 * Not covered: x-kubernetes-validations (CEL) and validation ratcheting on update.
 */
import { isIP } from 'node:net';
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { validateListTypes } from './listtype.js';
import {
  asArray,
  deepEqual,
  invalidField,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
} from './util.js';

/** The JSON type kube-openapi infers for a decoded value; integral numbers are integers. */
function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** The schema's types; int-or-string is converted to `[integer, string]` (apiextensions ConvertJSONSchemaProps). */
function schemaTypes(s: Obj): string[] {
  if (s['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return typeof s.type === 'string' && s.type !== '' ? [s.type] : [];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** errPath: the kube-openapi name without its leading dot, or the nil path. */
function fieldOf(path: string): string {
  const p = path.startsWith('.') ? path.slice(1) : path;
  return p === '' ? '<nil>' : p;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** The formats cheap enough to check; other formats CRDs allow are accepted as-is. */
function formatValid(format: string, v: string): boolean {
  switch (format) {
    case 'date':
      return DATE.test(v);
    case 'date-time':
      return DATE_TIME.test(v);
    case 'uuid':
      return UUID.test(v);
    case 'ipv4':
      return isIP(v) === 4;
    case 'ipv6':
      return isIP(v) === 6;
    default:
      return true;
  }
}

class Walker {
  readonly errs: FieldError[] = [];

  node(v: unknown, s: Obj, path: string): void {
    const types = schemaTypes(s);
    const inBody = `${path} in body`;
    if (v === null || v === undefined) {
      if (types.length > 0 && !types.includes('null') && s.nullable !== true) {
        this.errs.push(
          typeInvalid(fieldOf(path), 'null', `${inBody} must be of type ${types.join(',')}: "null"`),
        );
      }
      this.enumCheck(null, s, path);
      return;
    }
    const kind = jsonKind(v);
    if (types.length > 0 && !types.includes(kind) && !(kind === 'integer' && types.includes('number'))) {
      this.errs.push(
        typeInvalid(fieldOf(path), kind, `${inBody} must be of type ${types.join(',')}: "${kind}"`),
      );
    }
    this.junctors(v, s, path);
    if (typeof v === 'string') this.string(v, s, path);
    if (typeof v === 'number') this.number(v, s, path);
    if (Array.isArray(v)) this.array(v, s, path);
    this.enumCheck(v, s, path);
    if (isObj(v)) this.object(v, s, path);
  }

  /** The string validator stops at its first failure (maxLength, minLength, pattern); format is separate. */
  private string(v: string, s: Obj, path: string): void {
    const f = fieldOf(path);
    const len = [...v].length;
    const max = num(s.maxLength);
    const min = num(s.minLength);
    if (max !== undefined && len > max) this.errs.push(tooLong(f, max));
    else if (min !== undefined && len < min) {
      this.errs.push(invalidField(f, v, `${path} in body should be at least ${min} chars long`));
    } else if (typeof s.pattern === 'string' && !matches(s.pattern, v)) {
      this.errs.push(invalidField(f, v, `${path} in body should match '${s.pattern}'`));
    }
    if (typeof s.format === 'string' && !formatValid(s.format, v)) {
      this.errs.push(typeInvalid(f, v, `${path} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
    }
  }

  private number(v: number, s: Obj, path: string): void {
    const f = fieldOf(path);
    const mult = num(s.multipleOf);
    if (mult !== undefined && mult > 0 && !Number.isInteger(v / mult)) {
      this.errs.push(invalidField(f, v, `${path} in body should be a multiple of ${mult}`));
    }
    const max = num(s.maximum);
    if (max !== undefined) {
      const excl = s.exclusiveMaximum === true;
      if (excl ? v >= max : v > max) {
        const what = excl ? 'less than' : 'less than or equal to';
        this.errs.push(invalidField(f, v, `${path} in body should be ${what} ${max}`));
      }
    }
    const min = num(s.minimum);
    if (min !== undefined) {
      const excl = s.exclusiveMinimum === true;
      if (excl ? v <= min : v < min) {
        const what = excl ? 'greater than' : 'greater than or equal to';
        this.errs.push(invalidField(f, v, `${path} in body should be ${what} ${min}`));
      }
    }
  }

  private array(v: unknown[], s: Obj, path: string): void {
    if (isObj(s.items)) {
      const items = s.items;
      v.forEach((x, i) => {
        this.node(x, items, `${path}[${i}]`);
      });
    }
    const f = fieldOf(path);
    const min = num(s.minItems);
    const max = num(s.maxItems);
    if (min !== undefined && v.length < min) {
      this.errs.push(invalidField(f, v.length, `${path} in body should have at least ${min} items`));
    }
    if (max !== undefined && v.length > max) this.errs.push(tooMany(f, v.length, max));
  }

  private enumCheck(v: unknown, s: Obj, path: string): void {
    if (!Array.isArray(s.enum) || s.enum.length === 0) return;
    if (s.enum.some((e) => deepEqual(e, v))) return;
    const allowed = s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    this.errs.push(notSupported(fieldOf(path), v, allowed));
  }

  private object(v: Obj, s: Obj, path: string): void {
    const f = fieldOf(path);
    const n = Object.keys(v).length;
    const minP = num(s.minProperties);
    const maxP = num(s.maxProperties);
    if (minP !== undefined && n < minP) {
      this.errs.push(invalidField(f, n, `${path} in body should have at least ${minP} properties`));
      return;
    }
    if (maxP !== undefined && n > maxP) {
      this.errs.push(tooMany(f, n, maxP));
      return;
    }
    const props = isObj(s.properties) ? s.properties : {};
    if (isObj(s.additionalProperties)) {
      const ap = s.additionalProperties;
      for (const [k, x] of Object.entries(v)) if (!Object.hasOwn(props, k)) this.node(x, ap, `${path}.${k}`);
    }
    for (const [k, ps] of Object.entries(props)) {
      if (Object.hasOwn(v, k) && isObj(ps)) this.node(v[k], ps, path === '' ? k : `${path}.${k}`);
    }
    for (const r of asArray(s.required)) {
      if (typeof r === 'string' && !Object.hasOwn(v, r)) this.errs.push(required(fieldOf(`${path}.${r}`)));
    }
  }

  /** allOf/anyOf/oneOf/not (kube-openapi schema_props.go); the failure notes carry no field. */
  private junctors(v: unknown, s: Obj, path: string): void {
    const sub = (schema: unknown): FieldError[] => {
      const w = new Walker();
      if (isObj(schema)) w.node(v, schema, path);
      return w.errs;
    };
    const note = (msg: string) => this.errs.push(invalidField('<nil>', '', `${path} in body ${msg}`));
    const anyOf = asArray(s.anyOf);
    if (anyOf.length > 0) {
      const results = anyOf.map(sub);
      if (!results.some((r) => r.length === 0)) {
        note('must validate at least one schema (anyOf)');
        this.errs.push(...fewest(results));
      }
    }
    const oneOf = asArray(s.oneOf);
    if (oneOf.length > 0) {
      const results = oneOf.map(sub);
      const valid = results.filter((r) => r.length === 0).length;
      if (valid !== 1) {
        note(
          `must validate one and only one schema (oneOf). ${valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`}`,
        );
        if (valid === 0) this.errs.push(...fewest(results));
      }
    }
    const allOf = asArray(s.allOf);
    if (allOf.length > 0) {
      const results = allOf.map(sub);
      const valid = results.filter((r) => r.length === 0).length;
      for (const r of results) this.errs.push(...r);
      if (valid !== allOf.length)
        note(`must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`);
    }
    if (isObj(s.not) && sub(s.not).length === 0) note('must not validate the schema (not)');
  }
}

/** The closest failing alternative (kube-openapi keeps the one with the best match count). */
function fewest(results: FieldError[][]): FieldError[] {
  return results.reduce((best, r) => (r.length < best.length ? r : best));
}

/** Go RE2 and JS agree on the patterns CRDs use; try Unicode mode first, then legacy mode for `\-` and co. */
function matches(pattern: string, v: string): boolean {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(pattern, flags).test(v);
    } catch {
      // try the next mode
    }
  }
  return true; // CRD validation rejects patterns Go cannot compile; do not invent errors here
}

/**
 * Validates a custom resource (the whole object, apiVersion to status) against a CRD version's
 * openAPIV3Schema. Call it after pruning and defaulting, as the apiserver decodes before it validates.
 */
export function validateAgainstSchema(obj: Obj, schema: Obj): FieldError[] {
  const w = new Walker();
  w.node(obj, schema, '');
  return [...w.errs, ...validateListTypes(obj, schema)];
}
