/**
 * Removes the members of a field set from a value (smd typed/remove.go, RemoveItems). Removing a member drops
 * the field, map entry or list item with everything below it; atomic values are never entered.
 *
 * A map or list emptied by the removal is dropped from its parent map, where smd leaves a null that the typed
 * round trip then drops.
 */
import type { Shape } from '../types.js';
import type { FieldSet } from './fieldset.js';
import { fieldElement } from './path.js';
import { isAtomicMap, listItemElement, listTypeOf, mapChild } from './schema.js';
import { kindOf } from './value.js';

const EMPTIED = Symbol('emptied');

function remove(v: unknown, toRemove: FieldSet, shape: Shape | undefined): unknown {
  const kind = kindOf(v);
  if (kind === 'list') {
    const items = v as unknown[];
    if (items.length === 0 || listTypeOf(shape) === 'atomic') return v;
    const out: unknown[] = [];
    items.forEach((item, i) => {
      const pe = listItemElement(shape, item, i);
      if (typeof pe === 'string') {
        out.push(item);
        return;
      }
      if (toRemove.has([pe])) return;
      const sub = toRemove.withPrefix(pe);
      const kept = sub.isEmpty() ? item : remove(item, sub, shape?.elem);
      // An item emptied of its fields stays in the list, as smd keeps the (null) item.
      out.push(kept === EMPTIED ? {} : kept);
    });
    return out.length > 0 ? out : EMPTIED;
  }
  if (kind === 'map') {
    const m = v as Record<string, unknown>;
    if (Object.keys(m).length === 0 || isAtomicMap(shape)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(m)) {
      const pe = fieldElement(k);
      if (toRemove.has([pe])) continue;
      const sub = toRemove.withPrefix(pe);
      const kept = sub.isEmpty() ? child : remove(child, sub, mapChild(shape, k).shape);
      if (kept !== EMPTIED) out[k] = kept;
    }
    return Object.keys(out).length > 0 ? out : EMPTIED;
  }
  return v;
}

/** `obj` without the members of `toRemove`. */
export function removeItems(
  obj: Record<string, unknown>,
  toRemove: FieldSet,
  shape: Shape,
): Record<string, unknown> {
  const out = remove(obj, toRemove, shape);
  return out === EMPTIED || kindOf(out) !== 'map' ? {} : (out as Record<string, unknown>);
}
