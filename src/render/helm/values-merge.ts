/**
 * Merging layers of Helm values the way `helm template -f a.yaml -f b.yaml` merges its values files, so that
 * handing helm the merged result as one file renders exactly what the separate files would. Pure.
 */

/** Helm values: a YAML mapping, as plain JSON data. */
export type Values = Record<string, unknown>;

/** True for a values mapping (a plain object), false for lists, scalars and null. */
export function isValuesMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Sets an own, enumerable property. Plain assignment of a key named `__proto__`, which a values file may
 * hold, would replace the object's prototype instead of adding a value.
 */
export function setOwn(target: Values, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The value of an own property only: `values.constructor` must not find Object's. */
export function getOwn(source: Values, key: string): unknown {
  return Object.hasOwn(source, key) ? source[key] : undefined;
}

/** A deep copy of mappings and lists, so that merged values share nothing with their inputs. */
export function cloneValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneValue);
  if (!isValuesMap(v)) return v;
  const out: Values = {};
  for (const [k, child] of Object.entries(v)) setOwn(out, k, cloneValue(child));
  return out;
}

function mergeInto(base: Values, layer: Values): void {
  for (const [key, value] of Object.entries(layer)) {
    const current = getOwn(base, key);
    if (isValuesMap(value) && isValuesMap(current)) mergeInto(current, value);
    else setOwn(base, key, cloneValue(value));
  }
}

/**
 * Merges values layers in order, later layers winning: mappings merge key by key at every depth, anything
 * else (scalars, lists, a mapping over a scalar) replaces what was there. A `null` replaces too and is kept,
 * as Helm keeps it when it merges its `-f` files: Helm then removes that key from the chart's own defaults
 * when it coalesces them, which is how a user deletes a default. The result is a fresh copy.
 */
export function mergeValues(layers: readonly Values[]): Values {
  const out: Values = {};
  for (const layer of layers) mergeInto(out, layer);
  return out;
}
