/**
 * `steward diff`'s core: every planned object diffed against the cluster as the agent's apply stage would see
 * it. Where the agent applies stage by stage, this reads only, so an object whose Namespace or CRD the same
 * plan creates first is reported as created without a dry-run (the server would refuse it today).
 */
import { liveScaleTargets, SCALABLE_KINDS, scaleTargetsOf } from '../apply/scale-targets.js';
import type { PlannedObject } from '../core/types.js';
import type { KubeClient } from '../kube/types.js';
import { splitApiVersion } from '../plan/names.js';
import { diffObject, type ObjectDiff, type ObjectDiffContext } from './object.js';

/** The agent settings a diff must share with the apply stage. */
export interface DiffPlanOptions {
  /** The server-side apply field manager (FIELD_MANAGER unless the agent's config changes it). */
  fieldManager: string;
  /** Field managers whose fields Steward never applies. */
  knownControllers: readonly string[];
  /** Objects diffed at once. Default 8, as the apply stage. */
  concurrency?: number;
}

/** Diffs each planned object; the result is in plan (apply) order. Throws only if autoscalers cannot be listed. */
export async function diffPlan(
  client: KubeClient,
  planned: readonly PlannedObject[],
  opts: DiffPlanOptions,
): Promise<ObjectDiff[]> {
  const ctx: ObjectDiffContext = {
    client,
    fieldManager: opts.fieldManager,
    knownControllers: opts.knownControllers,
    scaleTargets: await resolveScaleTargets(client, planned),
    waitsOn: pendingLookup(client, planned),
  };
  return mapLimit(planned, opts.concurrency ?? 8, (p) => diffObject(ctx, p));
}

/** Autoscaled workloads, resolved as src/apply's `applyPlan` does: scalers live in the plan's namespaces and in the plan. */
async function resolveScaleTargets(
  client: KubeClient,
  planned: readonly PlannedObject[],
): Promise<Set<string>> {
  const namespaces = new Set<string>();
  for (const p of planned) if (SCALABLE_KINDS.has(p.manifest.kind)) namespaces.add(p.ref.namespace);
  if (namespaces.size === 0) return new Set();
  const targets = await liveScaleTargets(client, namespaces);
  for (const p of planned) for (const t of scaleTargetsOf([p.manifest], p.ref.namespace)) targets.add(t);
  return targets;
}

/** The `waitsOn` of {@link ObjectDiffContext}: cluster lookups made once per Namespace and per kind. */
function pendingLookup(client: KubeClient, planned: readonly PlannedObject[]): ObjectDiffContext['waitsOn'] {
  const planNamespaces = new Set(
    planned.filter((p) => p.ref.group === '' && p.ref.kind === 'Namespace').map((p) => p.ref.name),
  );
  const planKinds = new Set<string>();
  for (const p of planned) {
    if (p.ref.kind !== 'CustomResourceDefinition') continue;
    const spec = p.manifest.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') {
      planKinds.add(`${spec.group}/${spec.names.kind}`);
    }
  }
  const served = new Map<string, Promise<boolean>>();
  const namespaceLive = new Map<string, Promise<boolean>>();
  const once = (cache: Map<string, Promise<boolean>>, key: string, look: () => Promise<boolean>) => {
    let hit = cache.get(key);
    if (!hit) {
      hit = look();
      cache.set(key, hit);
    }
    return hit;
  };
  return async ({ manifest, ref }) => {
    const { group } = splitApiVersion(manifest.apiVersion);
    if (planKinds.has(`${group}/${manifest.kind}`)) {
      const key = `${manifest.apiVersion}|${manifest.kind}`;
      const known = await once(
        served,
        key,
        async () => (await client.discover(manifest.apiVersion, manifest.kind)) !== undefined,
      );
      if (!known) return 'its CustomResourceDefinition is created first';
    }
    if (ref.namespace !== '' && planNamespaces.has(ref.namespace)) {
      const exists = await once(namespaceLive, ref.namespace, async () => {
        const ns = { group: '', version: 'v1', kind: 'Namespace', namespace: '', name: ref.namespace };
        return (await client.get(ns)) !== undefined;
      });
      if (!exists) return 'its Namespace is created first';
    }
    return undefined;
  };
}

/** `fn` over `items`, at most `limit` at once; results in input order. `fn` must not throw. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
