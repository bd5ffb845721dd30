/**
 * What the status API knows beyond the objects' own status: each object's last reconcile (time, duration,
 * result) and the canary phases its last health check saw. In memory only: the objects' conditions are the
 * durable record, this is the agent's recent view.
 */
import type { ProgressivePhase, ReconcileObserver, ReconcileRecord } from '../reconcile/observe.js';

/** `Kind/namespace/name`, the work queue's key. */
export function objectKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export class ReconcileHistory implements ReconcileObserver {
  private readonly last = new Map<string, ReconcileRecord>();
  private readonly phases = new Map<string, readonly ProgressivePhase[]>();

  reconciled(record: ReconcileRecord): void {
    this.last.set(objectKey(record.kind, record.namespace, record.name), record);
  }

  progressivePhases(sync: { namespace: string; name: string }, phases: readonly ProgressivePhase[]): void {
    this.phases.set(objectKey('Sync', sync.namespace, sync.name), phases);
  }

  /** The last reconcile of an object, by {@link objectKey}. */
  lastOf(key: string): ReconcileRecord | undefined {
    return this.last.get(key);
  }

  /** The phases a Sync's last health check saw, by {@link objectKey}. */
  phasesOf(key: string): readonly ProgressivePhase[] {
    return this.phases.get(key) ?? [];
  }

  /** Forgets every object not in `keep` (deleted ones), so the history stays as large as the cluster. */
  retain(keep: ReadonlySet<string>): void {
    for (const k of this.last.keys()) if (!keep.has(k)) this.last.delete(k);
    for (const k of this.phases.keys()) if (!keep.has(k)) this.phases.delete(k);
  }
}
