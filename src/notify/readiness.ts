/**
 * Whether a Provider or an Alert can be used, as the outcome its Ready condition reports. Pure.
 *   Provider: invalid spec (Stalled), Secret missing or unusable (retried), else Ready.
 *   Alert: invalid spec or a refused cross-namespace source (Stalled), its Provider missing or not Ready
 *   (retried when the Provider changes), else Ready.
 */
import type { FieldError } from '../api/index.js';
import type { Outcome } from '../reconcile/conditions.js';
import type { ProviderProblem } from './provider.js';

export const READY_REASON = 'Succeeded';

export function invalidSpec(errors: readonly FieldError[]): Outcome {
  return {
    kind: 'failed',
    retry: 'terminal',
    reason: 'ValidationFailed',
    message: `invalid spec: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
  };
}

export function providerOutcome(type: string, problem: ProviderProblem | undefined): Outcome {
  if (problem)
    return { kind: 'failed', retry: problem.retry, reason: problem.reason, message: problem.message };
  return { kind: 'ready', reason: READY_REASON, message: `ready to send to ${type}` };
}

/** What an Alert knows of its Provider. */
export type ProviderView =
  | { state: 'missing' }
  | { state: 'not-ready'; message: string }
  | { state: 'ready'; type: string };

export function alertOutcome(
  providerName: string,
  namespace: string,
  provider: ProviderView,
  refused: readonly number[],
): Outcome {
  if (refused.length > 0) {
    const which = refused.map((i) => `spec.eventSources[${i}]`).join(', ');
    return {
      kind: 'failed',
      retry: 'terminal',
      reason: 'AccessDenied',
      message: `${which}: cross-namespace event sources are not allowed (lockdown.noCrossNamespaceRefs)`,
    };
  }
  switch (provider.state) {
    case 'missing':
      return {
        kind: 'failed',
        retry: 'transient',
        reason: 'ProviderNotFound',
        message: `Provider '${namespace}/${providerName}' not found`,
      };
    case 'not-ready':
      return {
        kind: 'failed',
        retry: 'transient',
        reason: 'ProviderNotReady',
        message: `Provider '${namespace}/${providerName}' is not ready: ${provider.message}`,
      };
    case 'ready':
      return {
        kind: 'ready',
        reason: READY_REASON,
        message: `sending to Provider '${namespace}/${providerName}' (${provider.type})`,
      };
  }
}
