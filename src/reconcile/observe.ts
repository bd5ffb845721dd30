/** Metrics from the outcome of one reconcile, so every path reports the same way. */
import type { Condition } from './conditions.js';
import type { ReconcileContext } from './context.js';

const TYPES = ['Ready', 'Reconciling', 'Stalled'] as const;

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
  if (result)
    ctx.metrics.reconciled(kind, meta.namespace, meta.name, result, (Date.now() - startedMs) / 1000);
}
