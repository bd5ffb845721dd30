/**
 * What the prune stage would delete: the Sync's inventory in the cluster (its `status.inventory`, which is what
 * the agent prunes from) minus the new plan, each object checked the way src/apply's `prune` checks it before
 * deleting (this Sync's owner labels, no `steward.dev/prune: disabled`). Reads only.
 */
import { planPrune, pruneSafety, skipReason } from '../apply/index.js';
import { API_GROUP, API_VERSION } from '../core/constants.js';
import type { Inventory, InventoryEntry, ObjectRef, PlannedObject } from '../core/types.js';
import type { KubeClient, Obj } from '../kube/types.js';
import { inventoryOf } from '../plan/inventory.js';
import { ownerLabels } from '../render/build.js';

/** One object the plan no longer contains. `kept` objects stay in the cluster, for `reason`. */
export type PruneOutcome =
  | { ref: ObjectRef; action: 'deleted' }
  | { ref: ObjectRef; action: 'kept'; reason: string };

/** The prune preview: outcomes in delete order, or why there is nothing to preview. */
export interface PrunePreview {
  objects: PruneOutcome[];
  /** Why nothing was looked at (no Sync in the cluster), for the user. */
  notice?: string;
  /** The agent would refuse to prune and fail the reconcile (an empty render without spec.allowEmpty). */
  refusal?: string;
}

/** Previews the prune stage of the Sync `sync` for this plan. Throws KubeError when the cluster cannot be read. */
export async function previewPrune(
  client: KubeClient,
  planned: readonly PlannedObject[],
  sync: { name: string; namespace: string },
): Promise<PrunePreview> {
  const ref = {
    group: API_GROUP,
    version: API_VERSION,
    kind: 'Sync',
    namespace: sync.namespace,
    name: sync.name,
  };
  const live = await client.get(ref);
  if (!live) {
    return {
      objects: [],
      notice: `Sync ${sync.namespace}/${sync.name} is not in the cluster: nothing would be pruned`,
    };
  }
  const spec = (live.spec ?? {}) as { prune?: unknown; allowEmpty?: unknown };
  const previous = inventoryOfSync(live);
  const next = inventoryOf(planned);
  const stale = planPrune(previous, next);
  if (stale.length === 0) return { objects: [] };
  if (spec.prune !== true) {
    return { objects: stale.map((r) => ({ ref: r, action: 'kept', reason: 'spec.prune is off' })) };
  }
  const refusal = pruneSafety(previous.entries.length, next.entries.length, {
    allowEmpty: spec.allowEmpty === true,
  });
  if (refusal) return { objects: [], refusal: `${refusal}; set spec.allowEmpty to allow it` };
  const labels = ownerLabels(sync);
  const objects: PruneOutcome[] = [];
  for (const r of stale) {
    const obj = await client.get(r);
    // Already gone: the prune stage has nothing to do, and neither has the preview.
    if (!obj) continue;
    const skip = skipReason(obj, labels);
    objects.push(skip ? { ref: r, action: 'kept', reason: skip } : { ref: r, action: 'deleted' });
  }
  return { objects };
}

/** The inventory in a Sync's status; entries that are not `{ id, v }` strings are left out. */
function inventoryOfSync(sync: Obj): Inventory {
  const entries = (sync.status as { inventory?: { entries?: unknown } } | undefined)?.inventory?.entries;
  if (!Array.isArray(entries)) return { entries: [] };
  return {
    entries: entries.filter(
      (e): e is InventoryEntry =>
        typeof e === 'object' && e !== null && typeof e.id === 'string' && typeof e.v === 'string',
    ),
  };
}
