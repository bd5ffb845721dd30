/**
 * Helpers for decoded JSON trees. Request bodies are untrusted: keys such as `__proto__` or `constructor` must be
 * plain data, so every lookup checks own properties and every write defines a property instead of assigning.
 */
import type { Obj } from '../types.js';
import { isObj } from '../types.js';

/** True when `o` has its own key `k` (never an inherited Object.prototype member). */
export function has(o: Obj, k: string): boolean {
  return Object.hasOwn(o, k);
}

/** The own value at `k`, or undefined. */
export function get(o: Obj, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

/** Sets an own data property, even for `__proto__`. */
export function put(o: Obj, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/** Deep copy of a JSON value, so patch code can work in place without touching its inputs. */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) put(out, k, cloneJson(x));
    return out as T;
  }
  return v;
}

/** Structural equality of JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => has(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
