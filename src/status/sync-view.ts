/** One Sync as the status API shows it. */
import { inventoryId } from '../core/types.js';
import { field, isRecord, str } from '../health/fields.js';
import type { ProgressivePhase, ReconcileRecord } from '../reconcile/observe.js';
import { objectKey } from './history.js';
import { syncIdentity, type TenancySettings } from './identity.js';
import type { CanaryView, SyncView } from './model.js';
import {
  conditionTrue,
  type KubeObject,
  lastReconcileView,
  nameOf,
  optionalString,
  readyView,
  suspended,
} from './read.js';

/** What the agent remembers of its own reconciles, by `Kind/namespace/name`. */
export interface HistoryView {
  lastOf(key: string): ReconcileRecord | undefined;
  phasesOf(key: string): readonly ProgressivePhase[];
}

function inventoryIds(obj: KubeObject): Set<string> {
  const entries = field(obj, 'status.inventory.entries');
  const ids = new Set<string>();
  if (Array.isArray(entries))
    for (const e of entries) if (isRecord(e) && typeof e.id === 'string') ids.add(e.id);
  return ids;
}

/**
 * The phases the Sync's last health check saw, for the objects still in its inventory: a canary that left Git
 * is no longer the Sync's to show.
 */
function canaries(phases: readonly ProgressivePhase[], inventory: ReadonlySet<string>): CanaryView[] {
  return phases
    .filter((p) => inventory.has(inventoryId({ ...p, version: '' })))
    .map((p) => ({ group: p.group, kind: p.kind, namespace: p.namespace, name: p.name, phase: p.phase }));
}

export function syncView(obj: KubeObject, tenancy: TenancySettings, history: HistoryView): SyncView {
  const { namespace, name } = nameOf(obj);
  const key = objectKey('Sync', namespace, name);
  const serviceAccountName = optionalString(obj, 'spec.serviceAccountName') ?? undefined;
  const identity = syncIdentity({ namespace, name, serviceAccountName }, tenancy);
  const inventory = inventoryIds(obj);
  return {
    namespace,
    name,
    role: identity.role,
    serviceAccount: identity.serviceAccount,
    source: {
      kind: str(obj, 'spec.sourceRef.kind', 'GitRepository'),
      namespace: str(obj, 'spec.sourceRef.namespace', namespace),
      name: str(obj, 'spec.sourceRef.name', ''),
    },
    path: str(obj, 'spec.path', './'),
    revision: {
      applied: optionalString(obj, 'status.lastAppliedRevision'),
      attempted: optionalString(obj, 'status.lastAttemptedRevision'),
    },
    ready: readyView(obj),
    reconciling: conditionTrue(obj, 'Reconciling'),
    stalled: conditionTrue(obj, 'Stalled'),
    suspended: suspended(obj),
    lastReconcile: lastReconcileView(history.lastOf(key)),
    inventory: inventory.size,
    canaries: canaries(history.phasesOf(key), inventory),
  };
}
