/**
 * Workloads whose replica count belongs to an autoscaler: a HorizontalPodAutoscaler (`spec.scaleTargetRef`)
 * or a Flagger Canary (`spec.targetRef`). Steward must not apply `spec.replicas` to them, or every reconcile
 * would scale the workload back to the number in Git (the classic GitOps-vs-HPA fight).
 */
import type { Manifest } from '../core/types.js';
import { KubeError } from '../kube/errors.js';
import type { KubeClient, Obj } from '../kube/types.js';
import { appliesPath } from './fields.js';

/** Kinds whose `spec.replicas` an autoscaler drives. */
export const SCALABLE_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet']);

/** The autoscaler kinds looked up, newest version first, and where each names its target. */
const SCALERS = [
  {
    apiVersions: ['autoscaling/v2', 'autoscaling/v1'],
    kind: 'HorizontalPodAutoscaler',
    ref: 'scaleTargetRef',
  },
  { apiVersions: ['flagger.app/v1beta1'], kind: 'Canary', ref: 'targetRef' },
] as const;

/** The key of one workload: `<namespace>/<Kind>/<name>`. */
export function workloadKey(namespace: string, kind: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

/** The workloads the given HPAs and Canaries target (pure; objects without a namespace use `defaultNamespace`). */
export function scaleTargetsOf(objects: readonly Obj[], defaultNamespace = ''): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    const scaler = SCALERS.find((s) => s.kind === o.kind);
    if (!scaler) continue;
    const spec = o.spec as Record<string, unknown> | undefined;
    const ref = spec?.[scaler.ref] as { kind?: unknown; name?: unknown } | undefined;
    if (typeof ref?.kind !== 'string' || typeof ref.name !== 'string') continue;
    const meta = o.metadata as { namespace?: unknown } | undefined;
    const ns =
      typeof meta?.namespace === 'string' && meta.namespace !== '' ? meta.namespace : defaultNamespace;
    out.add(workloadKey(ns, ref.kind, ref.name));
  }
  return out;
}

/**
 * The workloads targeted by HPAs and Canaries that live in `namespaces`. Kinds the cluster does not serve
 * (no Flagger installed) are skipped, and so are kinds the (impersonated) tenant may not list: the built-in
 * `admin` role does not cover Canaries, and failing every Deployment over it would be worse than relying on
 * `knownControllers` and on scalers in the plan for those.
 */
export async function liveScaleTargets(
  client: KubeClient,
  namespaces: Iterable<string>,
): Promise<Set<string>> {
  const found: Obj[] = [];
  for (const scaler of SCALERS) {
    let apiVersion: string | undefined;
    for (const v of scaler.apiVersions) {
      if (await client.discover(v, scaler.kind)) {
        apiVersion = v;
        break;
      }
    }
    if (!apiVersion) continue;
    for (const ns of namespaces) {
      try {
        found.push(...(await client.list(apiVersion, scaler.kind, { namespace: ns })));
      } catch (err) {
        if (!(err instanceof KubeError && err.code === 403)) throw err;
      }
    }
  }
  return scaleTargetsOf(found);
}

const REPLICAS = [{ field: 'spec' }, { field: 'replicas' }] as const;

/**
 * `desired` as Steward should apply it to an autoscaled workload:
 * - not yet created: as rendered, so the workload starts with the replicas in Git;
 * - live, and Steward still applies `spec.replicas` (the autoscaler has not changed it yet): pinned to the
 *   live value. Dropping the field instead would make server-side apply delete it, since Steward is its only
 *   applier, and the API server would default it to 1: a scale-down the autoscaler then has to undo.
 * - live, and the field is someone else's: left out, so the autoscaler keeps it.
 */
export function withoutReplicas(desired: Manifest, live: Obj | undefined, fieldManager: string): Manifest {
  if (!live) return desired;
  const spec = desired.spec;
  if (typeof spec !== 'object' || spec === null || !('replicas' in spec)) return desired;
  const liveSpec = live.spec as { replicas?: unknown } | undefined;
  const meta = live.metadata as { managedFields?: unknown } | undefined;
  const copy = structuredClone(desired);
  const copySpec = copy.spec as Record<string, unknown>;
  if (appliesPath(meta?.managedFields, fieldManager, REPLICAS) && liveSpec?.replicas !== undefined) {
    copySpec.replicas = liveSpec.replicas;
  } else {
    delete copySpec.replicas;
  }
  return copy;
}
