/**
 * The built-in resource catalogue, as a Kubernetes 1.36 kube-apiserver lists it in discovery, and the
 * conversion of an established CustomResourceDefinition into the kinds it serves.
 *
 * Names, verbs, short names, categories and subresources follow the generated discovery documents checked
 * into kubernetes/kubernetes (`api/discovery/api__v1.json`, `apis__apps__v1.json`, `aggregated_v2.json`, …).
 *
 * Only what the sandbox implements is advertised. A real server also lists `pods/exec`, `pods/log`,
 * `pods/eviction`, `services/proxy`, `serviceaccounts/token` and friends; clients that find them in
 * discovery would call them and get a 404, which is worse than kubectl's clear "the server doesn't have a
 * resource type" message. `namespaces/finalize` is implemented (the namespace controller uses it), but
 * ResourceDef has no field for it, so discovery.ts adds it.
 */
import { builtinShape, crdShape } from './shapes.js';
import type { Obj, ResourceDef } from './types.js';
import { isObj } from './types.js';

/** Every verb of a normal stored resource, sorted as the API server's installer sorts them. */
const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
] as const;
/** Namespaces cannot be deleted as a collection (kubernetes pkg/registry/core/namespace/storage). */
const NAMESPACE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] as const;
/** Review resources are virtual: POST only. */
const CREATE_ONLY = ['create'] as const;

/**
 * The scale subresource of apps/v1 workloads reads and writes `.spec.replicas`; its status.selector is the
 * workload's spec.selector in string form (kubernetes pkg/registry/apps/deployment/storage scaleFromDeployment).
 */
const APPS_SCALE = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.spec.selector',
} as const;

interface Opts {
  /** Defaults to the lowercased kind. */
  singular?: string;
  cluster?: boolean;
  verbs?: readonly string[];
  shortNames?: readonly string[];
  categories?: readonly string[];
  status?: boolean;
  scale?: boolean;
  generation?: ResourceDef['generation'];
}

type Entry = readonly [kind: string, plural: string, opts: Opts];

function groupVersion(group: string, version: string, entries: readonly Entry[]): ResourceDef[] {
  return entries.map(([kind, plural, o]) => {
    const d: ResourceDef = {
      group,
      version,
      kind,
      listKind: `${kind}List`,
      plural,
      singular: o.singular ?? kind.toLowerCase(),
      namespaced: o.cluster !== true,
      verbs: o.verbs ?? ALL_VERBS,
      subresources: {},
      shape: builtinShape(group, kind),
      generation: o.generation ?? 'spec',
    };
    if (o.shortNames) d.shortNames = o.shortNames;
    if (o.categories) d.categories = o.categories;
    if (o.status) d.subresources.status = true;
    if (o.scale) d.subresources.scale = APPS_SCALE;
    return d;
  });
}

const ALL = ['all'] as const;
const NONE = 'none' as const;

/**
 * The built-in kinds the sandbox serves. Per-kind notes:
 * - Endpoints' singular is `endpoints`, not `endpoint` (api__v1.json).
 * - NetworkPolicy has no status subresource (apis__networking.k8s.io__v1.json lists none).
 * - HorizontalPodAutoscaler gains the `podautoscalers` category only after 1.36 (kubernetes#140781).
 * - CustomResourceDefinition is in the `api-extensions` category, not `all`.
 * - generation: ConfigMap, Secret, Namespace, ServiceAccount, Event, Lease, Endpoints and the RBAC kinds
 *   never set it; Deployment also bumps it on annotation changes (kube-api-facts §5).
 */
export const BUILTIN_RESOURCES: readonly ResourceDef[] = [
  // api/discovery/api__v1.json
  ...groupVersion('', 'v1', [
    ['ConfigMap', 'configmaps', { shortNames: ['cm'], generation: NONE }],
    ['Endpoints', 'endpoints', { singular: 'endpoints', shortNames: ['ep'], generation: NONE }],
    ['Event', 'events', { shortNames: ['ev'], generation: NONE }],
    [
      'Namespace',
      'namespaces',
      { cluster: true, verbs: NAMESPACE_VERBS, shortNames: ['ns'], status: true, generation: NONE },
    ],
    ['Pod', 'pods', { shortNames: ['po'], categories: ALL, status: true }],
    ['Secret', 'secrets', { generation: NONE }],
    ['ServiceAccount', 'serviceaccounts', { shortNames: ['sa'], generation: NONE }],
    ['Service', 'services', { shortNames: ['svc'], categories: ALL, status: true }],
  ]),
  // apis__apps__v1.json
  ...groupVersion('apps', 'v1', [
    ['DaemonSet', 'daemonsets', { shortNames: ['ds'], categories: ALL, status: true }],
    [
      'Deployment',
      'deployments',
      { shortNames: ['deploy'], categories: ALL, status: true, scale: true, generation: 'spec+annotations' },
    ],
    ['ReplicaSet', 'replicasets', { shortNames: ['rs'], categories: ALL, status: true, scale: true }],
    ['StatefulSet', 'statefulsets', { shortNames: ['sts'], categories: ALL, status: true, scale: true }],
  ]),
  ...groupVersion('batch', 'v1', [
    ['CronJob', 'cronjobs', { shortNames: ['cj'], categories: ALL, status: true }],
    ['Job', 'jobs', { categories: ALL, status: true }],
  ]),
  ...groupVersion('networking.k8s.io', 'v1', [
    ['Ingress', 'ingresses', { shortNames: ['ing'], status: true }],
    ['NetworkPolicy', 'networkpolicies', { shortNames: ['netpol'] }],
  ]),
  ...groupVersion('rbac.authorization.k8s.io', 'v1', [
    ['ClusterRoleBinding', 'clusterrolebindings', { cluster: true, generation: NONE }],
    ['ClusterRole', 'clusterroles', { cluster: true, generation: NONE }],
    ['RoleBinding', 'rolebindings', { generation: NONE }],
    ['Role', 'roles', { generation: NONE }],
  ]),
  ...groupVersion('apiextensions.k8s.io', 'v1', [
    [
      'CustomResourceDefinition',
      'customresourcedefinitions',
      { cluster: true, shortNames: ['crd', 'crds'], categories: ['api-extensions'], status: true },
    ],
  ]),
  ...groupVersion('autoscaling', 'v2', [
    [
      'HorizontalPodAutoscaler',
      'horizontalpodautoscalers',
      { shortNames: ['hpa'], categories: ALL, status: true },
    ],
  ]),
  ...groupVersion('policy', 'v1', [
    ['PodDisruptionBudget', 'poddisruptionbudgets', { shortNames: ['pdb'], status: true }],
  ]),
  ...groupVersion('coordination.k8s.io', 'v1', [['Lease', 'leases', { generation: NONE }]]),
  // The same storage as core Events, a different shape on the wire.
  ...groupVersion('events.k8s.io', 'v1', [['Event', 'events', { shortNames: ['ev'], generation: NONE }]]),
  // Virtual: create-only, never stored.
  ...groupVersion('authorization.k8s.io', 'v1', [
    [
      'SelfSubjectAccessReview',
      'selfsubjectaccessreviews',
      { cluster: true, verbs: CREATE_ONLY, generation: NONE },
    ],
    [
      'SelfSubjectRulesReview',
      'selfsubjectrulesreviews',
      { cluster: true, verbs: CREATE_ONLY, generation: NONE },
    ],
  ]),
];

/**
 * Verbs of a custom resource, in the order apiextensions-apiserver lists them (unsorted, unlike built-ins:
 * apiextensions-apiserver pkg/apiserver/customresource_discovery_controller.go).
 */
const CRD_VERBS = [
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'create',
  'update',
  'watch',
] as const;
/** A CRD with condition Terminating=True stops accepting writes (same file). */
const CRD_TERMINATING_VERBS = ['delete', 'deletecollection', 'get', 'list', 'watch'] as const;

function conditionTrue(crd: Obj, type: string): boolean {
  const status = crd.status;
  if (!isObj(status) || !Array.isArray(status.conditions)) return false;
  return status.conditions.some((c) => isObj(c) && c.type === type && c.status === 'True');
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The kinds an established CustomResourceDefinition (apiextensions.k8s.io/v1) serves: one ResourceDef per
 * served version, or none until the CRD has condition Established=True.
 *
 * Names come from `status.acceptedNames` like the real discovery controller, falling back to `spec.names`
 * for a CRD whose status has not been written yet.
 */
export function crdResourceDefs(crd: Obj): ResourceDef[] {
  if (!conditionTrue(crd, 'Established')) return [];
  const spec = isObj(crd.spec) ? crd.spec : {};
  const specNames = isObj(spec.names) ? spec.names : {};
  const accepted = isObj(crd.status) && isObj(crd.status.acceptedNames) ? crd.status.acceptedNames : {};
  const name = (k: string): unknown => accepted[k] ?? specNames[k];
  const kind = str(name('kind'));
  const plural = str(name('plural'));
  const group = str(spec.group);
  const crdName = isObj(crd.metadata) ? str(crd.metadata.name) : undefined;
  if (!kind || !plural || !group || !crdName) return [];
  const verbs = conditionTrue(crd, 'Terminating') ? CRD_TERMINATING_VERBS : CRD_VERBS;
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObj) : [];
  const out: ResourceDef[] = [];
  for (const v of versions) {
    const version = str(v.name);
    if (!version || v.served !== true) continue;
    const schema = isObj(v.schema) && isObj(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
    const crdInfo: NonNullable<ResourceDef['crd']> = { name: crdName };
    if (schema) crdInfo.schema = schema;
    if (Array.isArray(v.additionalPrinterColumns))
      crdInfo.printerColumns = v.additionalPrinterColumns.filter(isObj);
    if (spec.preserveUnknownFields === true) crdInfo.preserveUnknownFields = true;
    const d: ResourceDef = {
      group,
      version,
      kind,
      listKind: str(name('listKind')) ?? `${kind}List`,
      plural,
      singular: str(name('singular')) ?? kind.toLowerCase(),
      namespaced: spec.scope === 'Namespaced',
      verbs,
      subresources: {},
      shape: crdShape(schema),
      generation: 'spec',
      crd: crdInfo,
    };
    const shortNames = strings(name('shortNames'));
    const categories = strings(name('categories'));
    if (shortNames) d.shortNames = shortNames;
    if (categories) d.categories = categories;
    const sub = isObj(v.subresources) ? v.subresources : {};
    if (isObj(sub.status)) d.subresources.status = true;
    if (isObj(sub.scale)) {
      const s = sub.scale;
      const scale: NonNullable<ResourceDef['subresources']['scale']> = {
        specReplicasPath: str(s.specReplicasPath) ?? '.spec.replicas',
        statusReplicasPath: str(s.statusReplicasPath) ?? '.status.replicas',
      };
      const selector = str(s.labelSelectorPath);
      if (selector) scale.labelSelectorPath = selector;
      d.subresources.scale = scale;
    }
    out.push(d);
  }
  return out;
}
