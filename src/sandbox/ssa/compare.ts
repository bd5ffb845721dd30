/**
 * The difference between two versions of an object, as field sets (smd typed/compare.go). Leaves (scalars,
 * atomic values, empty maps and lists) are added, removed or modified; granular maps, list items and map
 * entries that appear or disappear are also added or removed themselves, which is where an Update manager's
 * `".": {}` entries come from.
 */
import type { Shape } from '../types.js';
import { FieldSet } from './fieldset.js';
import { fieldElement, type PathElement, serializeElement } from './path.js';
import { isAtomicMap, listItemElement, listTypeOf, mapChild } from './schema.js';
import { kindOf, valuesEqual } from './value.js';

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

type Side = unknown | undefined;

function asMap(v: Side): Record<string, unknown> | undefined {
  return kindOf(v) === 'map' ? (v as Record<string, unknown>) : undefined;
}

function asList(v: Side): unknown[] | undefined {
  return kindOf(v) === 'list' ? (v as unknown[]) : undefined;
}

class Walker {
  readonly c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };

  leaf(l: Side, r: Side, path: PathElement[]): void {
    if (l === undefined) this.c.added.insert(path);
    else if (r === undefined) this.c.removed.insert(path);
    else if (!valuesEqual(l, r)) this.c.modified.insert(path);
  }

  value(l: Side, r: Side, shape: Shape | undefined, path: PathElement[]): void {
    const kl = kindOf(l);
    const kr = kindOf(r);
    if (l !== undefined && r !== undefined && kl !== kr && kl !== 'null' && kr !== 'null') {
      // A change of type: smd walks both sides, so the node is modified, the old children removed and the new
      // ones added.
      this.c.modified.insert(path);
      this.children(l, shape, path, (child, p, s) => this.value(child, undefined, s, p));
      this.children(r, shape, path, (child, p, s) => this.value(undefined, child, s, p));
      return;
    }
    const kind = kr === 'map' || kr === 'list' ? kr : kl === 'map' || kl === 'list' ? kl : 'scalar';
    if (kind === 'scalar') {
      this.leaf(l, r, path);
      return;
    }
    const inLeaf = kind === 'map' ? this.map(l, r, shape, path) : this.list(l, r, shape, path);
    if (!inLeaf) {
      if (l === undefined) this.c.added.insert(path);
      else if (r === undefined) this.c.removed.insert(path);
    }
  }

  /** Visits the children of a granular map or list. */
  children(
    v: Side,
    shape: Shape | undefined,
    path: PathElement[],
    visit: (child: unknown, path: PathElement[], shape: Shape | undefined) => void,
  ): void {
    const m = asMap(v);
    if (m !== undefined && !isAtomicMap(shape)) {
      for (const [k, child] of Object.entries(m))
        visit(child, [...path, fieldElement(k)], mapChild(shape, k).shape);
    }
    const list = asList(v);
    if (list !== undefined && listTypeOf(shape) !== 'atomic') {
      list.forEach((item, i) => {
        const pe = listItemElement(shape, item, i);
        if (typeof pe !== 'string') visit(item, [...path, pe], shape?.elem);
      });
    }
  }

  /** Compares two maps; returns true when they were compared as one leaf (atomic, or both empty). */
  map(l: Side, r: Side, shape: Shape | undefined, path: PathElement[]): boolean {
    const lm = asMap(l);
    const rm = asMap(r);
    const empty = (m: Record<string, unknown> | undefined) => m === undefined || Object.keys(m).length === 0;
    // Empty or null on both sides is a leaf, which keeps the empty/null distinction.
    if (isAtomicMap(shape) || (empty(lm) && empty(rm))) {
      this.leaf(l, r, path);
      return true;
    }
    for (const k of new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})])) {
      const lv = lm && Object.hasOwn(lm, k) ? lm[k] : undefined;
      const rv = rm && Object.hasOwn(rm, k) ? rm[k] : undefined;
      this.value(lv, rv, mapChild(shape, k).shape, [...path, fieldElement(k)]);
    }
    return false;
  }

  /** Compares two lists; returns true when they were compared as one leaf (atomic, or both empty). */
  list(l: Side, r: Side, shape: Shape | undefined, path: PathElement[]): boolean {
    const ll = asList(l) ?? [];
    const rl = asList(r) ?? [];
    if (listTypeOf(shape) === 'atomic' || (ll.length === 0 && rl.length === 0)) {
      this.leaf(l, r, path);
      return true;
    }
    // Repeated keys are ignored: the first occurrence stands for the item, as in smd.
    const index = (items: unknown[]) => {
      const m = new Map<string, { pe: PathElement; item: unknown }>();
      items.forEach((item, i) => {
        const pe = listItemElement(shape, item, i);
        if (typeof pe === 'string') return;
        const k = serializeElement(pe);
        if (!m.has(k)) m.set(k, { pe, item });
      });
      return m;
    };
    const lv = index(ll);
    const rv = index(rl);
    for (const [k, { pe, item }] of rv) this.value(lv.get(k)?.item, item, shape?.elem, [...path, pe]);
    for (const [k, { pe, item }] of lv)
      if (!rv.has(k)) this.value(item, undefined, shape?.elem, [...path, pe]);
    return false;
  }
}

/** Compares `lhs` (old) with `rhs` (new) under `shape` (TypedValue.Compare). */
export function compare(lhs: unknown, rhs: unknown, shape: Shape): Comparison {
  const w = new Walker();
  w.value(lhs, rhs, shape, []);
  return w.c;
}
