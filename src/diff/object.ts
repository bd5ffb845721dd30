/**
 * What applying one planned object would do, decided the way src/apply decides it (object.ts `applyObject`):
 * the ssa annotation, the manifest without fields other controllers own (`desiredManifest`), a forced
 * server-side dry-run apply with Steward's field manager, and `isUnchanged` on the result. Nothing is written.
 */

import { immutableFields } from '../apply/errors.js';
import { desiredManifest, isImmutableError, isUnchanged, ssaSkipReason } from '../apply/index.js';
import type { ObjectRef, PlannedObject } from '../core/types.js';
import { refString } from '../core/types.js';
import { secretRedactor } from '../kube/redact.js';
import type { KubeClient, Obj } from '../kube/types.js';
import { objectDiff } from './yaml.js';

/** The outcome for one object. `diff` is the unified diff of a `configured` object. */
export type ObjectDiff =
  | { ref: ObjectRef; action: 'unchanged' }
  | { ref: ObjectRef; action: 'created'; reason?: string }
  | { ref: ObjectRef; action: 'configured'; diff: string }
  | { ref: ObjectRef; action: 'skipped'; reason: string }
  | { ref: ObjectRef; action: 'failed'; error: string };

/** What diffing one object needs to know about the whole plan and the agent's settings. */
export interface ObjectDiffContext {
  client: KubeClient;
  fieldManager: string;
  knownControllers: readonly string[];
  /** Workloads an HPA or Canary scales (`<namespace>/<Kind>/<name>`), as src/apply resolves them. */
  scaleTargets: ReadonlySet<string>;
  /**
   * Why a new object cannot be dry-run yet because an earlier stage of the same plan creates what it needs
   * (its Namespace, its CRD), or undefined when it can.
   */
  waitsOn(planned: PlannedObject): Promise<string | undefined>;
}

/** Diffs one planned object against the cluster. Never throws: a failure is an outcome, with Secret values masked. */
export async function diffObject(ctx: ObjectDiffContext, planned: PlannedObject): Promise<ObjectDiff> {
  const { ref, manifest } = planned;
  const redact = secretRedactor(manifest);
  try {
    const early = ssaSkipReason(manifest, undefined);
    if (early) return { ref, action: 'skipped', reason: early };
    const live = await ctx.client.get(ref);
    const skip = ssaSkipReason(manifest, live);
    if (skip) return { ref, action: 'skipped', reason: skip };
    if (!live) {
      const waits = await ctx.waitsOn(planned);
      if (waits) return { ref, action: 'created', reason: waits };
    }
    let merged: Obj;
    try {
      merged = await ctx.client.apply(desiredManifest(manifest, live, ctx), {
        fieldManager: ctx.fieldManager,
        force: true,
        dryRun: true,
      });
    } catch (err) {
      return { ref, action: 'failed', error: redact(dryRunError(ref, err, live !== undefined)) };
    }
    if (!live) return { ref, action: 'created' };
    if (isUnchanged(live, merged)) return { ref, action: 'unchanged' };
    return { ref, action: 'configured', diff: objectDiff(ref, live, merged) };
  } catch (err) {
    return { ref, action: 'failed', error: redact(`${refString(ref)}: ${messageOf(err)}`) };
  }
}

function dryRunError(ref: ObjectRef, err: unknown, exists: boolean): string {
  const subject = refString(ref);
  if (exists && isImmutableError(err)) {
    const fields = immutableFields(err);
    const what =
      fields.length > 0
        ? `immutable field${fields.length > 1 ? 's' : ''} ${fields.join(', ')}`
        : 'an immutable field';
    // The agent deletes and recreates the object only when the Sync sets spec.force; it fails otherwise.
    return `${subject} cannot be updated: ${what} changed; the agent recreates it only if the Sync sets spec.force (${err.message})`;
  }
  return `${subject} dry-run failed: ${messageOf(err)}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
