/**
 * Waits for CustomResourceDefinitions to be served before their custom resources are applied (Flux's
 * ApplyAllStaged waits on stage one the same way): a CR applied before its CRD is Established gets a 404.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectRef } from '../core/types.js';
import { Reasons, ReconcileError, refString } from '../core/types.js';
import type { KubeClient, Obj } from '../kube/types.js';
import { objectError } from './errors.js';

/** The condition types a CRD needs before its kind is served. */
const READY_CONDITIONS = ['NamesAccepted', 'Established'] as const;

/** Which of the readiness conditions are not True yet (all of them for a missing object). */
export function crdPending(crd: Obj | undefined): string[] {
  const conds = (crd?.status as { conditions?: unknown } | undefined)?.conditions;
  const list = Array.isArray(conds) ? (conds as { type?: unknown; status?: unknown }[]) : [];
  return READY_CONDITIONS.filter((t) => !list.some((c) => c?.type === t && c.status === 'True'));
}

/**
 * Polls each CRD until NamesAccepted and Established are True. Throws a transient ReconcileError naming the
 * CRD and its missing condition after `timeoutMs`.
 */
export async function waitForCrds(
  client: KubeClient,
  refs: readonly ObjectRef[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const ref of refs) {
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      let crd: Obj | undefined;
      try {
        crd = await client.get(ref);
      } catch (err) {
        throw objectError(ref, 'readiness check failed', err);
      }
      const pending = crdPending(crd);
      if (pending.length === 0) break;
      if (Date.now() + delay > deadline) {
        const subject = refString(ref);
        throw new ReconcileError(
          Reasons.ApplyFailed,
          'transient',
          `${subject} not ready after ${Math.round(timeoutMs / 1000)}s: condition ${pending.join(', ')} is not True`,
          subject,
        );
      }
      await sleep(delay);
    }
  }
}
