/**
 * The decisions of the Helm hook stage, pure: when hooks run, which hook objects are deleted before and after
 * they run (helm.sh/hook-delete-policy), and how a failed hook is reported. The I/O is in hooks.ts.
 *
 * Policy, after Helm's `execHook` (pkg/action/hooks.go): the groups of a phase (ordered by hook weight) are
 * applied and waited for one after the other; a hook with `before-hook-creation` replaces the previous object
 * of its name, which is deleted first; a hook that fails stops the phase and is deleted when it says
 * `hook-failed`; once every group of the phase succeeded, the hooks saying `hook-succeeded` are deleted.
 */
import type { ObjectRef } from '../core/types.js';
import { Reasons, ReconcileError, refString } from '../core/types.js';

/** What a hook's delete policy asks for. */
export interface HookDeletion {
  /** `before-hook-creation`: delete the previous object of the same name before applying (Helm's default). */
  beforeCreation: boolean;
  /** `hook-succeeded`: delete it once the phase succeeded. */
  onSuccess: boolean;
  /** `hook-failed`: delete it when it failed. */
  onFailure: boolean;
}

/** The phases Steward runs hooks in: before the release's objects, and after they are healthy. */
export type HookPhase = 'pre' | 'post';

/** Hooks run when the release changed (new chart, values, name, namespace or kube version), not on resyncs. */
export function hooksDue(releaseDigest: string, hooksAppliedFor: string | undefined): boolean {
  return releaseDigest !== hooksAppliedFor;
}

/** `pre-install`, `post-upgrade`, ...: the Helm event a phase stands for, for messages. */
export function hookEvent(phase: HookPhase, install: boolean): string {
  return `${phase}-${install ? 'install' : 'upgrade'}`;
}

/** The hook objects to delete before a group is applied. */
export function deleteBeforeApply<T extends { ref: ObjectRef }>(
  group: readonly T[],
  deletion: (item: T) => HookDeletion,
): ObjectRef[] {
  return group.filter((h) => deletion(h).beforeCreation).map((h) => h.ref);
}

/** The hook objects to delete once every group of the phase succeeded. */
export function deleteAfterSuccess<T extends { ref: ObjectRef }>(
  groups: readonly (readonly T[])[],
  deletion: (item: T) => HookDeletion,
): ObjectRef[] {
  return groups
    .flat()
    .filter((h) => deletion(h).onSuccess)
    .map((h) => h.ref);
}

/** The failed hook objects to delete after a failure: those among `failed` saying `hook-failed`. */
export function deleteAfterFailure<T extends { ref: ObjectRef }>(
  group: readonly T[],
  failed: readonly ObjectRef[],
  deletion: (item: T) => HookDeletion,
): ObjectRef[] {
  const ids = new Set(failed.map(refString));
  return group.filter((h) => ids.has(refString(h.ref)) && deletion(h).onFailure).map((h) => h.ref);
}

/**
 * The error of a hook that failed (a Job that ended Failed, an object that became unhealthy): terminal, as a
 * failed Helm hook fails the release until something changes; the Sync names the hook and says why.
 */
export function hookFailed(event: string, failed: readonly ObjectRef[], why: string): ReconcileError {
  const first = failed[0];
  const subject = first ? refString(first) : undefined;
  const names = failed.map(refString).join(', ');
  return new ReconcileError(
    Reasons.ApplyFailed,
    'terminal',
    `${event} hook ${names || 'object'} failed: ${why}`,
    subject,
  );
}

/** The error of hooks still not done when the Sync's timeout ran out: transient, the next attempt runs them again. */
export function hookTimedOut(event: string, pending: readonly ObjectRef[], why: string): ReconcileError {
  const first = pending[0];
  return new ReconcileError(
    Reasons.HealthCheckFailed,
    'transient',
    `${event} hook ${pending.map(refString).join(', ') || 'objects'} not done in time: ${why}`,
    first ? refString(first) : undefined,
  );
}
