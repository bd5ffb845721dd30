/**
 * Structural-schema handling for custom resources, as apiextensions-apiserver does it on decode:
 * 1. {@link pruneUnknown} (pkg/apiserver/schema/pruning/algorithm.go, then defaulting/prunenulls.go),
 * 2. {@link applySchemaDefaults} (pkg/apiserver/schema/defaulting/algorithm.go),
 * 3. {@link validateAgainstSchema} (schema-validate.ts).
 * validateCrdSchemaIsStructural (crd-structural.ts) is the CRD-side check.
 * Schemas are the CRD's JSON (`openAPIV3Schema`), read as-is.
 */
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { clone } from './util.js';

export { validateCrdSchemaIsStructural } from './crd-structural.js';
export { validateAgainstSchema } from './schema-validate.js';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

function preserves(s: Obj | undefined): boolean {
  return s?.['x-kubernetes-preserve-unknown-fields'] === true;
}

function properties(s: Obj | undefined): Obj {
  return s && isObj(s.properties) ? s.properties : {};
}

/** The schema of values of keys not in `properties`: a schema, `null` for `true` (values then fully pruned). */
function additional(s: Obj | undefined): Obj | null | undefined {
  if (!s) return undefined;
  if (isObj(s.additionalProperties)) return s.additionalProperties;
  return s.additionalProperties === true ? null : undefined;
}

function prune(x: unknown, s: Obj | undefined, embedded: boolean): void {
  if (preserves(s)) {
    skipPrune(x, s, embedded);
    return;
  }
  if (Array.isArray(x)) {
    const items = s && isObj(s.items) ? s.items : undefined;
    for (const v of x) prune(v, items, items?.['x-kubernetes-embedded-resource'] === true);
    return;
  }
  if (!isObj(x)) return;
  const props = properties(s);
  const addl = additional(s);
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const prop = props[k];
    if (s && isObj(prop)) prune(x[k], prop, prop['x-kubernetes-embedded-resource'] === true);
    else if (s && addl !== undefined)
      prune(x[k], addl ?? undefined, addl?.['x-kubernetes-embedded-resource'] === true);
    else delete x[k];
  }
}

/** Under x-kubernetes-preserve-unknown-fields unknown keys stay, but known ones are still pruned inside. */
function skipPrune(x: unknown, s: Obj | undefined, embedded: boolean): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = isObj(s.items) ? s.items : undefined;
    for (const v of x) skipPrune(v, items, items?.['x-kubernetes-embedded-resource'] === true);
    return;
  }
  if (!isObj(x)) return;
  const props = properties(s);
  const addl = additional(s);
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const prop = props[k];
    if (isObj(prop)) prune(x[k], prop, prop['x-kubernetes-embedded-resource'] === true);
    else if (addl !== undefined)
      prune(x[k], addl ?? undefined, addl?.['x-kubernetes-embedded-resource'] === true);
  }
}

function fieldSchema(k: string, s: Obj | undefined): Obj | undefined {
  const prop = properties(s)[k];
  if (isObj(prop)) return prop;
  const addl = additional(s);
  return addl ?? undefined;
}

/** prunenulls.go PruneNonNullableNullsWithoutDefaults: nulls that can neither be kept nor defaulted go. */
function pruneNulls(x: unknown, s: Obj | undefined): void {
  if (Array.isArray(x)) {
    const items = s && isObj(s.items) ? s.items : undefined;
    for (const v of x) pruneNulls(v, items);
    return;
  }
  if (!isObj(x)) return;
  for (const k of Object.keys(x)) {
    const fs = fieldSchema(k, s);
    if (x[k] === null && fs && fs.nullable !== true && fs.default === undefined) delete x[k];
    else pruneNulls(x[k], fs);
  }
}

/**
 * Removes the fields the schema does not declare, unless `x-kubernetes-preserve-unknown-fields: true`.
 * At the root (and in `x-kubernetes-embedded-resource` objects) apiVersion, kind and metadata are kept
 * whole. Returns a new object.
 */
export function pruneUnknown(obj: Obj, schema: Obj): Obj {
  const out = clone(obj);
  prune(out, schema, true);
  pruneNulls(out, schema);
  return out;
}

function isNonNullableNull(v: unknown, s: Obj | undefined): boolean {
  return v === null && s !== undefined && s.nullable !== true;
}

function applyDefaults(x: unknown, s: Obj | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = isObj(s.items) ? s.items : undefined;
    x.forEach((v, i) => {
      if (items && items.default !== undefined && isNonNullableNull(v, items)) x[i] = clone(items.default);
      applyDefaults(v, items); // upstream recurses into the value seen before defaulting
    });
    return;
  }
  if (!isObj(x)) return;
  const props = properties(s);
  for (const [k, prop] of Object.entries(props)) {
    if (!isObj(prop) || prop.default === undefined) continue;
    if (!Object.hasOwn(x, k) || isNonNullableNull(x[k], prop)) x[k] = clone(prop.default);
  }
  const addl = additional(s);
  for (const k of Object.keys(x)) {
    const prop = props[k];
    if (isObj(prop)) {
      applyDefaults(x[k], prop);
    } else if (addl) {
      if (addl.default !== undefined && isNonNullableNull(x[k], addl)) x[k] = clone(addl.default);
      applyDefaults(x[k], addl);
    }
  }
}

/** Fills `default` values of the schema into absent (or non-nullable null) fields. Returns a new object. */
export function applySchemaDefaults(obj: Obj, schema: Obj): Obj {
  const out = clone(obj);
  applyDefaults(out, schema);
  return out;
}
