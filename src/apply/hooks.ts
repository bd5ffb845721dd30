/**
 * The Helm hook stage, I/O: each group of a phase is applied with the same server-side apply as the release's
 * objects (applyPlan), then waited for (Jobs until Complete, other kinds until healthy) before the next group.
 * The decisions (what to delete when, how failures read) are in hooks-policy.ts; how to wait is passed in, so
 * this module needs no clock and no health rules of its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Change, ChangeSet, ObjectRef, PlannedObject } from '../core/types.js';
import { Reasons, ReconcileError, refString } from '../core/types.js';
import type { KubeClient } from '../kube/types.js';
import type { ApplyPlanOptions } from './apply.js';
import { applyPlan } from './apply.js';
import { objectError } from './errors.js';
import type { HookDeletion } from './hooks-policy.js';
import {
  deleteAfterFailure,
  deleteAfterSuccess,
  deleteBeforeApply,
  hookFailed,
  hookTimedOut,
} from './hooks-policy.js';

/** What waiting for a group of hooks found. */
export interface HookWait {
  ready: boolean;
  /** Objects that ended Failed (a Job past its backoff limit). */
  failed: ObjectRef[];
  /** Objects still not ready when the time ran out. */
  pending: ObjectRef[];
  /** The health message, naming the objects. */
  message: string;
}

/** How to run one phase of hooks. */
export interface RunHooksOptions {
  /** The apply settings of the release's own objects. */
  apply: ApplyPlanOptions;
  /** `pre-install`, `post-upgrade`, ...: for messages. */
  event: string;
  /** The hook's helm.sh/hook-delete-policy. */
  deletion(hook: PlannedObject): HookDeletion;
  /** Waits until every object is ready or one failed, within the Sync's timeout. */
  waitReady(refs: readonly ObjectRef[]): Promise<HookWait>;
  /** Bound on waiting for a replaced hook to be deleted. */
  deleteTimeoutMs: number;
}

/**
 * Runs the groups of one phase in order. Returns what was applied and deleted; throws a ReconcileError that
 * names the hook when one fails (terminal) or is not done in time (transient), after deleting what its
 * `hook-failed` policy asks.
 */
export async function runHooks(
  client: KubeClient,
  groups: readonly (readonly PlannedObject[])[],
  opts: RunHooksOptions,
): Promise<ChangeSet> {
  const changes: Change[] = [];
  for (const group of groups) {
    if (group.length === 0) continue;
    for (const ref of deleteBeforeApply(group, opts.deletion)) {
      if (await deleteAndWait(client, ref, opts.deleteTimeoutMs))
        changes.push({ ref, action: 'deleted', reason: 'before-hook-creation' });
    }
    try {
      changes.push(...(await applyPlan(client, group, opts.apply)).changes);
    } catch (err) {
      if (!(err instanceof ReconcileError)) throw err;
      throw new ReconcileError(err.reason, err.retry, `${opts.event} hook ${err.message}`, err.subject, {
        cause: err,
      });
    }
    const wait = await opts.waitReady(group.map((h) => h.ref));
    if (wait.ready) continue;
    if (wait.failed.length === 0) throw hookTimedOut(opts.event, wait.pending, wait.message);
    for (const ref of deleteAfterFailure(group, wait.failed, opts.deletion)) await remove(client, ref);
    throw hookFailed(opts.event, wait.failed, wait.message);
  }
  for (const ref of deleteAfterSuccess(groups, opts.deletion)) {
    if (await remove(client, ref)) changes.push({ ref, action: 'deleted', reason: 'hook-succeeded' });
  }
  return { changes };
}

/** Deletes a hook object in the background (a Job's pods follow it); false when it was already gone. */
async function remove(client: KubeClient, ref: ObjectRef): Promise<boolean> {
  try {
    return (await client.delete(ref, { propagationPolicy: 'Background' })) === 'deleted';
  } catch (err) {
    throw objectError(ref, 'hook deletion failed', err);
  }
}

/** Deletes the previous object of a hook's name and waits until it is gone; false when there was none. */
async function deleteAndWait(client: KubeClient, ref: ObjectRef, timeoutMs: number): Promise<boolean> {
  const live = await client.get(ref);
  if (!live) return false;
  const uid = (live.metadata as { uid?: unknown } | undefined)?.uid;
  if (!(await remove(client, ref))) return false;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    const obj = await client.get(ref);
    if (!obj || (obj.metadata as { uid?: unknown } | undefined)?.uid !== uid) return true;
    if (Date.now() + delay > deadline) {
      const subject = refString(ref);
      throw new ReconcileError(
        Reasons.ApplyFailed,
        'transient',
        `${subject}: the previous hook object was deleted (before-hook-creation) but is still present after ${Math.round(timeoutMs / 1000)}s`,
        subject,
      );
    }
    await sleep(delay);
  }
}
