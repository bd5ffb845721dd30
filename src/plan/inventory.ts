/**
 * The inventory a Sync keeps in its status, and the stale set that prune deletes. Ids leave the version out
 * (Flux's ObjMetadata), so moving an object from `v1beta1` to `v1` does not prune and recreate it.
 */
import type { Inventory, ObjectRef, PlannedObject } from '../core/types.js';
import { inventoryId, parseInventoryId } from '../core/types.js';
import { sortForDelete } from './order.js';

/** The inventory of a plan: one entry per object, sorted by id so the status does not churn. */
export function inventoryOf(planned: readonly PlannedObject[]): Inventory {
  const entries = planned.map((p) => ({ id: inventoryId(p.ref), v: p.ref.version }));
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { entries };
}

/**
 * Objects in `previous` whose id is not in `next`, in delete order (the reverse of apply order). Entries whose
 * id cannot be parsed are left out: deleting on a guess is worse than leaving an object behind.
 */
export function diffInventory(previous: Inventory, next: Inventory): ObjectRef[] {
  const keep = new Set(next.entries.map((e) => e.id));
  const seen = new Set<string>();
  const stale: ObjectRef[] = [];
  for (const entry of previous.entries) {
    if (keep.has(entry.id) || seen.has(entry.id)) continue;
    seen.add(entry.id);
    const ref = parseInventoryId(entry.id, entry.v);
    if (ref) stale.push(ref);
  }
  return sortForDelete(stale);
}
