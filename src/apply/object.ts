/**
 * Server-side apply of one object, after fluxcd/pkg/ssa `ResourceManager.Apply`:
 *   read live -> honour the ssa annotation -> drop fields other controllers own -> dry-run apply ->
 *   unchanged if the dry-run result equals live (no write) -> apply -> created | configured.
 * An immutable-field refusal at dry-run recreates the object when the Sync sets `force`, and fails otherwise.
 *
 * Ownership: both applies use `force=true`, as Flux does. Server-side apply conflicts arise only with other
 * *appliers* and with updaters that changed a field (`kubectl edit`, `kubectl scale`, a merge patch); forcing
 * takes those fields back, which is how manual drift gets corrected. Fields owned by the `knownControllers`
 * managers (Flagger, the HPA controller, ...) are removed from the manifest before applying, so Steward never
 * sends them and forcing cannot take them over; `spec.replicas` of autoscaled workloads is handled the same
 * way even before the autoscaler first writes it (see scale-targets.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SSA_ANNOTATION } from '../core/constants.js';
import type { Change, Manifest, PlannedObject } from '../core/types.js';
import { Reasons, ReconcileError, refString } from '../core/types.js';
import type { KubeError } from '../kube/errors.js';
import { secretRedactor } from '../kube/redact.js';
import type { KubeClient, Obj } from '../kube/types.js';
import { isUnchanged } from './compare.js';
import { immutableFields, isImmutableError, objectError } from './errors.js';
import { ownedLeafPaths, stripPaths } from './fields.js';
import { SCALABLE_KINDS, withoutReplicas, workloadKey } from './scale-targets.js';

/** What applying one object needs to know about the whole apply. */
export interface ObjectApplyContext {
  client: KubeClient;
  fieldManager: string;
  /** Recreate objects whose update an immutable field refuses (Sync `spec.force`). */
  force: boolean;
  knownControllers: readonly string[];
  /** Workloads an HPA or Canary scales: `<namespace>/<Kind>/<name>`. */
  scaleTargets: ReadonlySet<string>;
  /** How long a recreation waits for the old object to go. */
  waitTimeoutMs: number;
}

/** `steward.dev/ssa` values (Flux: `kustomize.toolkit.fluxcd.io/ssa`). */
const SSA_IF_NOT_PRESENT = 'IfNotPresent';
const SSA_IGNORE = 'Ignore';

function ssaPolicy(obj: Obj | Manifest | undefined): string | undefined {
  const annotations = (obj?.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  const v = annotations?.[SSA_ANNOTATION];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The manifest Steward actually applies: without the fields `knownControllers` own on the live object, and
 * with `spec.replicas` left to the autoscaler of an autoscaled workload.
 */
export function desiredManifest(
  manifest: Manifest,
  live: Obj | undefined,
  ctx: Pick<ObjectApplyContext, 'fieldManager' | 'knownControllers' | 'scaleTargets'>,
): Manifest {
  let desired = manifest;
  if (live) {
    const managers = ctx.knownControllers.filter((m) => m !== ctx.fieldManager);
    const meta = live.metadata as { managedFields?: unknown } | undefined;
    desired = stripPaths(desired, ownedLeafPaths(meta?.managedFields, managers)).manifest;
  }
  const ns = manifest.metadata.namespace ?? '';
  if (
    SCALABLE_KINDS.has(manifest.kind) &&
    ctx.scaleTargets.has(workloadKey(ns, manifest.kind, manifest.metadata.name))
  ) {
    desired = withoutReplicas(desired, live, ctx.fieldManager);
  }
  return desired;
}

/**
 * Why the `steward.dev/ssa` annotation (Flux's kustomize.toolkit.fluxcd.io/ssa) skips an object, or undefined:
 * `Ignore` on the manifest or on the live object (so an operator can freeze one object in place), and
 * `IfNotPresent` once the object exists. Pass `live` undefined before reading the cluster.
 */
export function ssaSkipReason(manifest: Manifest, live: Obj | undefined): string | undefined {
  if (ssaPolicy(manifest) === SSA_IGNORE || ssaPolicy(live) === SSA_IGNORE)
    return `${SSA_ANNOTATION}: Ignore`;
  if (live && ssaPolicy(manifest) === SSA_IF_NOT_PRESENT)
    return `${SSA_ANNOTATION}: IfNotPresent and the object exists`;
  return undefined;
}

/** Applies one planned object; throws a ReconcileError naming it on failure. */
export async function applyObject(ctx: ObjectApplyContext, planned: PlannedObject): Promise<Change> {
  const { ref, manifest } = planned;
  const redact = secretRedactor(manifest);
  try {
    const early = ssaSkipReason(manifest, undefined);
    if (early) return { ref, action: 'skipped', reason: early };
    const live = await ctx.client.get(ref);
    const skip = ssaSkipReason(manifest, live);
    if (skip) return { ref, action: 'skipped', reason: skip };
    const desired = desiredManifest(manifest, live, ctx);
    const opts = { fieldManager: ctx.fieldManager, force: true };
    let dryRun: Obj;
    try {
      dryRun = await ctx.client.apply(desired, { ...opts, dryRun: true });
    } catch (err) {
      if (live && isImmutableError(err)) return await recreate(ctx, planned, live, err);
      throw objectError(ref, 'dry-run failed', err);
    }
    if (live && isUnchanged(live, dryRun)) return { ref, action: 'unchanged' };
    try {
      await ctx.client.apply(desired, opts);
    } catch (err) {
      throw objectError(ref, 'apply failed', err);
    }
    return { ref, action: live ? 'configured' : 'created' };
  } catch (err) {
    throw redactError(err instanceof ReconcileError ? err : objectError(ref, 'apply failed', err), redact);
  }
}

async function recreate(
  ctx: ObjectApplyContext,
  planned: PlannedObject,
  live: Obj,
  err: KubeError,
): Promise<Change> {
  const { ref, manifest } = planned;
  const subject = refString(ref);
  if (!ctx.force) {
    const fields = immutableFields(err);
    const what =
      fields.length > 0
        ? `immutable field${fields.length > 1 ? 's' : ''} ${fields.join(', ')}`
        : 'an immutable field';
    throw new ReconcileError(
      Reasons.ApplyFailed,
      'terminal',
      `${subject} cannot be updated: ${what} changed; set spec.force on the Sync to delete and recreate it (${err.message})`,
      subject,
      { cause: err },
    );
  }
  // Foreground: dependents (a Deployment's ReplicaSets) go first, so the new object never adopts old pods.
  try {
    await ctx.client.delete(ref, { propagationPolicy: 'Foreground' });
  } catch (e) {
    throw objectError(ref, 'delete for recreation failed', e);
  }
  await waitGone(ctx, planned, (live.metadata as { uid?: unknown } | undefined)?.uid);
  try {
    await ctx.client.apply(desiredManifest(manifest, undefined, ctx), {
      fieldManager: ctx.fieldManager,
      force: true,
    });
  } catch (e) {
    throw objectError(ref, 'apply after recreation failed', e);
  }
  return { ref, action: 'configured', reason: 'recreated' };
}

/** Polls until the object with `uid` is gone (finalizers and foreground deletion take a while). */
async function waitGone(ctx: ObjectApplyContext, planned: PlannedObject, uid: unknown): Promise<void> {
  const deadline = Date.now() + ctx.waitTimeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    const obj = await ctx.client.get(planned.ref);
    if (!obj || (obj.metadata as { uid?: unknown } | undefined)?.uid !== uid) return;
    if (Date.now() + delay > deadline) {
      const subject = refString(planned.ref);
      throw new ReconcileError(
        Reasons.ApplyFailed,
        'transient',
        `${subject} was deleted for recreation but is still present after ${Math.round(ctx.waitTimeoutMs / 1000)}s`,
        subject,
      );
    }
    await sleep(delay);
  }
}

function redactError(err: ReconcileError, redact: (s: string) => string): ReconcileError {
  const message = redact(err.message);
  if (message === err.message) return err;
  return new ReconcileError(err.reason, err.retry, message, err.subject);
}
