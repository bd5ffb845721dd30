/**
 * Schema defaulting with the API server's semantics: a default fills a key only when the key is absent,
 * and defaults inside a defaulted object apply too. TypeBox's Value.Default differs in one way that
 * matters: it merges an object default into an object the user gave, so `ref: {tag: v1}` would come out
 * as `{branch: main, tag: v1}`.
 */
import type { TSchema } from '@sinclair/typebox';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Returns a copy of `value` with the defaults of `schema` filled in; `value` is not modified. */
export function applyDefaults(schema: TSchema, value: unknown): unknown {
  return fill(schema, value);
}

function fill(s: Obj, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = s.items;
    return isObj(items) ? value.map((v) => fill(items, v)) : [...value];
  }
  if (!isObj(value)) return value;
  const out: Obj = { ...value };
  const properties = isObj(s.properties) ? s.properties : {};
  for (const [key, prop] of Object.entries(properties)) {
    if (!isObj(prop)) continue;
    if (out[key] === undefined && 'default' in prop) out[key] = structuredClone(prop.default);
    if (out[key] !== undefined) out[key] = fill(prop, out[key]);
  }
  return out;
}
