/**
 * kstatus conditions, as Flux's controllers set them (fluxcd/pkg/runtime/conditions): `Ready` always, plus
 * `Reconciling` while work is under way or being retried, and `Stalled` when only a change of input can help.
 * Pure: the time comes in.
 */

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** Upserts one condition; lastTransitionTime moves only when the status flips (metav1 SetStatusCondition). */
export function setCondition(
  conditions: readonly Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  now: string,
): Condition[] {
  const out = conditions.filter((c) => c.type !== next.type);
  const prev = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = prev && prev.status === next.status ? prev.lastTransitionTime : now;
  out.push({ ...next, lastTransitionTime });
  return out.sort((a, b) => order(a.type) - order(b.type) || a.type.localeCompare(b.type));
}

export function removeCondition(conditions: readonly Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

function order(type: string): number {
  return type === 'Ready' ? 0 : type === 'Reconciling' ? 1 : type === 'Stalled' ? 2 : 3;
}

export type Outcome =
  | { kind: 'progressing'; reason: string; message: string }
  | { kind: 'ready'; reason: string; message: string }
  | { kind: 'failed'; retry: 'transient' | 'terminal'; reason: string; message: string };

/** The three kstatus conditions for an outcome of a reconcile. */
export function conditionsFor(
  conditions: readonly Condition[],
  outcome: Outcome,
  generation: number,
  now: string,
): Condition[] {
  const base = { observedGeneration: generation, reason: outcome.reason, message: outcome.message };
  let out = [...conditions];
  switch (outcome.kind) {
    case 'progressing':
      out = setCondition(out, { ...base, type: 'Reconciling', status: 'True' }, now);
      out = setCondition(out, { ...base, type: 'Ready', status: 'Unknown' }, now);
      return removeCondition(out, 'Stalled');
    case 'ready':
      out = setCondition(out, { ...base, type: 'Ready', status: 'True' }, now);
      out = removeCondition(out, 'Reconciling');
      return removeCondition(out, 'Stalled');
    case 'failed':
      out = setCondition(out, { ...base, type: 'Ready', status: 'False' }, now);
      if (outcome.retry === 'terminal') {
        out = setCondition(out, { ...base, type: 'Stalled', status: 'True' }, now);
        return removeCondition(out, 'Reconciling');
      }
      out = setCondition(out, { ...base, type: 'Reconciling', status: 'True' }, now);
      return removeCondition(out, 'Stalled');
  }
}

export function readyStatus(conditions: readonly Condition[] | undefined): Condition['status'] | undefined {
  return conditions?.find((c) => c.type === 'Ready')?.status;
}
