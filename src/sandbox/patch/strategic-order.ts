/**
 * List ordering and list helpers of strategic merge patch (apimachinery pkg/util/strategicpatch/patch.go:
 * normalizeElementOrder, mergeSortedSlice, partition*, sliceElementType), with the error texts of
 * pkg/util/mergepatch/errors.go. The resulting order is: `$setElementOrder` first, then the order of the patch
 * list, then the live order; items new to the list come before the live items they are compared with.
 */
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { PatchError } from './errors.js';
import { goFmtS, goSprint, goTypeName } from './go-fmt.js';
import { get, has } from './json-value.js';

/** The directive key of maps and list items (`$patch: replace | delete | merge`). */
export const DIRECTIVE = '$patch';

/** Go's reflect kind of a decoded JSON value; `map` and `slice` as reflect names them. */
export type GoKind = 'map' | 'slice' | 'string' | 'int64' | 'float64' | 'bool' | 'nil';

/** reflect.TypeOf(v).Kind() for a value decoded with preserved ints. */
export function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (isObj(v)) return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** An error the handler passes through unconverted: a 500 carrying this message. */
export function internal(message: string): PatchError {
  return new PatchError('internal', message);
}

/** mergepatch.ErrBadArgType. */
export function badArgType(expected: string, actual: unknown): PatchError {
  return internal(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

/** mergepatch.ErrNoMergeKey. */
export function noMergeKey(m: Obj, key: string): PatchError {
  return internal(`map: ${goSprint(m)} does not contain declared merge key: ${key}`);
}

/** mergepatch.ErrBadPatchType. */
export function badPatchType(t: unknown, m: Obj): PatchError {
  return internal(`unknown patch type: ${goFmtS(t)} in map: ${goSprint(m)}`);
}

const MAP_TYPE = 'map[string]interface {}';

/** The element kind shared by all items of the lists; lists of lists are a 422 (mergepatch.ErrNoListOfLists). */
export function sliceElementType(slices: readonly (readonly unknown[])[]): GoKind {
  let prev: GoKind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const t = goKind(v);
      if (prev === undefined) {
        prev = t;
        if (t === 'slice') throw new PatchError('invalid', 'lists of lists are not supported');
      } else if (prev !== t) {
        throw internal(`list element types are not identical: ${goSprint(slices)}`);
      }
    }
  }
  if (prev === undefined) throw internal('no elements in any of the given slices');
  return prev;
}

/** findMapInSliceBasedOnKeyValue: index of the first map whose merge key equals `value`. */
export function findByKey(list: readonly unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isObj(item)) throw internal(`value for key ${i} is not a map.`);
    if (has(item, key) && item[key] === value) return i;
  }
  return -1;
}

/** partitionPrimitivesByPresentInList: items present in `by`, then the rest, each in `merged` order. */
export function partitionPrimitives(
  merged: readonly unknown[],
  by: readonly unknown[],
): [unknown[], unknown[]] {
  const inBy = new Set(by);
  return [merged.filter((v) => inBy.has(v)), merged.filter((v) => !inBy.has(v))];
}

/** partitionMapsByPresentInList: the same split by merge key; every item must be a map holding the key. */
export function partitionMaps(
  merged: readonly unknown[],
  by: readonly unknown[],
  key: string,
): [unknown[], unknown[]] {
  const inBy: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) {
    if (!isObj(v)) throw badArgType(MAP_TYPE, v);
    if (!has(v, key)) throw noMergeKey(v, key);
    (findByKey(by, key, v[key]) >= 0 ? inBy : serverOnly).push(v);
  }
  return [inBy, serverOnly];
}

/** extractToDeleteItems: items carrying `$patch: delete` move to a second list. */
export function extractToDeleteItems(list: readonly unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of list) {
    if (!isObj(v)) throw badArgType(MAP_TYPE, v);
    (get(v, DIRECTIVE) === 'delete' ? toDelete : keep).push(v);
  }
  return [keep, toDelete];
}

function index(list: readonly unknown[], v: unknown, key: string, kind: GoKind): number {
  const val = (x: unknown) => (kind === 'map' ? (isObj(x) ? (get(x, key) ?? null) : null) : x);
  const want = val(v);
  return list.findIndex((x) => val(x) === want);
}

/** normalizeSliceOrder: a stable sort by position in `order`. */
function sortByOrder(
  toSort: readonly unknown[],
  order: readonly unknown[],
  key: string,
  kind: GoKind,
): unknown[] {
  let list = [...toSort];
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    for (const item of [...toSort, ...order]) {
      if (!isObj(item)) throw badArgType(MAP_TYPE, item);
      if (!has(item, key)) throw noMergeKey(item, key);
    }
    [list, toDelete] = extractToDeleteItems(toSort);
  }
  // sort.SliceStable with Go's comparator, which reports "less" whenever either item is not in `order`. Go runs
  // insertion sort on blocks of 20; for the short lists of real objects this is the same sequence of swaps.
  const less = (a: unknown, b: unknown) => {
    const ia = index(order, a, key, kind);
    const ib = ia >= 0 ? index(order, b, key, kind) : -1;
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  };
  for (let i = 1; i < list.length; i++) {
    for (let j = i; j > 0 && less(list[j], list[j - 1]); j--) {
      [list[j], list[j - 1]] = [list[j - 1], list[j]];
    }
  }
  return [...list, ...toDelete];
}

/**
 * normalizeElementOrder + mergeSortedSlice: patch items in patch order, server-only items in live order, then the
 * two interleaved by live position; an item missing from the live list wins every comparison.
 */
export function normalizeElementOrder(
  patchItems: readonly unknown[],
  serverOnly: readonly unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  key: string,
  kind: GoKind,
): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, key, kind);
  const left = sortByOrder(serverOnly, serverOrder, key, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const li = index(serverOrder, left[i], key, kind);
    const ri = index(serverOrder, right[j], key, kind);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return [...out, ...left.slice(i), ...right.slice(j)];
}
