/**
 * The built-in RBAC objects of a fresh cluster that matter to the sandbox, after
 * kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go and controller_policy.go.
 *
 * `cluster-admin`, `system:discovery`, `system:basic-user` and `system:public-info-viewer` and their
 * bindings match the real objects. `admin`, `edit` and `view` are approximations: the real ones are
 * aggregated from `system:aggregate-to-*` roles by the clusterrole-aggregation controller; here their
 * rules are flattened (view ⊂ edit ⊂ admin) and limited to the core, apps, batch, autoscaling, policy,
 * networking, discovery and coordination groups, without the legacy `extensions` group.
 */
import type { Obj } from '../types.js';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = [...READ, ...WRITE];

// Lists are sorted, as bootstrappolicy's PolicyRuleBuilder stores them.
function rule(verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[]): Obj {
  return { apiGroups: [...apiGroups].sort(), resources: [...resources].sort(), verbs: [...verbs].sort() };
}

function urls(verbs: readonly string[], nonResourceURLs: readonly string[]): Obj {
  return { nonResourceURLs: [...nonResourceURLs].sort(), verbs: [...verbs].sort() };
}

const BOOTSTRAP_META = {
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
};

function clusterRole(name: string, rules: Obj[], extraLabels: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: { ...BOOTSTRAP_META.labels, ...extraLabels },
      annotations: { ...BOOTSTRAP_META.annotations },
    },
    rules,
  };
}

function groupBinding(name: string, role: string, groups: readonly string[]): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAP_META.labels }, annotations: { ...BOOTSTRAP_META.annotations } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
  };
}

// system:aggregate-to-view
const VIEW_RULES: readonly Obj[] = [
  rule(
    READ,
    [''],
    [
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'configmaps',
    ],
  ),
  rule(
    READ,
    [''],
    [
      'limitranges',
      'resourcequotas',
      'bindings',
      'events',
      'pods/status',
      'resourcequotas/status',
      'namespaces/status',
      'replicationcontrollers/status',
      'pods/log',
    ],
  ),
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(
    READ,
    ['apps'],
    [
      'controllerrevisions',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
    ],
  ),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
];

// system:aggregate-to-edit
const EDIT_RULES: readonly Obj[] = [
  rule(
    READ,
    [''],
    ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy'],
  ),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
  rule(['create'], [''], ['pods/eviction']),
  rule(
    WRITE,
    [''],
    [
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/proxy',
      'persistentvolumeclaims',
      'configmaps',
      'secrets',
      'events',
    ],
  ),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(
    WRITE,
    ['apps'],
    [
      'statefulsets',
      'statefulsets/scale',
      'daemonsets',
      'deployments',
      'deployments/scale',
      'deployments/rollback',
      'replicasets',
      'replicasets/scale',
    ],
  ),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
  rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
];

// system:aggregate-to-admin
const ADMIN_RULES: readonly Obj[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(READ_WRITE, ['rbac.authorization.k8s.io'], ['roles', 'rolebindings']),
];

/**
 * Fresh copies of the built-in ClusterRoles and ClusterRoleBindings, to seed the store at start-up.
 * Every authenticated user may discover the API, read health and version endpoints and review its own
 * access; `system:masters` is bound to `cluster-admin`.
 */
export function bootstrapPolicy(): Obj[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole(
      'admin',
      [...VIEW_RULES, ...EDIT_RULES, ...ADMIN_RULES].map((r) => structuredClone(r)),
    ),
    clusterRole(
      'edit',
      [...VIEW_RULES, ...EDIT_RULES].map((r) => structuredClone(r)),
      {
        'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
      },
    ),
    clusterRole(
      'view',
      VIEW_RULES.map((r) => structuredClone(r)),
      {
        'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
      },
    ),
    clusterRole('system:discovery', [
      urls(
        ['get'],
        [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      ),
    ]),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:public-info-viewer', [
      urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/']),
    ]),
    groupBinding('cluster-admin', 'cluster-admin', ['system:masters']),
    groupBinding('system:discovery', 'system:discovery', ['system:authenticated']),
    groupBinding('system:basic-user', 'system:basic-user', ['system:authenticated']),
    groupBinding('system:public-info-viewer', 'system:public-info-viewer', [
      'system:authenticated',
      'system:unauthenticated',
    ]),
  ];
}
