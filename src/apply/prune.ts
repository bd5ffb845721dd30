/**
 * The prune stage: delete what the previous inventory holds and the new one does not, after fluxcd/pkg/ssa
 * `DeleteAll`. Each object is read first and deleted only if it still carries this Sync's owner labels (with
 * the same values) and is not annotated `steward.dev/prune: disabled`: an object someone else took over, or
 * one a user asked to keep, is left alone.
 */
import { PRUNE_ANNOTATION, PRUNE_DISABLED } from '../core/constants.js';
import type { Change, ChangeSet, Inventory, ObjectRef } from '../core/types.js';
import { Reasons, ReconcileError, refString } from '../core/types.js';
import type { KubeClient, Obj } from '../kube/types.js';
import { diffInventory } from '../plan/inventory.js';
import { sortForDelete } from '../plan/order.js';
import { retryOf } from './errors.js';

/** The stale objects, in delete order (pure): in `previous`, not in `next`. */
export function planPrune(previous: Inventory, next: Inventory): ObjectRef[] {
  return deleteOrder(diffInventory(previous, next));
}

/**
 * Delete order: the reverse of apply order (custom resources before their CRDs), except that Namespaces go
 * last of all, because deleting one deletes everything in it, whatever the annotations on its contents say.
 */
export function deleteOrder(refs: readonly ObjectRef[]): ObjectRef[] {
  const isNamespace = (r: ObjectRef) => r.group === '' && r.kind === 'Namespace';
  const sorted = sortForDelete(refs);
  return [...sorted.filter((r) => !isNamespace(r)), ...sorted.filter(isNamespace)];
}

/**
 * Why pruning must not run, or undefined if it may (pure). An empty render that would delete everything is
 * refused unless allowed (a wrong path or a broken generator looks exactly like that); so is a drop of more
 * than `maxDropRatio` (0..1) of the previous objects.
 */
export function pruneSafety(
  previousCount: number,
  nextCount: number,
  opts: { allowEmpty: boolean; maxDropRatio?: number },
): string | undefined {
  if (previousCount <= 0) return undefined;
  if (nextCount === 0 && !opts.allowEmpty) {
    return `refusing to prune: the new render is empty and pruning would delete all ${previousCount} objects applied before`;
  }
  const dropped = previousCount - nextCount;
  if (opts.maxDropRatio !== undefined && dropped > 0 && dropped / previousCount > opts.maxDropRatio) {
    const pct = (r: number) => `${Math.round(r * 100)}%`;
    return (
      `refusing to prune: the object count fell from ${previousCount} to ${nextCount} ` +
      `(${pct(dropped / previousCount)}, more than the allowed ${pct(opts.maxDropRatio)})`
    );
  }
  return undefined;
}

/** What prune did: a ChangeSet, plus the refs it could not delete (the inventory must keep them). */
export interface PruneResult extends ChangeSet {
  failed: ObjectRef[];
  /** One error per failed ref, in the same order. */
  errors: ReconcileError[];
}

export interface PruneOptions {
  /** Labels every object of this Sync carries (OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL): all must match. */
  ownerLabels: Record<string, string>;
}

/**
 * Deletes `refs` in delete order (Background propagation, as Flux). Never throws for one object: a failure
 * leaves its ref in `failed` and the rest are still tried.
 */
export async function prune(
  client: KubeClient,
  refs: readonly ObjectRef[],
  opts: PruneOptions,
): Promise<PruneResult> {
  const changes: Change[] = [];
  const failed: ObjectRef[] = [];
  const errors: ReconcileError[] = [];
  for (const ref of deleteOrder(refs)) {
    try {
      const live = await client.get(ref);
      const skip = live ? skipReason(live, opts.ownerLabels) : 'already deleted';
      if (skip) {
        changes.push({ ref, action: 'skipped', reason: skip });
        continue;
      }
      const res = await client.delete(ref, { propagationPolicy: 'Background' });
      changes.push(
        res === 'deleted'
          ? { ref, action: 'deleted' }
          : { ref, action: 'skipped', reason: 'already deleted' },
      );
    } catch (err) {
      const subject = refString(ref);
      const why = err instanceof Error ? err.message : String(err);
      failed.push(ref);
      errors.push(
        new ReconcileError(Reasons.PruneFailed, retryOf(err), `${subject} delete failed: ${why}`, subject, {
          cause: err,
        }),
      );
    }
  }
  return { changes, failed, errors };
}

/** Why a live object must not be deleted, or undefined (pure). */
export function skipReason(live: Obj, ownerLabels: Record<string, string>): string | undefined {
  const meta = (live.metadata ?? {}) as {
    labels?: Record<string, unknown>;
    annotations?: Record<string, unknown>;
  };
  if (meta.annotations?.[PRUNE_ANNOTATION] === PRUNE_DISABLED)
    return `${PRUNE_ANNOTATION}: ${PRUNE_DISABLED}`;
  const labels = meta.labels ?? {};
  if (Object.keys(ownerLabels).length === 0) return 'no owner labels to check';
  for (const [k, v] of Object.entries(ownerLabels)) {
    if (labels[k] !== v)
      return `not owned by this Sync (label ${k} is ${labels[k] === undefined ? 'missing' : 'different'})`;
  }
  return undefined;
}
