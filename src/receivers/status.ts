/**
 * A Receiver's status from the outcome of reading it: the webhook path, and kstatus conditions as Flux's
 * notification-controller sets them. Pure: the time comes in. The path is the only secret-derived value in it
 * (a SHA-256 that cannot be turned back into the token); condition messages name the Secret, never its content.
 */
import { jsonEqual } from '../apply/index.js';
import type { Condition, Outcome } from '../reconcile/conditions.js';
import { conditionsFor } from '../reconcile/conditions.js';

/** Why a Receiver is or is not served. */
export type ReceiverOutcome =
  | { kind: 'ready'; webhookPath: string }
  /** The spec cannot work as written: stalled until it changes. */
  | { kind: 'invalid'; message: string }
  /** The Secret or its `token` key is missing, or could not be read: retried. */
  | { kind: 'token-missing'; message: string };

/** The part of a Receiver's status Steward writes. */
export interface ReceiverStatusPatch {
  observedGeneration: number;
  conditions: Condition[];
  webhookPath?: string;
  /** The reconcile request (annotation value) this status answers, as every Steward kind reports it. */
  lastHandledReconcileAt?: string;
}

/** The condition reasons of a Receiver (Flux's, where Flux has one). */
export const ReceiverReasons = {
  Succeeded: 'Succeeded',
  TokenNotFound: 'TokenNotFound',
  ValidationFailed: 'ValidationFailed',
} as const;

function outcomeOf(o: ReceiverOutcome): Outcome {
  switch (o.kind) {
    case 'ready':
      return {
        kind: 'ready',
        reason: ReceiverReasons.Succeeded,
        message: 'Receiver initialized; its path is in status.webhookPath',
      };
    case 'invalid':
      return {
        kind: 'failed',
        retry: 'terminal',
        reason: ReceiverReasons.ValidationFailed,
        message: o.message,
      };
    case 'token-missing':
      return {
        kind: 'failed',
        retry: 'transient',
        reason: ReceiverReasons.TokenNotFound,
        message: o.message,
      };
  }
}

/**
 * The status for `outcome`, keeping the previous conditions' transition times where their status holds. A
 * Receiver that is not served has no webhookPath: the old path answers 404 from now on.
 */
export function receiverStatus(
  previous: readonly Condition[],
  outcome: ReceiverOutcome,
  at: { generation: number; now: string; requested?: string | undefined },
): ReceiverStatusPatch {
  return {
    observedGeneration: at.generation,
    conditions: conditionsFor(previous, outcomeOf(outcome), at.generation, at.now),
    ...(outcome.kind === 'ready' ? { webhookPath: outcome.webhookPath } : {}),
    ...(at.requested !== undefined ? { lastHandledReconcileAt: at.requested } : {}),
  };
}

/**
 * Whether `next` says something `live` does not. Transition times are left out: every replica computes the
 * status, and a replica whose informer has not yet seen another's write would otherwise write the same
 * status again with its own time.
 */
export function statusChanged(
  live: Readonly<Record<string, unknown>> | undefined,
  next: ReceiverStatusPatch,
): boolean {
  const pick = (s: Readonly<Record<string, unknown>> | undefined) => ({
    observedGeneration: s?.observedGeneration,
    webhookPath: s?.webhookPath,
    lastHandledReconcileAt: s?.lastHandledReconcileAt,
    conditions: Array.isArray(s?.conditions)
      ? (s.conditions as Record<string, unknown>[]).map(({ lastTransitionTime: _t, ...c }) => c)
      : undefined,
  });
  return !jsonEqual(pick(live), pick({ ...next }));
}
