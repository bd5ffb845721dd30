/**
 * Converts a TypeBox schema into a structural OpenAPI v3 schema for a CRD: every node typed, no
 * `additionalProperties: false`, no `$id` or `$schema`, no `const` or `anyOf` (literal unions become
 * `enum`), records as `additionalProperties`, keys sorted as controller-gen sorts them so the output is
 * stable and diffs read well.
 */
import type { TSchema } from '@sinclair/typebox';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keywords that mean the same in TypeBox's JSON Schema and in a CRD. */
const KEPT = [
  'description',
  'type',
  'default',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'nullable',
] as const;

/** Thrown when a schema uses a construct that has no structural CRD equivalent. */
export class UnsupportedSchemaError extends Error {
  override readonly name = 'UnsupportedSchemaError';
}

/** The CRD form of `schema`; `where` names the node in errors. */
export function toOpenAPI(schema: TSchema, where = '(root)'): Obj {
  return convert(schema, where);
}

function sorted(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `anyOf` of `const`s (TypeBox's literal union) as `type` plus `enum`. */
function literals(s: Obj, where: string): Obj | undefined {
  const variants = 'const' in s ? [s] : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (!variants) return undefined;
  const values = variants.map((v: unknown) => {
    if (!isObj(v) || !('const' in v))
      throw new UnsupportedSchemaError(`${where}: only literal unions map to a CRD`);
    return v.const;
  });
  const types = new Set(values.map((v) => typeof v));
  const [type] = types;
  if (types.size !== 1 || (type !== 'string' && type !== 'number' && type !== 'boolean')) {
    throw new UnsupportedSchemaError(`${where}: a literal union must have values of one scalar type`);
  }
  return { type: type === 'number' ? 'integer' : type, enum: values };
}

function convert(s: Obj, where: string): Obj {
  const out: Obj = { ...literals(s, where) };
  for (const key of KEPT) if (s[key] !== undefined && out[key] === undefined) out[key] = s[key];
  if (typeof s.openAPIFormat === 'string') out.format = s.openAPIFormat;
  for (const [key, value] of Object.entries(s)) if (key.startsWith('x-kubernetes-')) out[key] = value;

  if (isObj(s.properties)) {
    const props = s.properties;
    out.properties = sorted(
      Object.fromEntries(
        Object.entries(props).map(([k, p]) => [k, convert(isObj(p) ? p : {}, `${where}.${k}`)]),
      ),
    );
    // The API server defaults before it validates, but a defaulted field listed as required reads as
    // "you must set this" in kubectl explain; kubebuilder marks such fields optional too.
    const required = (Array.isArray(s.required) ? s.required : [])
      .filter((k): k is string => typeof k === 'string')
      .filter((k) => !(isObj(props[k]) && 'default' in props[k]))
      .sort();
    if (required.length > 0) out.required = required;
  }
  if (isObj(s.items)) out.items = convert(s.items, `${where}[]`);
  if (isObj(s.patternProperties)) {
    const values = Object.values(s.patternProperties);
    if (values.length !== 1 || !isObj(values[0])) {
      throw new UnsupportedSchemaError(`${where}: a map must have exactly one value schema`);
    }
    out.additionalProperties = convert(values[0], `${where}{}`);
  } else if (isObj(s.additionalProperties)) {
    out.additionalProperties = convert(s.additionalProperties, `${where}{}`);
  }
  // A node TypeBox leaves untyped (Type.Unknown) holds anything: tell the API server not to prune it.
  if (out.type === undefined && out['x-kubernetes-int-or-string'] !== true) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return sorted(out);
}
