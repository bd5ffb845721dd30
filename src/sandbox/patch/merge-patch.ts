/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`) as kube-apiserver applies it: through
 * gopkg.in/evanphx/json-patch.v4 merge.go `MergePatch`, called from apiserver handlers/patch.go applyJSPatch.
 */
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { PatchError } from './errors.js';
import { GoJsonError, parseJsonLikeGo, unmarshalTypeError } from './go-json.js';
import { cloneJson, get, has, put } from './json-value.js';

/**
 * Decodes a merge patch body. The apiserver first decodes it strictly into a map (fieldValidation defaults to
 * Warn, handlers/rest.go fieldValidation), so syntax and type errors read `error decoding patch: ...`; a bare
 * `null` passes that step and then fails in MergePatch with ErrBadJSONPatch.
 */
export function decodeMergePatch(body: string): Obj {
  let patch: unknown;
  try {
    patch = parseJsonLikeGo(body);
    if (patch !== null && !isObj(patch)) throw unmarshalTypeError(patch, 'map[string]interface {}');
  } catch (e) {
    if (e instanceof GoJsonError) throw new PatchError('badRequest', `error decoding patch: ${e.message}`);
    throw e;
  }
  if (patch === null) throw new PatchError('badRequest', 'Invalid JSON Patch');
  return patch;
}

/**
 * Removes null members and null array elements, recursively (merge.go pruneNulls). evanphx applies it to values
 * it copies in whole, so `{"a":[1,null]}` stores `[1]` where `a` was absent or not an object.
 */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(pruneNulls);
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else put(v, k, pruneNulls(x));
    }
  }
  return v;
}

/** merge.go merge: an object patch merges into an object; anything else replaces. */
function mergeValue(cur: unknown, patch: unknown): unknown {
  if (!isObj(cur)) return pruneNulls(patch);
  // A non-object patch over an object is kept as sent, nulls inside arrays included (merge.go returns it as is).
  if (!isObj(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

/** merge.go mergeDocs, in place on `doc`. */
function mergeDocs(doc: Obj, patch: Obj): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = get(doc, k);
    if (!has(doc, k) || cur === null) put(doc, k, pruneNulls(v));
    else put(doc, k, mergeValue(cur, v));
  }
}

/** Applies a decoded merge patch to an object. Inputs are not modified. */
export function applyMergePatch(original: Obj, patch: Obj): Obj {
  const doc = cloneJson(original);
  mergeDocs(doc, cloneJson(patch));
  return doc;
}
