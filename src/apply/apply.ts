/**
 * The apply stage of a reconcile: staged server-side apply after fluxcd/pkg/ssa `ApplyAllStaged`.
 *   stage 0  CRDs        -> wait until each is NamesAccepted and Established
 *   stage 1  Namespaces and cluster-wide RBAC
 *   stage 2  everything else
 * Objects within a stage are applied concurrently (dry-run first, see object.ts). A stage with failures still
 * applies its other objects, then stops the plan: later stages may depend on the failed ones.
 */
import type { Change, ChangeSet, PlannedObject } from '../core/types.js';
import { ReconcileError } from '../core/types.js';
import type { KubeClient } from '../kube/types.js';
import { waitForCrds } from './crd-wait.js';
import { ApplyError, objectError } from './errors.js';
import { applyObject, type ObjectApplyContext } from './object.js';
import { liveScaleTargets, SCALABLE_KINDS, scaleTargetsOf } from './scale-targets.js';

export interface ApplyPlanOptions {
  /** The server-side apply field manager (FIELD_MANAGER). */
  fieldManager: string;
  /** Sync `spec.force`: recreate objects whose update an immutable field refuses. */
  force: boolean;
  /** Field managers whose fields Steward never applies (`flagger`, `horizontal-pod-autoscaler`, ...). */
  knownControllers: readonly string[];
  /** Bound on waiting for CRDs to be established and for recreated objects to be deleted. */
  waitTimeoutMs: number;
  /** Objects applied at once within a stage. Default 8. */
  concurrency?: number;
}

const STAGES = [0, 1, 2] as const;
const CRD_KIND = 'CustomResourceDefinition';

/**
 * Applies the plan stage by stage and returns what happened to each object, in plan order. Throws
 * {@link ApplyError} (a ReconcileError carrying the partial ChangeSet) when any object fails.
 */
export async function applyPlan(
  client: KubeClient,
  planned: readonly PlannedObject[],
  opts: ApplyPlanOptions,
): Promise<ChangeSet> {
  const changes: Change[] = [];
  let scaleTargets: ReadonlySet<string> | undefined;
  for (const stage of STAGES) {
    const objects = planned.filter((p) => p.stage === stage);
    if (objects.length === 0) continue;
    if (!scaleTargets && objects.some((p) => SCALABLE_KINDS.has(p.manifest.kind))) {
      // Looked up only now: a Canary CRD applied in stage 0 must be served before Canaries can be listed.
      try {
        scaleTargets = await resolveScaleTargets(client, planned);
      } catch (err) {
        const first = objects.find((p) => SCALABLE_KINDS.has(p.manifest.kind)) as PlannedObject;
        throw new ApplyError([objectError(first.ref, 'autoscaler lookup failed', err)], { changes });
      }
    }
    const ctx: ObjectApplyContext = {
      client,
      fieldManager: opts.fieldManager,
      force: opts.force,
      knownControllers: opts.knownControllers,
      scaleTargets: scaleTargets ?? new Set(),
      waitTimeoutMs: opts.waitTimeoutMs,
    };
    const results = await settleAll(objects, opts.concurrency ?? 8, (p) => applyObject(ctx, p));
    const failures: ReconcileError[] = [];
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') changes.push(r.value);
      else failures.push(asReconcileError(r.reason, objects[i] as PlannedObject));
    }
    if (failures.length > 0) throw new ApplyError(failures, { changes });
    if (stage === 0) {
      const crds = objects.filter((p, i) => p.manifest.kind === CRD_KIND && !isSkip(results[i]));
      try {
        await waitForCrds(
          client,
          crds.map((p) => p.ref),
          opts.waitTimeoutMs,
        );
      } catch (err) {
        throw new ApplyError([asReconcileError(err, crds[0] as PlannedObject)], { changes });
      }
    }
  }
  return { changes };
}

/** Autoscaled workloads: targets of HPAs and Canaries in the plan and live in the plan's namespaces. */
async function resolveScaleTargets(
  client: KubeClient,
  planned: readonly PlannedObject[],
): Promise<Set<string>> {
  const namespaces = new Set<string>();
  for (const p of planned) if (SCALABLE_KINDS.has(p.manifest.kind)) namespaces.add(p.ref.namespace);
  const targets = await liveScaleTargets(client, namespaces);
  for (const p of planned) {
    for (const t of scaleTargetsOf([p.manifest], p.ref.namespace)) targets.add(t);
  }
  return targets;
}

function isSkip(r: PromiseSettledResult<Change> | undefined): boolean {
  return r?.status === 'fulfilled' && r.value.action === 'skipped';
}

function asReconcileError(err: unknown, p: PlannedObject): ReconcileError {
  return err instanceof ReconcileError ? err : objectError(p.ref, 'apply failed', err);
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order, failures included. */
async function settleAll<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i] as T) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
