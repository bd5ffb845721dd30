/**
 * Turns validated manifests into the objects to apply: namespaces set or cleared by scope, owner labels
 * added, a stage and a stable order assigned. Pure: scope questions go to the `namespacedKinds` function the
 * caller passes (discovery in the agent, the built-in table in `steward build`).
 */
import type { Manifest, ObjectRef, PlannedObject } from '../core/types.js';
import { refString } from '../core/types.js';
import { describeSource, validationFailed } from './errors.js';
import { splitApiVersion } from './names.js';
import { sortForApply, stageOf } from './order.js';
import type { SourcedManifest } from './parse.js';
import { duplicateKey } from './validate.js';

/** What planning needs from the Sync and the cluster. */
export interface PlanOptions {
  /** Like kustomize's `namespace:`: overrides the namespace of every namespaced object. */
  targetNamespace?: string;
  /** Added to every object, overriding labels of the same key (they tell which Sync owns the object). */
  ownerLabels: Readonly<Record<string, string>>;
  /** Discovery's answer for a kind; undefined when the cluster does not know it (yet). */
  namespacedKinds: (apiVersion: string, kind: string) => boolean | undefined;
}

/** Plans manifests for apply. Throws a terminal ValidationFailed error for unknown kinds and collisions. */
export function plan(manifests: readonly SourcedManifest[], opts: PlanOptions): PlannedObject[] {
  const crdScopes = crdScopesOf(manifests);
  const planned = manifests.map((item) => planOne(item, opts, crdScopes));
  rejectCollisions(planned);
  return sortForApply(planned);
}

/** Scope of the kinds the plan's own CRDs define, keyed `group/Kind`, for kinds the cluster does not know yet. */
function crdScopesOf(manifests: readonly SourcedManifest[]): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const { manifest } of manifests) {
    if (manifest.kind !== 'CustomResourceDefinition') continue;
    if (splitApiVersion(manifest.apiVersion).group !== 'apiextensions.k8s.io') continue;
    const spec = manifest.spec as
      | { group?: unknown; scope?: unknown; names?: { kind?: unknown } }
      | undefined;
    const kind = spec?.names?.kind;
    if (typeof spec?.group !== 'string' || typeof kind !== 'string') continue;
    scopes.set(`${spec.group}/${kind}`, spec.scope !== 'Cluster');
  }
  return scopes;
}

function planOne(item: SourcedManifest, opts: PlanOptions, crdScopes: Map<string, boolean>): PlannedObject {
  const src = item.manifest;
  const { group, version } = splitApiVersion(src.apiVersion);
  const namespaced = opts.namespacedKinds(src.apiVersion, src.kind) ?? crdScopes.get(`${group}/${src.kind}`);
  const where = `${describeSource(item.source)}: ${refString({ kind: src.kind, namespace: src.metadata.namespace ?? '', name: src.metadata.name })}`;
  if (namespaced === undefined) {
    throw validationFailed(
      `${where}: no kind "${src.kind}" is registered for version "${src.apiVersion}" in the cluster, and no CustomResourceDefinition in this revision defines it`,
      item.source.file,
    );
  }
  const manifest = structuredClone(src) as Manifest;
  const metadata = manifest.metadata;
  if (namespaced) {
    if (opts.targetNamespace) metadata.namespace = opts.targetNamespace;
    if (!metadata.namespace) {
      throw validationFailed(
        `${where}: namespaced object has no metadata.namespace and the Sync sets no targetNamespace`,
        item.source.file,
      );
    }
  } else {
    delete metadata.namespace;
  }
  if (opts.targetNamespace) setDefaultSubjectsNamespace(manifest, opts.targetNamespace);
  metadata.labels = { ...metadata.labels, ...opts.ownerLabels };
  const ref: ObjectRef = {
    group,
    version,
    kind: src.kind,
    namespace: metadata.namespace ?? '',
    name: metadata.name,
  };
  return { ref, manifest, source: item.source, stage: stageOf(group, src.kind, namespaced) };
}

/**
 * kustomize's namespace transformer also moves the `default` ServiceAccount subjects of (Cluster)RoleBindings
 * (`setRoleBindingSubjects: defaultOnly`), so a binding rendered for `default` follows the object it grants.
 */
function setDefaultSubjectsNamespace(manifest: Manifest, namespace: string): void {
  if (splitApiVersion(manifest.apiVersion).group !== 'rbac.authorization.k8s.io') return;
  if (manifest.kind !== 'RoleBinding' && manifest.kind !== 'ClusterRoleBinding') return;
  const subjects = manifest.subjects;
  if (!Array.isArray(subjects)) return;
  for (const s of subjects) {
    if (typeof s === 'object' && s !== null && s.kind === 'ServiceAccount' && s.name === 'default') {
      s.namespace = namespace;
    }
  }
}

/** targetNamespace can make objects from different namespaces collide; the later one would silently win. */
function rejectCollisions(planned: readonly PlannedObject[]): void {
  const seen = new Map<string, PlannedObject>();
  for (const p of planned) {
    const key = duplicateKey(p.ref.group, p.ref.kind, p.ref.namespace, p.ref.name);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, p);
      continue;
    }
    throw validationFailed(
      `${refString(p.ref)} is defined more than once after setting namespaces: in ${describeSource(first.source)} and in ${describeSource(p.source)}`,
      refString(p.ref),
    );
  }
}
