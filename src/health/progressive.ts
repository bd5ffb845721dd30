/**
 * Progressive delivery controllers. Both report a `status.phase` that already sums up the rollout, so
 * these rules read the phase and add only what the controllers leave to their clients (generation checks).
 * A canary or rollout that is still analysing is InProgress, never Failed: the Sync waits for it, and only a
 * verdict of the controller itself (Flagger `Failed`, Argo `Degraded`) fails the Sync, with its message.
 */
import { condition, field, isRecord, type KubeObject, optionalInt, str } from './fields.js';
import type { Verdict } from './types.js';

/**
 * Flagger's phases (fluxcd/flagger `pkg/apis/flagger/v1beta1/status.go`). `Waiting` and `WaitingPromotion`
 * are gates held by a confirm webhook: normal progress that the Sync's timeout bounds.
 */
const canaryPhases: Record<string, Verdict['status']> = {
  Initializing: 'InProgress',
  Waiting: 'InProgress',
  Progressing: 'InProgress',
  WaitingPromotion: 'InProgress',
  Promoting: 'InProgress',
  Finalising: 'InProgress',
  Initialized: 'Current',
  Succeeded: 'Current',
  Failed: 'Failed',
  Terminating: 'Terminating',
  Terminated: 'Terminating',
};

/**
 * Flagger `Canary` (flagger.app/v1beta1). Flagger writes the `Promoted` condition's message for every phase
 * (`pkg/canary/status.go`, `MakeStatusConditions`), so it is the message to show. A numeric
 * `status.observedGeneration`, if a Flagger version writes one, is compared by the generic rules first.
 */
export function canaryRule(obj: KubeObject): Verdict {
  const phase = str(obj, 'status.phase', '');
  if (phase === '') return { status: 'InProgress', message: 'waiting for Flagger to initialize the canary' };
  const status = canaryPhases[phase];
  if (status === undefined) return { status: 'Unknown', message: `unknown phase ${phase}` };
  const promoted = condition(obj, 'Promoted');
  return { status, message: promoted?.message ? `${phase}: ${promoted.message}` : phase };
}

/**
 * argoproj/argo-rollouts `utils/rollout/rolloututil.go` (`isGenerationObserved`): observedGeneration is a
 * string. Since v0.10 it holds the generation number; before, a pod-template hash, which can be all digits,
 * so a value that is not a number or is ahead of metadata.generation counts as observed.
 */
function rolloutGenerationObserved(obj: KubeObject): boolean {
  const generation = optionalInt(obj, 'metadata.generation');
  const raw = field(obj, 'status.observedGeneration');
  if (generation === undefined) return true;
  let observed: number;
  if (typeof raw === 'number') observed = raw;
  else if (typeof raw === 'string' && /^\d+$/.test(raw)) observed = Number(raw);
  else return true;
  return observed >= generation;
}

function firstPauseReason(obj: KubeObject): string {
  const pauses = field(obj, 'status.pauseConditions');
  if (!Array.isArray(pauses) || pauses.length === 0) return '';
  const first: unknown = pauses[0];
  return isRecord(first) ? str(first, 'reason', '') : '';
}

/**
 * Argo Rollouts `Rollout` (argoproj.io/v1alpha1), following the client side of `GetRolloutPhase`: check
 * that the controller has seen the spec and is not mid-unpause, then trust the controller's phase and
 * message (Argo Rollouts >= 1.0 computes them). `Paused` is InProgress: a canary step with `pause` is part
 * of the planned rollout, and an indefinite pause waits for `kubectl argo rollouts promote`; either way the
 * Sync's timeout, not the pause, decides when waiting has gone on too long.
 */
export function rolloutRule(obj: KubeObject): Verdict {
  if (!rolloutGenerationObserved(obj)) {
    return { status: 'InProgress', message: 'waiting for rollout spec update to be observed' };
  }
  const pauseReason = firstPauseReason(obj);
  if (field(obj, 'status.controllerPause') === true && pauseReason === '') {
    return { status: 'InProgress', message: 'waiting for rollout to unpause' };
  }
  const phase = str(obj, 'status.phase', '');
  const message = str(obj, 'status.message', '');
  const detail = (text: string): string => (text ? `${phase}: ${text}` : phase);
  switch (phase) {
    case 'Healthy':
      return { status: 'Current', message: detail(message) };
    case 'Progressing':
      return { status: 'InProgress', message: detail(message) };
    case 'Paused':
      return { status: 'InProgress', message: detail(message || pauseReason) };
    case 'Degraded':
      return { status: 'Failed', message: detail(message) };
    case '':
      // Rollouts before v1.0 computed no phase; Steward does not reimplement that client-side calculation.
      return { status: 'InProgress', message: 'waiting for Argo Rollouts to report a phase' };
    default:
      return { status: 'Unknown', message: `unknown phase ${phase}` };
  }
}
