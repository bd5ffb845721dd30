/**
 * Area 1: discovery and OpenAPI, through @kubernetes/client-node and raw HTTP.
 * Sources: apiserver pkg/endpoints/discovery/{legacy,group,version}.go, apimachinery pkg/version/types.go,
 * client-go discovery/discovery_client.go (aggregated discovery negotiation), client-go openapi/client.go.
 */
import { ApisApi, CoreApi, CoreV1Api, KubernetesObjectApi, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => sb.stop());

describe('discovery', () => {
  it('serves /version with the 1.36 fields', async () => {
    const v = await sb.kc.makeApiClient(VersionApi).getCode();
    expect(v.major).toBe('1');
    expect(v.minor).toBe('36');
    expect(v.gitVersion).toMatch(/^v1\.36\./);
  });

  it('lists the core version and every group', async () => {
    const core = await sb.kc.makeApiClient(CoreApi).getAPIVersions();
    expect(core.versions).toEqual(['v1']);
    const groups = await sb.kc.makeApiClient(ApisApi).getAPIVersions();
    const names = groups.groups.map((g) => g.name);
    for (const g of [
      'apps',
      'batch',
      'networking.k8s.io',
      'rbac.authorization.k8s.io',
      'apiextensions.k8s.io',
      'autoscaling',
      'policy',
      'coordination.k8s.io',
      'events.k8s.io',
      'authorization.k8s.io',
    ]) {
      expect(names).toContain(g);
    }
  });

  it.each([
    ['/api/v1', 'configmaps', 'ConfigMap', true, ['cm']],
    ['/api/v1', 'namespaces', 'Namespace', false, ['ns']],
    ['/api/v1', 'services', 'Service', true, ['svc']],
    ['/apis/apps/v1', 'deployments', 'Deployment', true, ['deploy']],
    ['/apis/batch/v1', 'cronjobs', 'CronJob', true, ['cj']],
    ['/apis/networking.k8s.io/v1', 'ingresses', 'Ingress', true, ['ing']],
    ['/apis/rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRole', false, undefined],
    [
      '/apis/apiextensions.k8s.io/v1',
      'customresourcedefinitions',
      'CustomResourceDefinition',
      false,
      ['crd', 'crds'],
    ],
    ['/apis/autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa']],
    ['/apis/policy/v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb']],
    ['/apis/coordination.k8s.io/v1', 'leases', 'Lease', true, undefined],
    ['/apis/events.k8s.io/v1', 'events', 'Event', true, ['ev']],
  ])('%s lists %s', async (path, name, kind, namespaced, shortNames) => {
    const r = await sb.raw('GET', path);
    expect(r.status).toBe(200);
    const list = r.json() as { kind: string; resources: Record<string, unknown>[] };
    expect(list.kind).toBe('APIResourceList');
    const res = list.resources.find((x) => x.name === name);
    expect(res).toBeDefined();
    expect(res?.kind).toBe(kind);
    expect(res?.namespaced).toBe(namespaced);
    expect(res?.shortNames).toEqual(shortNames);
    expect(res?.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'create', 'patch', 'delete']));
  });

  it('lists deployments/scale as an autoscaling/v1 Scale (kube-api-facts §3)', async () => {
    const list = (await sb.raw('GET', '/apis/apps/v1')).json() as { resources: Record<string, unknown>[] };
    expect(list.resources.find((x) => x.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  });

  it('answers aggregated discovery only with the aggregated Content-Type (client-go ContentTypeIsGVK)', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const r = await sb.raw('GET', '/apis', { headers: { Accept: accept } });
    expect(r.headers.get('content-type')).toContain('as=APIGroupDiscoveryList');
    expect(r.json().kind).toBe('APIGroupDiscoveryList');
    const legacy = await sb.raw('GET', '/apis', { headers: { Accept: 'application/json' } });
    expect(legacy.json().kind).toBe('APIGroupList');
  });

  it('answers an unknown group with the plain-text 404 of the notfound handler', async () => {
    const r = await sb.raw('GET', '/apis/nope.example.com/v1/widgets');
    expect(r.status).toBe(404);
    expect(r.text).toBe('404 page not found\n');
  });

  it('answers an unknown resource in a served group with a NotFound Status', async () => {
    const r = await sb.raw('GET', '/api/v1/widgets');
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
  });

  it('serves an OpenAPI v3 document per group-version with fieldValidation on PATCH', async () => {
    const root = (await sb.raw('GET', '/openapi/v3')).json() as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const apps = root.paths['apis/apps/v1'];
    expect(apps?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
    const doc = (await sb.raw('GET', apps?.serverRelativeURL ?? '')).json() as {
      paths: Record<string, { parameters?: { name: string }[]; patch?: { parameters?: { name: string }[] } }>;
    };
    const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    const params = [...(item?.parameters ?? []), ...(item?.patch?.parameters ?? [])].map((p) => p.name);
    expect(params).toContain('fieldValidation');
  });

  it('lets the generic client resolve kinds through discovery', async () => {
    const client = KubernetesObjectApi.makeApiClient(sb.kc);
    const ns = await client.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    expect(ns.metadata?.name).toBe('default');
    const core = sb.kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']),
    );
  });
});
