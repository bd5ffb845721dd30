/**
 * Plans a rendered chart: the hooks split from the release's objects (classifyHooks), every object planned as
 * kustomize output is (namespaces, owner labels, apply order), with what `helm install` adds: an object that
 * names no namespace lands in the release namespace. Pure; the agent and `steward build`/`diff` share it.
 */
import type { PlannedObject } from '../core/types.js';
import { refString } from '../core/types.js';
import { describeSource, validationFailed } from '../plan/errors.js';
import type { SourcedManifest } from '../plan/index.js';
import { plan } from '../plan/index.js';
import { duplicateKey } from '../plan/validate.js';
import { classifyHooks } from '../render/helm/index.js';

/** A release ready to apply: hooks by phase, in weight order, and the objects that make the inventory. */
export interface HelmPlan {
  pre: PlannedObject[][];
  main: PlannedObject[];
  post: PlannedObject[][];
  /** Hooks Steward does not run (delete, rollback and test hooks), and why. */
  skipped: { object: string; reason: string }[];
}

/** What planning a release needs. */
export interface HelmPlanOptions {
  /** The release namespace (helm template --namespace): where objects naming no namespace go. */
  namespace: string;
  /** The Sync's targetNamespace: overrides every namespaced object's namespace, as for kustomize output. */
  targetNamespace?: string;
  ownerLabels: Readonly<Record<string, string>>;
  namespacedKinds: (apiVersion: string, kind: string) => boolean | undefined;
  /** The Helm operation this apply stands for (hooks of the other one are skipped); both when left out. */
  event?: 'install' | 'upgrade';
}

/** Splits hooks from the release and plans both. Throws a terminal ValidationFailed error as `plan` does. */
export function planRelease(manifests: readonly SourcedManifest[], opts: HelmPlanOptions): HelmPlan {
  const namespaced = withChartCrds(manifests, opts.namespacedKinds);
  const withNamespace = manifests.map((m) => defaultNamespace(m, opts.namespace, namespaced));
  const classified = classifyHooks(withNamespace, opts.event ? { event: opts.event } : {});
  const planOpts = {
    ...(opts.targetNamespace ? { targetNamespace: opts.targetNamespace } : {}),
    ownerLabels: opts.ownerLabels,
    namespacedKinds: opts.namespacedKinds,
  };
  const result: HelmPlan = {
    pre: classified.pre.map((g) => plan(g, planOpts)),
    main: plan(classified.main, planOpts),
    post: classified.post.map((g) => plan(g, planOpts)),
    skipped: classified.skipped.map((s) => ({
      object: `${describeSource(s.manifest.source)}: ${refString({
        kind: s.manifest.manifest.kind,
        namespace: s.manifest.manifest.metadata.namespace ?? '',
        name: s.manifest.manifest.metadata.name,
      })}`,
      reason: s.reason,
    })),
  };
  rejectSharedNames(result);
  return result;
}

/** Every object of the plan in the order it is applied (pre hooks, the release, post hooks). */
export function allObjects(p: HelmPlan): PlannedObject[] {
  return [...p.pre.flat(), ...p.main, ...p.post.flat()];
}

/** Discovery's answer, else the scope a CustomResourceDefinition of the chart itself gives the kind. */
function withChartCrds(
  manifests: readonly SourcedManifest[],
  namespacedKinds: HelmPlanOptions['namespacedKinds'],
): HelmPlanOptions['namespacedKinds'] {
  const scopes = new Map<string, boolean>();
  for (const { manifest } of manifests) {
    if (manifest.kind !== 'CustomResourceDefinition') continue;
    const spec = manifest.spec as
      | { group?: unknown; scope?: unknown; names?: { kind?: unknown } }
      | undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string')
      scopes.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
  }
  return (apiVersion, kind) => {
    const known = namespacedKinds(apiVersion, kind);
    if (known !== undefined) return known;
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
    return scopes.get(`${group}/${kind}`);
  };
}

function defaultNamespace(
  item: SourcedManifest,
  namespace: string,
  namespaced: (apiVersion: string, kind: string) => boolean | undefined,
): SourcedManifest {
  const m = item.manifest;
  if (m.metadata.namespace || namespaced(m.apiVersion, m.kind) !== true) return item;
  return { ...item, manifest: { ...m, metadata: { ...m.metadata, namespace } } };
}

/**
 * A hook and a release object (or two hooks of different phases) of the same name would replace each other;
 * Helm refuses that at install time, Steward before applying anything.
 */
function rejectSharedNames(p: HelmPlan): void {
  const seen = new Map<string, PlannedObject>();
  for (const o of allObjects(p)) {
    const key = duplicateKey(o.ref.group, o.ref.kind, o.ref.namespace, o.ref.name);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, o);
      continue;
    }
    throw validationFailed(
      `${refString(o.ref)} is rendered more than once (a hook and another object of the same name): in ${describeSource(first.source)} and in ${describeSource(o.source)}`,
      refString(o.ref),
    );
  }
}
