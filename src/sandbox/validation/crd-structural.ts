/**
 * Whether a CRD's openAPIV3Schema is structural, from apiextensions-apiserver
 * pkg/apiserver/schema/validation.go (ValidateStructural: invariants, nested value validations, root
 * metadata) plus the type-name and additionalProperties checks of
 * pkg/apis/apiextensions/validation/validation.go ValidateCustomResourceDefinitionOpenAPISchema.
 * Not covered: structural completeness (fields only declared inside anyOf/allOf) and CEL rules.
 */
import type { FieldError } from '../errors.js';
import { fieldErrorBody } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { forbidden, invalidField, key, notSupported, required } from './util.js';

function properties(s: Obj): Obj {
  return isObj(s.properties) ? s.properties : {};
}

function preserves(s: Obj): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true;
}

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

type Level = 'root' | 'item' | 'field';

/** The schema checks of validation.go ValidateCustomResourceDefinitionOpenAPISchema that users hit. */
function openAPIChecks(s: Obj, path: string, out: FieldError[]): void {
  if (typeof s.type === 'string' && s.type !== '' && !OPENAPI_TYPES.includes(s.type)) {
    out.push(notSupported(`${path}.type`, s.type, OPENAPI_TYPES));
  }
  if (s.additionalProperties === false) {
    out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties cannot be set to false'));
  } else if (s.additionalProperties !== undefined && Object.keys(properties(s)).length > 0) {
    out.push(
      forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'),
    );
  }
  if (isObj(s.items)) openAPIChecks(s.items, `${path}.items`, out);
  for (const [k, p] of Object.entries(properties(s)))
    if (isObj(p)) openAPIChecks(p, key(`${path}.properties`, k), out);
  if (isObj(s.additionalProperties))
    openAPIChecks(s.additionalProperties, `${path}.additionalProperties`, out);
}

const NESTED_FORBIDDEN: ReadonlyArray<readonly [string, string]> = [
  ['type', 'must be empty to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
];

function isIntOrStringAnyOf(anyOf: unknown): boolean {
  return (
    Array.isArray(anyOf) &&
    anyOf.length === 2 &&
    isObj(anyOf[0]) &&
    anyOf[0].type === 'integer' &&
    isObj(anyOf[1]) &&
    anyOf[1].type === 'string'
  );
}

/** validateNestedValueValidation: junctors may only restrict values, not declare structure. */
function nested(s: Obj, path: string, out: FieldError[], skipAnyOf: boolean): void {
  for (const [k, msg] of NESTED_FORBIDDEN) {
    const set =
      k === 'x-kubernetes-preserve-unknown-fields' ? s[k] === true : s[k] !== undefined && s[k] !== '';
    if (set && !(k === 'type' && skipAnyOf)) out.push(forbidden(`${path}.${k}`, msg));
  }
  if (s.additionalProperties !== undefined) {
    out.push(forbidden(`${path}.additionalProperties`, 'must be undefined to be structural'));
  }
  if (isObj(properties(s).metadata)) {
    out.push(forbidden(key(`${path}.properties`, 'metadata'), 'must not be specified in a nested context'));
  }
  junctors(s, path, out);
}

function junctors(s: Obj, path: string, out: FieldError[]): void {
  const intOrString = isIntOrStringAnyOf(s.anyOf);
  for (const j of ['anyOf', 'allOf', 'oneOf']) {
    const list = s[j];
    if (!Array.isArray(list)) continue;
    list.forEach((sub, i) => {
      if (isObj(sub)) nested(sub, `${path}.${j}[${i}]`, out, j === 'anyOf' && intOrString);
    });
  }
  if (isObj(s.not)) nested(s.not, `${path}.not`, out, false);
}

function structural(s: Obj, level: Level, path: string, out: FieldError[]): void {
  const type = typeof s.type === 'string' ? s.type : '';
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (type === 'array' && !isObj(s.items)) out.push(required(`${path}.items`, 'must be specified'));
  if (isObj(s.items)) structural(s.items, 'item', `${path}.items`, out);
  for (const [k, p] of Object.entries(properties(s))) {
    if (isObj(p)) structural(p, 'field', key(`${path}.properties`, k), out);
  }
  if (s.additionalProperties !== undefined && s.additionalProperties !== false) {
    if (level === 'root') out.push(forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
    if (isObj(s.additionalProperties))
      structural(s.additionalProperties, 'field', `${path}.additionalProperties`, out);
  }
  if (intOrString && preserves(s)) {
    out.push(
      invalidField(
        `${path}.x-kubernetes-preserve-unknown-fields`,
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  junctors(s, path, out);
  if (embedded && type !== 'object') {
    const msg = 'must be object if x-kubernetes-embedded-resource is true';
    out.push(type === '' ? required(`${path}.type`, msg) : invalidField(`${path}.type`, type, msg));
  } else if (type === '' && !intOrString && !preserves(s)) {
    const what = {
      root: 'at the root',
      item: 'for specified array items',
      field: 'for specified object fields',
    };
    out.push(required(`${path}.type`, `must not be empty ${what[level]}`));
  }
  if (level === 'root' && type !== '' && type !== 'object')
    out.push(invalidField(`${path}.type`, type, 'must be object at the root'));
  const props = properties(s);
  for (const f of ['kind', 'apiVersion']) {
    const p = props[f];
    if ((level === 'root' || embedded) && isObj(p) && p.type !== 'string') {
      out.push(invalidField(`${key(`${path}.properties`, f)}.type`, p.type ?? '', 'must be string'));
    }
  }
  const meta = props.metadata;
  if (isObj(meta) && level === 'root') metadataChecks(meta, key(`${path}.properties`, 'metadata'), out);
}

/** Root metadata may only restrict name and generateName (validateStructuralMetadataInvariants). */
function metadataChecks(meta: Obj, path: string, out: FieldError[]): void {
  if (meta.type !== 'object') out.push(invalidField(`${path}.type`, meta.type ?? '', 'must be object'));
  const propKeys = Object.keys(properties(meta));
  const onlyNames = propKeys.every((k) => k === 'name' || k === 'generateName');
  const extra = Object.keys(meta).filter((k) => !['type', 'default', 'properties'].includes(k));
  if (!onlyNames || extra.length > 0) {
    out.push(
      forbidden(
        path,
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    );
  }
}

/**
 * Checks that a CRD schema is structural. `path` is where the API server reports it: a CRD whose versions
 * all carry the same schema has it moved to the internal top-level field on conversion, hence the default
 * `spec.validation.openAPIV3Schema`; otherwise pass `spec.versions[i].schema.openAPIV3Schema`.
 * Type-name errors come first, then the structural ones sorted by message as ValidateStructural sorts them.
 */
export function validateCrdSchemaIsStructural(
  schema: Obj,
  path = 'spec.validation.openAPIV3Schema',
): FieldError[] {
  const out: FieldError[] = [];
  openAPIChecks(schema, path, out);
  const st: FieldError[] = [];
  structural(schema, 'root', path, st);
  const text = (e: FieldError) => `${e.field}: ${fieldErrorBody(e)}`;
  st.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
  return [...out, ...st];
}
