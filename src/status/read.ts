/**
 * Lenient readers for the status views: objects come from the informers as the API server stored them, and a
 * half-written status must give a partial view, never an exception.
 */
import { field, isRecord, type KubeObject, str } from '../health/fields.js';
import type { ReconcileRecord } from '../reconcile/observe.js';
import type { ConditionStatus, LastReconcileView, ReadyView } from './model.js';
import { redactText } from './redact.js';

export type { KubeObject };

interface RawCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

function rawConditions(obj: KubeObject): RawCondition[] {
  const list = field(obj, 'status.conditions');
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((c) => ({
    type: typeof c.type === 'string' ? c.type : '',
    status: typeof c.status === 'string' ? c.status : '',
    reason: typeof c.reason === 'string' ? c.reason : '',
    message: typeof c.message === 'string' ? c.message : '',
    lastTransitionTime: typeof c.lastTransitionTime === 'string' ? c.lastTransitionTime : '',
  }));
}

/** The Ready condition as shown; Unknown with empty texts when the object has none yet. */
export function readyView(obj: KubeObject): ReadyView {
  const c = rawConditions(obj).find((x) => x.type === 'Ready');
  if (!c) return { status: 'Unknown', reason: '', message: '', since: null };
  const status: ConditionStatus = c.status === 'True' || c.status === 'False' ? c.status : 'Unknown';
  return { status, reason: c.reason, message: redactText(c.message), since: c.lastTransitionTime || null };
}

/** True when the condition of that type is True (Reconciling, Stalled). */
export function conditionTrue(obj: KubeObject, type: string): boolean {
  return rawConditions(obj).some((c) => c.type === type && c.status === 'True');
}

export function nameOf(obj: KubeObject): { namespace: string; name: string } {
  return { namespace: str(obj, 'metadata.namespace', ''), name: str(obj, 'metadata.name', '') };
}

export function suspended(obj: KubeObject): boolean {
  return field(obj, 'spec.suspend') === true;
}

/** A string field, or null when absent or empty. */
export function optionalString(obj: KubeObject, path: string): string | null {
  const v = str(obj, path, '');
  return v === '' ? null : v;
}

export function lastReconcileView(record: ReconcileRecord | undefined): LastReconcileView | null {
  if (!record) return null;
  return {
    at: record.finishedAt.toISOString(),
    durationMs: Math.max(0, Math.round(record.durationMs)),
    result: record.result,
  };
}

/** Code-point order, the same on every machine whatever its locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts by namespace, then name. */
export function byNamespaceAndName<T extends { namespace: string; name: string }>(a: T, b: T): number {
  return compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name);
}
