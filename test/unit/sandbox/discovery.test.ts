// Expected documents follow kube-api-facts §3 and the generated discovery files checked into
// kubernetes/kubernetes (api/discovery/api__v1.json, apis__apps__v1.json, apis.json, aggregated_v2.json);
// aggregated conversion: apiserver pkg/endpoints/installer.go ConvertGroupVersionIntoToDiscovery; CRDs:
// apiextensions-apiserver pkg/apiserver/customresource_discovery_controller.go; negotiation: client-go
// discovery/discovery_client.go.
import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES, crdResourceDefs } from '../../../src/sandbox/builtins.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  compareKubeAwareVersions,
  coreVersions,
  negotiateDiscovery,
  versionDoc,
} from '../../../src/sandbox/discovery.js';
import type { Obj, ResourceDef } from '../../../src/sandbox/types.js';

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

const defs: ResourceDef[] = [...BUILTIN_RESOURCES, ...crdResourceDefs(widgetCrd())];

/** The objects of an array-valued field (nothing when absent). */
function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

/** Resources of the first version of the aggregated group named `name` ('' for core). */
function aggregatedResources(which: 'core' | 'apis', name: string): Obj[] {
  const item = objs(aggregatedDiscovery(defs, which).items).find(
    (i) => ((i.metadata as Obj).name ?? '') === name,
  );
  return objs(objs(item?.versions)[0]?.resources);
}

describe('legacy discovery', () => {
  it('lists apps/v1 deployments exactly as the real-cluster example in kube-api-facts §3', () => {
    const list = apiResourceList(defs, 'apps', 'v1');
    const resources = (list.resources as Obj[]).filter((r) => String(r.name).startsWith('deployments'));
    expect(JSON.stringify({ ...list, resources })).toBe(
      '{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[' +
        '{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["deploy"],"categories":["all"],"storageVersionHash":"8aSe+NMegvE="},' +
        '{"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]},' +
        '{"name":"deployments/status","singularName":"","namespaced":true,"kind":"Deployment","verbs":["get","patch","update"]}]}',
    );
  });

  it('sorts apps/v1 by name, subresources after their parent (apis__apps__v1.json)', () => {
    const names = (apiResourceList(defs, 'apps', 'v1').resources as Obj[]).map((r) => r.name);
    expect(names).toEqual([
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
    ]);
  });

  it('serves /api/v1 without apiVersion and namespaces with finalize and status (api__v1.json)', () => {
    const list = apiResourceList(defs, '', 'v1');
    expect(Object.keys(list)).toEqual(['kind', 'groupVersion', 'resources']);
    const byName = new Map((list.resources as Obj[]).map((r) => [r.name, r]));
    expect(byName.get('namespaces')).toEqual({
      name: 'namespaces',
      singularName: 'namespace',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['ns'],
      storageVersionHash: 'Q3oi5N2YM8M=',
    });
    expect(byName.get('namespaces/finalize')).toEqual({
      name: 'namespaces/finalize',
      singularName: '',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['update'],
    });
    expect(byName.get('configmaps')?.storageVersionHash).toBe('qFsyl6wFWjQ=');
    expect(byName.get('endpoints')?.singularName).toBe('endpoints');
    // Unimplemented subresources are not advertised.
    expect([...byName.keys()].filter((n) => String(n).includes('/'))).toEqual([
      'namespaces/finalize',
      'namespaces/status',
      'pods/status',
      'services/status',
    ]);
  });

  it.each([
    ['events.k8s.io', 'events', 'r2yiGXH7wu8='], // stored as core/v1 Event (apis__events.k8s.io__v1.json)
    ['apiextensions.k8s.io', 'customresourcedefinitions', 'jfWCUB31mvA='], // storage version v1beta1
    ['autoscaling', 'horizontalpodautoscalers', 'qwQve8ut294='],
    ['coordination.k8s.io', 'leases', 'gqkMMb/YqFM='],
    ['authorization.k8s.io', 'selfsubjectaccessreviews', undefined], // virtual: no storage
  ])('storageVersionHash of %s %s', (group, plural, hash) => {
    const def = defs.find((d) => d.group === group && d.plural === plural);
    const entry = (apiResourceList(defs, group, def?.version ?? '').resources as Obj[]).find(
      (r) => r.name === plural,
    );
    expect(entry?.storageVersionHash).toBe(hash);
  });

  it('lists a CRD group in the discovery controller order: resource, status, scale; verbs unsorted', () => {
    expect(apiResourceList(defs, 'example.com', 'v1').resources).toEqual([
      {
        name: 'widgets',
        singularName: 'widget',
        namespaced: true,
        kind: 'Widget',
        verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
        shortNames: ['wd'],
        categories: ['all'],
      },
      {
        name: 'widgets/status',
        singularName: '',
        namespaced: true,
        kind: 'Widget',
        verbs: ['get', 'patch', 'update'],
      },
      {
        name: 'widgets/scale',
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      },
    ]);
  });

  it('lists groups like /apis: apiVersion v1, built-in priority order, CRD groups last', () => {
    const list = apiGroupList(defs);
    expect(list.kind).toBe('APIGroupList');
    expect(list.apiVersion).toBe('v1');
    expect(list.groups.map((g) => g.name)).toEqual([
      'apps',
      'events.k8s.io',
      'authorization.k8s.io',
      'autoscaling',
      'batch',
      'networking.k8s.io',
      'policy',
      'rbac.authorization.k8s.io',
      'apiextensions.k8s.io',
      'coordination.k8s.io',
      'example.com',
    ]);
    expect(JSON.stringify(list.groups[0])).toBe(
      '{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}',
    );
    expect(list.groups.find((g) => g.name === 'example.com')?.versions.map((v) => v.version)).toEqual([
      'v1',
      'v1beta1',
    ]);
    expect(apiGroup(defs, 'example.com')).toMatchObject({
      kind: 'APIGroup',
      apiVersion: 'v1',
      preferredVersion: { version: 'v1' },
    });
    expect(apiGroup(defs, 'nope.io')).toBeUndefined();
  });

  it('answers /api with APIVersions and no apiVersion', () => {
    expect(coreVersions('10.0.0.1:6443')).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }],
    });
  });
});

describe('aggregated discovery', () => {
  it('converts apps/v1 like ConvertGroupVersionIntoToDiscovery: empty group/version for same-GV kinds', () => {
    const deployments = aggregatedResources('apis', 'apps').find((r) => r.resource === 'deployments');
    expect(JSON.stringify(deployments)).toBe(
      '{"resource":"deployments","responseKind":{"group":"","version":"","kind":"Deployment"},"scope":"Namespaced","singularResource":"deployment",' +
        '"verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["deploy"],"categories":["all"],' +
        '"subresources":[{"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]},' +
        '{"subresource":"status","responseKind":{"group":"","version":"","kind":"Deployment"},"verbs":["get","patch","update"]}]}',
    );
    const apps = objs(aggregatedDiscovery(defs, 'apis').items)[0];
    expect(Object.keys(objs(apps?.versions)[0] ?? {})).toEqual(['version', 'resources', 'freshness']);
  });

  it('wraps the list as apidiscovery.k8s.io/v2 with the core group unnamed', () => {
    const core = aggregatedDiscovery(defs, 'core');
    expect(Object.keys(core)).toEqual(['kind', 'apiVersion', 'metadata', 'items']);
    expect(core).toMatchObject({
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
      metadata: {},
    });
    expect((core.items as Obj[]).map((i) => i.metadata)).toEqual([{}]);
    const ns = aggregatedResources('core', '').find((r) => r.resource === 'namespaces');
    expect(objs(ns?.subresources).map((s) => s.subresource)).toEqual(['finalize', 'status']);
  });

  it('fills responseKind for CRDs and lists status before scale, versions by priority', () => {
    const item = (aggregatedDiscovery(defs, 'apis').items as Obj[]).at(-1);
    expect(item?.metadata).toEqual({ name: 'example.com' });
    const versions = objs(item?.versions);
    expect(versions.map((v) => v.version)).toEqual(['v1', 'v1beta1']);
    expect(objs(versions[0]?.resources)[0]).toEqual({
      resource: 'widgets',
      responseKind: { group: 'example.com', version: 'v1', kind: 'Widget' },
      scope: 'Namespaced',
      singularResource: 'widget',
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      shortNames: ['wd'],
      categories: ['all'],
      subresources: [
        {
          subresource: 'status',
          responseKind: { group: 'example.com', version: 'v1', kind: 'Widget' },
          verbs: ['get', 'patch', 'update'],
        },
        {
          subresource: 'scale',
          responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
          verbs: ['get', 'patch', 'update'],
        },
      ],
    });
  });

  it('names the Content-Type client-go checks with ContentTypeIsGVK', () => {
    expect(AGGREGATED_DISCOVERY_CONTENT_TYPE).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
  });

  it.each([
    // client-go v0.36 (kubectl 1.36)
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', 'aggregated'],
    // client-go v0.32–v0.35 also list v2beta1
    [
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
      'aggregated',
    ],
    ['application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io', 'aggregated'],
    ['application/json', 'legacy'],
    ['*/*', 'legacy'],
    [undefined, 'legacy'],
    ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', 'legacy'],
    [
      'application/json;q=0.9,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      'aggregated',
    ],
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json', 'legacy'],
    ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'legacy'],
  ] as const)('Accept %s → %s', (accept, want) => {
    expect(negotiateDiscovery(accept)).toBe(want);
  });
});

describe('version', () => {
  it('reports 1.36 with the emulation fields added in 1.33 (apimachinery pkg/version/types.go)', () => {
    const v = versionDoc();
    expect(Object.keys(v)).toEqual([
      'major',
      'minor',
      'emulationMajor',
      'emulationMinor',
      'minCompatibilityMajor',
      'minCompatibilityMinor',
      'gitVersion',
      'gitCommit',
      'gitTreeState',
      'buildDate',
      'goVersion',
      'compiler',
      'platform',
    ]);
    expect(v).toMatchObject({
      major: '1',
      minor: '36',
      emulationMinor: '36',
      minCompatibilityMinor: '35',
      gitVersion: 'v1.36.0-sandbox',
    });
  });

  it('orders versions kube-aware (apimachinery pkg/version/helpers_test.go)', () => {
    const vs = ['v1alpha1', 'foo', 'v2', 'v1beta2', 'v1', 'v1beta1', 'v10', 'bar'];
    expect(vs.sort(compareKubeAwareVersions)).toEqual([
      'v10',
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v1alpha1',
      'bar',
      'foo',
    ]);
  });
});
