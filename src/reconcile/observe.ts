/** Metrics and the status history from the outcome of one reconcile, so every path reports the same way. */
import type { Condition } from './conditions.js';
import type { ReconcileContext } from './context.js';

const TYPES = ['Ready', 'Reconciling', 'Stalled'] as const;

/** One finished reconcile; `waiting` when it only waited (for a source, a dependency or a sync window). */
export interface ReconcileRecord {
  kind: string;
  namespace: string;
  name: string;
  result: 'success' | 'failure' | 'waiting';
  finishedAt: Date;
  durationMs: number;
}

/** The `status.phase` of a Flagger Canary or Argo Rollout, as the last health check of its Sync saw it. */
export interface ProgressivePhase {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  phase: string;
}

/** Told of reconcile outcomes (the status API keeps them as history); must not throw or block. */
export interface ReconcileObserver {
  reconciled(record: ReconcileRecord): void;
  progressivePhases(sync: { namespace: string; name: string }, phases: readonly ProgressivePhase[]): void;
}

/**
 * Exports the kstatus conditions just written (an absent Reconciling or Stalled counts as False) and, when the
 * reconcile did work, counts it as a success or a failure with its duration.
 */
export function recordOutcome(
  ctx: ReconcileContext,
  kind: string,
  meta: { namespace: string; name: string },
  conditions: readonly Condition[],
  result: 'success' | 'failure' | undefined,
  startedMs: number,
): void {
  for (const type of TYPES) {
    const c = conditions.find((x) => x.type === type);
    ctx.metrics.setCondition(
      kind,
      meta.namespace,
      meta.name,
      type,
      c ? c.status : type === 'Ready' ? 'Unknown' : 'False',
    );
  }
  const durationMs = Date.now() - startedMs;
  if (result) ctx.metrics.reconciled(kind, meta.namespace, meta.name, result, durationMs / 1000);
  ctx.observer?.reconciled({
    kind,
    namespace: meta.namespace,
    name: meta.name,
    result: result ?? 'waiting',
    finishedAt: ctx.now(),
    durationMs,
  });
}
