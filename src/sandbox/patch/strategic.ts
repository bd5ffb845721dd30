/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) as the apiserver applies it server-side:
 * apimachinery pkg/util/strategicpatch/patch.go StrategicMergeMapPatch (MergeParallelList and
 * IgnoreUnmatchedNulls on), called from apiserver handlers/patch.go strategicPatchObject.
 *
 * Go reads the merge strategy from struct tags (`patchStrategy:"merge"`, `patchMergeKey`). Here it comes from the
 * Shape: a `listType: 'map'` list merges by its first key, a `listType: 'set'` list merges primitive values, and
 * every other list is replaced. Objects always merge (struct tags never say `replace` for an object in the built-in
 * types; `+structType=atomic` is a server-side apply marker that strategic merge ignores).
 */
import type { Obj, Shape } from '../types.js';
import { isObj } from '../types.js';
import { PatchError } from './errors.js';
import { goSprint } from './go-fmt.js';
import { GoJsonError, parseJsonLikeGo, unmarshalTypeError } from './go-json.js';
import { cloneJson, get, has, put } from './json-value.js';
import {
  badArgType,
  badPatchType,
  DIRECTIVE,
  extractToDeleteItems,
  findByKey,
  goKind,
  internal,
  noMergeKey,
  normalizeElementOrder,
  partitionMaps,
  partitionPrimitives,
  sliceElementType,
} from './strategic-order.js';

const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';
const SLICE_TYPE = '[]interface {}';

/** mergepatch errors the handler maps to 400 (handlers/patch.go interpretStrategicMergePatchError). */
function badFormat(what: 'primitive list' | 'retainKeys' | 'setElementOrder list'): PatchError {
  return new PatchError('badRequest', `invalid patch format of ${what}`);
}

/** How a list field merges, from its Shape. */
interface ListMeta {
  shape: Shape | undefined;
  merge: boolean;
  /** patchMergeKey; empty for primitive lists. */
  key: string;
}

function childShape(shape: Shape | undefined, key: string): Shape | undefined {
  const fields = shape?.fields;
  if (fields && Object.hasOwn(fields, key)) return fields[key];
  return shape?.elem;
}

function listMeta(shape: Shape | undefined, key: string): ListMeta {
  const s = childShape(shape, key);
  if (s?.listType === 'map' && s.keys?.[0]) return { shape: s, merge: true, key: s.keys[0] };
  return { shape: s, merge: s?.listType === 'set', key: '' };
}

/** Decodes the body; a bare `null` is a patch that changes nothing (the map decodes to nil). */
export function decodeStrategicPatch(body: string): Obj | null {
  try {
    const patch = parseJsonLikeGo(body);
    if (patch !== null && !isObj(patch)) throw unmarshalTypeError(patch, 'map[string]interface {}');
    return patch;
  } catch (e) {
    // strategicPatchObject returns the decoder's message as is: errors.NewBadRequest(err.Error()).
    if (e instanceof GoJsonError) throw new PatchError('badRequest', e.message);
    throw e;
  }
}

/** extractKey: `$prefix/field` to `field`. */
function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw badFormat(prefix === SET_ELEMENT_ORDER ? 'setElementOrder list' : 'primitive list');
  }
  return s.slice(slash + 1);
}

/** discardNullValuesFromPatch: null members go, recursively through maps and lists. */
function discardNulls(v: unknown): void {
  if (Array.isArray(v)) for (const x of v) discardNulls(x);
  else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNulls(x);
    }
  }
}

/** removeDirectives: a map holding `$patch` is dropped with its member or list slot. */
function removeDirectives(v: unknown): { keep: boolean; v: unknown } {
  if (Array.isArray(v)) {
    return { keep: true, v: v.map(removeDirectives).flatMap((r) => (r.keep ? [r.v] : [])) };
  }
  if (isObj(v)) {
    if (has(v, DIRECTIVE)) return { keep: false, v: null };
    for (const [k, x] of Object.entries(v)) {
      const r = removeDirectives(x);
      if (r.keep) put(v, k, r.v);
      else delete v[k];
    }
  }
  return { keep: true, v };
}

/** A patch value stored where the original has nothing to merge with. */
function setNew(original: Obj, k: string, v: unknown): void {
  discardNulls(v);
  const r = removeDirectives(v);
  if (r.keep) put(original, k, r.v);
  else delete original[k];
}

function handleDirectiveInMergeMap(directive: unknown, patch: Obj): Obj {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw badPatchType(directive, patch);
}

function applyRetainKeys(original: Obj, patch: Obj): void {
  if (!has(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badFormat('retainKeys');
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw badFormat('retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergeKeyValueEqual(left: unknown, right: unknown, key: string): boolean {
  if (key === '') return left === right;
  if (!isObj(left)) throw badArgType('map[string]interface {}', left);
  if (!isObj(right)) throw badArgType('map[string]interface {}', right);
  if (!has(left, key)) throw noMergeKey(left, key);
  if (!has(right, key)) throw noMergeKey(right, key);
  return left[key] === right[key];
}

/** validatePatchWithSetOrderList: patch items must appear in `$setElementOrder` in the same relative order. */
function validateOrder(patchList: readonly unknown[], order: readonly unknown[], key: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = key ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isObj(item) && has(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[o], key)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    const list = goSprint(patchList);
    throw internal(
      `The order in patch list:\n${list}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goSprint(order)}\n`,
    );
  }
}

/** mergePatchIntoOriginal: lists named by `$setElementOrder/<field>` are merged here, then ordered. */
function mergeOrderedLists(original: Obj, patch: Obj, shape: Shape | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw badArgType(SLICE_TYPE, order);
    const k = extractKey(directiveKey, SET_ELEMENT_ORDER);
    const inOriginal = has(original, k);
    const inPatch = has(patch, k);
    const originalList = original[k];
    const patchList = patch[k];
    if (inOriginal && !Array.isArray(originalList)) throw badArgType(SLICE_TYPE, originalList);
    if (inPatch && !Array.isArray(patchList)) throw badArgType(SLICE_TYPE, patchList);
    const o = Array.isArray(originalList) ? originalList : [];
    const p = Array.isArray(patchList) ? patchList : [];
    const meta = listMeta(shape, k);
    validateOrder(p, order, meta.key);
    let merged: unknown[];
    if (inOriginal && inPatch) merged = mergeSliceHandler(o, p, meta, false);
    else if (inOriginal) merged = o;
    else if (inPatch) merged = removeDirectives(p).v as unknown[];
    else continue;
    const [patchItems, serverOnly] = meta.key
      ? partitionMaps(merged, order, meta.key)
      : partitionPrimitives(merged, order);
    const kind = sliceElementType([o, p]);
    put(original, k, normalizeElementOrder(patchItems, serverOnly, order, o, meta.key, kind));
    delete patch[k];
  }
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  meta: ListMeta,
  isDeleteList: boolean,
): unknown[] {
  // Delete lists apply whatever the field's strategy is.
  return meta.merge || isDeleteList ? mergeSlice(original, patch, meta, isDeleteList) : patch;
}

/** mergeSliceWithSpecialElements: `$patch: delete` removes by key, `$patch: replace` makes the rest the list. */
function takeSpecialItems(original: unknown[], patch: unknown[], key: string): [unknown[], unknown[]] {
  let base = original;
  const rest: unknown[] = [];
  let replace = false;
  for (const v of patch as Obj[]) {
    if (!has(v, DIRECTIVE)) {
      rest.push(v);
      continue;
    }
    const directive = v[DIRECTIVE];
    if (directive === 'delete') {
      if (!has(v, key)) throw noMergeKey(v, key);
      base = base.filter((item) => !(isObj(item) && has(item, key) && item[key] === v[key]));
    } else if (directive === 'replace') replace = true;
    else if (directive === 'merge') throw internal('merging lists cannot yet be specified in the patch');
    else throw badPatchType(directive, v);
  }
  return replace ? [rest, []] : [base, rest];
}

function mergeSlice(original: unknown[], patch: unknown[], meta: ListMeta, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType([original, patch]);
  let base = original;
  let items = patch;
  let merged: unknown[];
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = dedupScalars([...original, ...patch]);
  } else {
    if (!meta.key)
      throw internal(
        `cannot merge lists without merge key for ${meta.shape?.elem?.fields ? 'struct' : 'string'}`,
      );
    [base, items] = takeSpecialItems(original, patch, meta.key);
    merged = [...base];
    for (const v of items as Obj[]) {
      if (!has(v, meta.key)) throw noMergeKey(v, meta.key);
      const i = findByKey(merged, meta.key, v[meta.key]);
      if (i >= 0) merged[i] = mergeMap(merged[i] as Obj, v, meta.shape?.elem);
      else merged.push(v);
    }
  }
  const [patchItems, serverOnly] = meta.key
    ? partitionMaps(merged, items, meta.key)
    : partitionPrimitives(merged, items);
  return normalizeElementOrder(patchItems, serverOnly, items, base, meta.key, kind);
}

/** deduplicateScalars, including its habit of moving the last item into a duplicate's slot. */
function dedupScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

/** mergeMap: merges `patch` into `original` in place and returns the result. */
function mergeMap(original: Obj, patch: Obj, shape: Shape | undefined): Obj {
  if (has(patch, DIRECTIVE)) return handleDirectiveInMergeMap(patch[DIRECTIVE], patch);
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, shape);
  for (const [key, patchV] of Object.entries(patch)) {
    let k = key;
    const isDeleteList = key.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    if (isDeleteList) k = extractKey(key, DELETE_FROM_PRIMITIVE_LIST) || key;
    if (patchV === null) {
      delete original[k];
      continue;
    }
    const cur = get(original, k);
    if (!has(original, k) || goKind(cur) !== goKind(patchV)) {
      if (!isDeleteList) setNew(original, k, patchV);
      continue;
    }
    if (isObj(cur)) put(original, k, mergeMap(cur, patchV as Obj, childShape(shape, k)));
    else if (Array.isArray(cur))
      put(original, k, mergeSliceHandler(cur, patchV as unknown[], listMeta(shape, k), isDeleteList));
    else setNew(original, k, patchV);
  }
  return original;
}

/**
 * Applies a decoded strategic merge patch to an object, merging lists as `shape` says. Throws PatchError with the
 * library's message (see errors.ts for the status each maps to). Inputs are not modified.
 */
export function applyStrategicMergePatch(original: Obj, patch: Obj, shape: Shape): Obj {
  return mergeMap(cloneJson(original), cloneJson(patch), shape);
}
