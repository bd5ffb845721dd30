// The catalogue against kubernetes api/discovery/*.json (names, verbs, short names, categories,
// subresources) and kube-api-facts §5 (generation); CRD conversion against apiextensions-apiserver
// pkg/apiserver/customresource_discovery_controller.go.
import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES, crdResourceDefs } from '../../../src/sandbox/builtins.js';
import type { Obj } from '../../../src/sandbox/types.js';

function widgetCrd(overrides: Obj = {}): Obj {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: {
        plural: 'widgets',
        singular: 'widget',
        kind: 'Widget',
        listKind: 'WidgetList',
        shortNames: ['wd'],
        categories: ['all'],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
            },
          },
          subresources: {
            status: {},
            scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' },
          },
          additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
        },
        { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
        { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
    },
    status: {
      conditions: [{ type: 'Established', status: 'True' }],
      acceptedNames: {
        plural: 'widgets',
        singular: 'widget',
        kind: 'Widget',
        listKind: 'WidgetList',
        shortNames: ['wd'],
        categories: ['all'],
      },
    },
    ...overrides,
  };
}

describe('catalogue', () => {
  const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  it.each([
    // [group, plural, kind, namespaced, shortNames, categories, subresources]
    ['', 'configmaps', 'ConfigMap', true, ['cm'], undefined, []],
    ['', 'secrets', 'Secret', true, undefined, undefined, []],
    ['', 'services', 'Service', true, ['svc'], ['all'], ['status']],
    ['', 'serviceaccounts', 'ServiceAccount', true, ['sa'], undefined, []],
    ['', 'pods', 'Pod', true, ['po'], ['all'], ['status']],
    ['', 'events', 'Event', true, ['ev'], undefined, []],
    ['', 'endpoints', 'Endpoints', true, ['ep'], undefined, []],
    ['apps', 'statefulsets', 'StatefulSet', true, ['sts'], ['all'], ['scale', 'status']],
    ['apps', 'daemonsets', 'DaemonSet', true, ['ds'], ['all'], ['status']],
    ['batch', 'jobs', 'Job', true, undefined, ['all'], ['status']],
    ['batch', 'cronjobs', 'CronJob', true, ['cj'], ['all'], ['status']],
    ['networking.k8s.io', 'ingresses', 'Ingress', true, ['ing'], undefined, ['status']],
    ['networking.k8s.io', 'networkpolicies', 'NetworkPolicy', true, ['netpol'], undefined, []],
    ['rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', false, undefined, undefined, []],
    [
      'apiextensions.k8s.io',
      'customresourcedefinitions',
      'CustomResourceDefinition',
      false,
      ['crd', 'crds'],
      ['api-extensions'],
      ['status'],
    ],
    [
      'autoscaling',
      'horizontalpodautoscalers',
      'HorizontalPodAutoscaler',
      true,
      ['hpa'],
      ['all'],
      ['status'],
    ],
    ['policy', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb'], undefined, ['status']],
    ['coordination.k8s.io', 'leases', 'Lease', true, undefined, undefined, []],
    ['events.k8s.io', 'events', 'Event', true, ['ev'], undefined, []],
  ] as const)('%s %s', (group, plural, kind, namespaced, shortNames, categories, subs) => {
    const def = BUILTIN_RESOURCES.find((d) => d.group === group && d.plural === plural);
    expect(def).toMatchObject({ kind, listKind: `${kind}List`, namespaced, verbs: all });
    expect(def?.shortNames).toEqual(shortNames);
    expect(def?.categories).toEqual(categories);
    expect(Object.keys(def?.subresources ?? {}).sort()).toEqual(subs);
  });

  it('makes the authorization reviews create-only and cluster-scoped', () => {
    const reviews = BUILTIN_RESOURCES.filter((d) => d.group === 'authorization.k8s.io');
    expect(reviews.map((d) => [d.plural, d.namespaced, d.verbs])).toEqual([
      ['selfsubjectaccessreviews', false, ['create']],
      ['selfsubjectrulesreviews', false, ['create']],
    ]);
  });

  it.each([
    ['Deployment', 'spec+annotations'],
    ['ConfigMap', 'none'],
    ['Secret', 'none'],
    ['Namespace', 'none'],
    ['ClusterRoleBinding', 'none'],
    ['Lease', 'none'],
    ['StatefulSet', 'spec'],
    ['CustomResourceDefinition', 'spec'],
  ])('generation of %s is %s', (kind, generation) => {
    expect(BUILTIN_RESOURCES.find((d) => d.kind === kind)?.generation).toBe(generation);
  });
});

describe('crdResourceDefs', () => {
  it('serves each served version of an established CRD', () => {
    const out = crdResourceDefs(widgetCrd());
    expect(out.map((d) => d.version)).toEqual(['v1', 'v1beta1']);
    expect(out[0]).toMatchObject({
      group: 'example.com',
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      singular: 'widget',
      namespaced: true,
      shortNames: ['wd'],
      categories: ['all'],
      generation: 'spec',
      subresources: {
        status: true,
        scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' },
      },
      crd: {
        name: 'widgets.example.com',
        printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
      },
    });
    expect(out[0]?.crd?.schema).toMatchObject({ type: 'object' });
    expect(out[1]?.subresources).toEqual({});
  });

  it('serves nothing before Established and only read/delete verbs while Terminating', () => {
    expect(
      crdResourceDefs(widgetCrd({ status: { conditions: [{ type: 'Established', status: 'False' }] } })),
    ).toEqual([]);
    const terminating = crdResourceDefs(
      widgetCrd({
        status: {
          conditions: [
            { type: 'Established', status: 'True' },
            { type: 'Terminating', status: 'True' },
          ],
        },
      }),
    );
    expect(terminating[0]?.verbs).toEqual(['delete', 'deletecollection', 'get', 'list', 'watch']);
  });
});
