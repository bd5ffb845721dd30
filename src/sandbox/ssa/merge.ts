/**
 * Merges an applied configuration into the live object (smd typed/merge.go, rule "keep RHS"): scalars and
 * atomic values are replaced, maps are merged key by key, associative lists item by item.
 *
 * One deviation: a null coming out of the merge drops the field, because the API server decodes into typed
 * objects (or prunes non-nullable nulls in custom resources) before storing, and neither keeps the null.
 */
import type { Shape } from '../types.js';
import { type PathElement, serializeElement } from './path.js';
import { isAtomicMap, listItemElement, listTypeOf, mapChild } from './schema.js';
import { kindOf } from './value.js';

type Side = unknown | undefined;

function keepRhs(l: Side, r: Side): Side {
  return r !== undefined ? r : l;
}

function isEmpty(v: Side): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (kindOf(v) === 'map') return Object.keys(v as object).length === 0;
  return true;
}

function mergeMap(l: Side, r: Side, shape: Shape | undefined): Side {
  // Empty or null on both sides is a leaf: this keeps `{}` distinct from an absent field.
  if (isAtomicMap(shape) || (isEmpty(l) && isEmpty(r))) return keepRhs(l, r);
  const lm = kindOf(l) === 'map' ? (l as Record<string, unknown>) : {};
  const rm = kindOf(r) === 'map' ? (r as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
    const v = mergeValue(
      Object.hasOwn(lm, k) ? lm[k] : undefined,
      Object.hasOwn(rm, k) ? rm[k] : undefined,
      mapChild(shape, k).shape,
    );
    if (v !== undefined && v !== null) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

interface Indexed {
  readonly pes: PathElement[];
  /** The item of each key; undefined when the key is repeated, so that the applied item replaces every copy. */
  readonly items: Map<string, unknown>;
}

function index(list: unknown[], shape: Shape | undefined): Indexed {
  const pes: PathElement[] = [];
  const items = new Map<string, unknown>();
  list.forEach((item, i) => {
    const pe = listItemElement(shape, item, i);
    if (typeof pe === 'string') return;
    const k = serializeElement(pe);
    items.set(k, items.has(k) ? undefined : item);
    pes.push(pe);
  });
  return { pes, items };
}

/**
 * Associative lists keep live items in place, merge items present on both sides, and insert applied items in
 * the applied order; items both sides share are emitted in the applied order (visitListItems' sharedOrder).
 */
function mergeListItems(ll: unknown[], rl: unknown[], shape: Shape | undefined): unknown[] {
  const lhs = index(ll, shape);
  const rhs = index(rl, shape);
  const key = (pe: PathElement) => serializeElement(pe);
  const shared = rhs.pes.filter((pe) => lhs.items.has(key(pe)));
  let nextShared = shared.shift();
  const merged = new Set<string>();
  const out: unknown[] = [];
  const emit = (pe: PathElement, lv: Side, rv: Side) => {
    const v = mergeValue(lv, rv, shape?.elem);
    if (v !== undefined) out.push(v);
    merged.add(key(pe));
  };
  let li = 0;
  let ri = 0;
  while (li < lhs.pes.length || ri < rhs.pes.length) {
    const lpe = lhs.pes[li];
    const rpe = rhs.pes[ri];
    if (lpe !== undefined && rpe !== undefined) {
      if (key(lpe) === key(rpe)) {
        emit(rpe, lhs.items.get(key(lpe)), rhs.items.get(key(rpe)));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (rhs.items.has(key(lpe)) && nextShared !== undefined && key(nextShared) !== key(lpe)) {
        // A shared item, but not the one due in this round.
        li++;
        continue;
      }
    }
    if (lpe !== undefined) {
      if (!rhs.items.has(key(lpe))) {
        emit(lpe, ll[li], undefined);
        li++;
        continue;
      }
      if (merged.has(key(lpe)) || rpe === undefined) {
        li++;
        continue;
      }
    }
    if (rpe !== undefined) {
      emit(rpe, lhs.items.get(key(rpe)), rhs.items.get(key(rpe)));
      ri++;
      if (nextShared !== undefined && key(nextShared) === key(rpe)) nextShared = shared.shift();
    }
  }
  return out;
}

function mergeList(l: Side, r: Side, shape: Shape | undefined): Side {
  if (listTypeOf(shape) === 'atomic' || (isEmpty(l) && isEmpty(r))) return keepRhs(l, r);
  const out = mergeListItems(Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], shape);
  return out.length > 0 ? out : undefined;
}

/** Merges `r` (applied) into `l` (live). Returns undefined when nothing remains. */
export function mergeValue(l: Side, r: Side, shape: Shape | undefined): Side {
  if (l === undefined && r === undefined) return undefined;
  const kl = kindOf(l);
  const kr = kindOf(r);
  // A change of type takes the applied value whole.
  if (l !== undefined && r !== undefined && kl !== kr && kl !== 'null' && kr !== 'null') return r;
  if (kr === 'map' || (kr === 'null' && kl === 'map')) return mergeMap(l, r, shape);
  if (kr === 'list' || (kr === 'null' && kl === 'list')) return mergeList(l, r, shape);
  if (r === undefined && (kl === 'map' || kl === 'list')) {
    return kl === 'map' ? mergeMap(l, r, shape) : mergeList(l, r, shape);
  }
  return keepRhs(l, r);
}

/** The live object with the applied configuration merged in (TypedValue.Merge). */
export function merge(live: unknown, applied: unknown, shape: Shape): Record<string, unknown> {
  const out = mergeValue(live, applied, shape);
  return kindOf(out) === 'map' ? (out as Record<string, unknown>) : {};
}
