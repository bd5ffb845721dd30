/**
 * Rules every object gets before its kind's own rules, ported from kstatus
 * (kubernetes-sigs/cli-utils `pkg/kstatus/status/generic.go`, `checkGenericProperties` and
 * `checkGeneration`), and the fallback for kinds with no rule of their own (`status.go`, `Compute`).
 */
import { type Condition, conditions, type KubeObject, optionalInt, str } from './fields.js';
import type { Verdict } from './types.js';

/** A condition's message, or something that still says which condition spoke when it has none. */
export function conditionText(c: Condition): string {
  if (c.message) return c.message;
  return c.reason ? `${c.type}=${c.status}: ${c.reason}` : `${c.type}=${c.status}`;
}

/**
 * The metadata.generation / status.observedGeneration comparison. Only integers count: Argo Rollouts keeps
 * observedGeneration as a string (once a pod-template hash), which its own rule reads; kstatus would fail
 * to decode it and report an error.
 */
export function checkGeneration(obj: KubeObject): Verdict | undefined {
  const generation = optionalInt(obj, 'metadata.generation');
  const observed = optionalInt(obj, 'status.observedGeneration');
  if (generation === undefined || observed === undefined || observed === generation) return undefined;
  const kind = str(obj, 'kind', 'Resource');
  // kstatus compares with != rather than <: an observedGeneration ahead of generation means the object
  // was recreated under the same name and this status belongs to the old one.
  return {
    status: 'InProgress',
    message: `${kind} generation is ${generation}, but latest observed generation is ${observed}`,
  };
}

/**
 * Deletion, then generation, then the kstatus conditions `Reconciling` and `Stalled`, which any controller
 * may set to speak for its object and which then win over the kind's own rules. The first of the two in
 * list order decides, as in kstatus.
 */
export function checkGeneric(obj: KubeObject): Verdict | undefined {
  if (str(obj, 'metadata.deletionTimestamp', '') !== '') {
    return { status: 'Terminating', message: 'Resource scheduled for deletion' };
  }
  const generation = checkGeneration(obj);
  if (generation) return generation;
  for (const c of conditions(obj)) {
    if (c.status !== 'True') continue;
    if (c.type === 'Reconciling') return { status: 'InProgress', message: conditionText(c) };
    if (c.type === 'Stalled') return { status: 'Failed', message: conditionText(c) };
  }
  return undefined;
}

/**
 * Kinds without a rule. kstatus calls these Current whatever their conditions say; Steward also reads a
 * `Ready` condition, the way Flux-style controllers report: Ready=False or Unknown without Stalled means
 * "failing but retrying" (Flux sets Stalled only when retrying cannot help), so it is InProgress and only
 * the Sync's timeout turns it into a failure. A Ready condition written for an older generation
 * (metav1.Condition.observedGeneration) is stale and also InProgress.
 */
export function readyOrCurrent(obj: KubeObject): Verdict {
  const ready = conditions(obj).find((c) => c.type === 'Ready');
  if (!ready) return { status: 'Current', message: 'Resource is current' };
  const generation = optionalInt(obj, 'metadata.generation');
  if (
    generation !== undefined &&
    ready.observedGeneration !== undefined &&
    ready.observedGeneration !== generation
  ) {
    return {
      status: 'InProgress',
      message: `Ready condition is for generation ${ready.observedGeneration}, but generation is ${generation}`,
    };
  }
  if (ready.status === 'True') return { status: 'Current', message: 'Resource is Ready' };
  return { status: 'InProgress', message: conditionText(ready) };
}
