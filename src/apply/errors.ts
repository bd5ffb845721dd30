/**
 * How apply failures are reported: one ReconcileError per object naming it, classified terminal (the input
 * must change: invalid manifests, immutable fields) or transient (throttling, 5xx, network, timeouts).
 */
import type { ChangeSet, ObjectRef } from '../core/types.js';
import { Reasons, ReconcileError, refString } from '../core/types.js';
import { KubeError } from '../kube/errors.js';

// Codes that say the request itself is wrong and will fail the same way until the manifest changes.
const TERMINAL_CODES = new Set([400, 405, 413, 415, 422]);

/** Terminal for request errors the manifest must fix; transient for everything else, 403 included (RBAC is fixed outside the Sync). */
export function retryOf(err: unknown): 'transient' | 'terminal' {
  return err instanceof KubeError && TERMINAL_CODES.has(err.code) ? 'terminal' : 'transient';
}

/**
 * True for an update the API server refuses because a field cannot change: `field is immutable` (selectors,
 * Job templates, Service clusterIP, immutable ConfigMaps) and StatefulSet's spec restriction. Narrower than
 * Flux's rule (every 422 and 409), which recreates objects on plain validation errors.
 */
export function isImmutableError(err: unknown): err is KubeError {
  if (!(err instanceof KubeError) || err.code !== 422) return false;
  const texts = [err.message, ...(err.causes ?? []).map((c) => c.message ?? '')];
  return texts.some((t) =>
    /\bis immutable\b|\bimmutable field\b|updates to statefulset spec for fields other than/.test(t),
  );
}

/** The fields an immutable-field error names, for the message that tells the user what changed. */
export function immutableFields(err: KubeError): string[] {
  const fields = (err.causes ?? [])
    .filter((c) => c.field && /immutable|forbidden/i.test(`${c.message ?? ''} ${c.reason ?? ''}`))
    .map((c) => c.field as string);
  return [...new Set(fields)];
}

/** A ReconcileError for one object: `<Kind>/<ns>/<name> <what>: <why>`. */
export function objectError(ref: ObjectRef, what: string, err: unknown): ReconcileError {
  const why = err instanceof Error ? err.message : String(err);
  const subject = refString(ref);
  return new ReconcileError(Reasons.ApplyFailed, retryOf(err), `${subject} ${what}: ${why}`, subject, {
    cause: err,
  });
}

/**
 * The error applyPlan throws when any object failed: what was applied before the failure rides along in
 * `changeSet` so the reconciler can record partial progress (and keep those objects in the inventory).
 */
export class ApplyError extends ReconcileError {
  readonly changeSet: ChangeSet;
  readonly failures: readonly ReconcileError[];

  constructor(failures: readonly ReconcileError[], changeSet: ChangeSet) {
    const [first] = failures;
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more failed)` : '';
    // Terminal only if every failure is: a retry can still fix the transient ones (and applies the rest again).
    const retry = failures.some((f) => f.retry === 'transient') ? 'transient' : 'terminal';
    super(Reasons.ApplyFailed, retry, `${first?.message ?? 'apply failed'}${more}`, first?.subject, {
      cause: first,
    });
    this.changeSet = changeSet;
    this.failures = failures;
  }
}
