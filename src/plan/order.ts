/**
 * Apply order. Objects are applied in stages (CRDs, then cluster-scoped objects such as Namespaces, then the
 * rest) so that each stage can wait for the previous one to be established; within a stage they follow
 * Helm's install order, which puts what others depend on (namespaces, accounts, config) before the workloads
 * that use it.
 */
import type { ObjectRef, PlannedObject } from '../core/types.js';
import { builtinGroupKindNamespaced } from './builtin-scope.js';

/** Helm's InstallOrder (helm.sh/helm/v3/pkg/releaseutil/kind_sorter.go); kinds not listed come after, by name. */
const KIND_ORDER: readonly string[] = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

const KIND_RANK: ReadonlyMap<string, number> = new Map(KIND_ORDER.map((kind, i) => [kind, i]));

/**
 * Cluster-scoped kinds that must still wait for the namespaced stage: a webhook or an aggregated API whose
 * Service is in the same plan would reject or fail every later request if registered before its backend.
 */
const LATE_CLUSTER_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]);

/** The apply stage of an object of this kind and scope. */
export function stageOf(group: string, kind: string, namespaced: boolean): 0 | 1 | 2 {
  if (group === 'apiextensions.k8s.io' && kind === 'CustomResourceDefinition') return 0;
  if (namespaced || LATE_CLUSTER_KINDS.has(kind)) return 2;
  return 1;
}

function kindRank(kind: string): number {
  return KIND_RANK.get(kind) ?? KIND_ORDER.length;
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Orders two refs by kind (Helm order, then unknown kinds by name), group, namespace and name. */
export function compareRefs(a: ObjectRef, b: ObjectRef): number {
  return (
    kindRank(a.kind) - kindRank(b.kind) ||
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.group, b.group) ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.name, b.name)
  );
}

/** Apply order: stage first, then `compareRefs`. The sort is stable, so ties keep their rendered order. */
export function sortForApply(objects: readonly PlannedObject[]): PlannedObject[] {
  return [...objects].sort((a, b) => a.stage - b.stage || compareRefs(a.ref, b.ref));
}

/**
 * Delete order, the reverse of apply order: workloads before the namespaces and CRDs they live in. Refs carry
 * no scope, so it comes from the built-in table, or for custom kinds from whether the ref has a namespace.
 */
export function sortForDelete(refs: readonly ObjectRef[]): ObjectRef[] {
  const stage = (r: ObjectRef) =>
    stageOf(r.group, r.kind, builtinGroupKindNamespaced(r.group, r.kind) ?? r.namespace !== '');
  return [...refs].sort((a, b) => stage(b) - stage(a) || compareRefs(b, a));
}
