/**
 * Area 2: CRUD, selectors, metadata bookkeeping and Status bodies, through @kubernetes/client-node.
 * Sources: apiserver pkg/registry/generic/registry/store.go (optimistic lock message, AlreadyExists),
 * apimachinery pkg/api/errors/errors.go (Status shapes), pkg/labels/selector.go, website api-concepts.md
 * (lists without kind on items, pagination with continue).
 */
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ApiException, AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
let core: CoreV1Api;
let apps: AppsV1Api;
const ns = 'crud';

beforeAll(async () => {
  // No simulator: its status writes would move resourceVersions under the optimistic-lock tests.
  sb = await startSandbox({ simulator: { enabled: false, settleMs: 0, failImagePatterns: [] } });
  core = sb.kc.makeApiClient(CoreV1Api);
  apps = sb.kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: ns } } });
});
afterAll(async () => sb.stop());

async function apiError(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) {
      const body =
        typeof err.body === 'string'
          ? (JSON.parse(err.body) as Record<string, unknown>)
          : (err.body as Record<string, unknown>);
      return { code: err.code, body };
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

const cm = (
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = { a: '1' },
): V1ConfigMap => ({
  metadata: { name, labels },
  data,
});

describe('create, get, update, delete', () => {
  it('creates with uid, resourceVersion and creationTimestamp, and no generation for ConfigMaps', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: cm('one') });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.generation).toBeUndefined();
    const got = await core.readNamespacedConfigMap({ name: 'one', namespace: ns });
    expect(got.data).toEqual({ a: '1' });
  });

  it('answers a duplicate create with 409 AlreadyExists', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('dup') });
    const e = await apiError(core.createNamespacedConfigMap({ namespace: ns, body: cm('dup') }));
    expect(e.code).toBe(409);
    expect(e.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "dup" already exists',
      reason: 'AlreadyExists',
      details: { name: 'dup', kind: 'configmaps' },
      code: 409,
    });
  });

  it('answers a missing object with 404 NotFound naming the qualified resource', async () => {
    const e = await apiError(apps.readNamespacedDeployment({ name: 'ghost', namespace: ns }));
    expect(e.code).toBe(404);
    expect(e.body.message).toBe('deployments.apps "ghost" not found');
    expect(e.body.details).toEqual({ name: 'ghost', group: 'apps', kind: 'deployments' });
  });

  it('rejects a stale resourceVersion with the optimistic-lock Conflict', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: ns, body: cm('lock') });
    await core.replaceNamespacedConfigMap({
      name: 'lock',
      namespace: ns,
      body: { ...first, data: { a: '2' } },
    });
    const e = await apiError(
      core.replaceNamespacedConfigMap({ name: 'lock', namespace: ns, body: { ...first, data: { a: '3' } } }),
    );
    expect(e.code).toBe(409);
    expect(e.body.reason).toBe('Conflict');
    expect(e.body.message).toBe(
      'Operation cannot be fulfilled on configmaps "lock": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('bumps generation on spec changes only, and keeps resourceVersion on a no-op update', async () => {
    const d = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('gen') });
    expect(d.metadata?.generation).toBe(1);
    const labelled = await apps.replaceNamespacedDeployment({
      name: 'gen',
      namespace: ns,
      body: { ...d, metadata: { ...d.metadata, labels: { x: 'y' } } },
    });
    expect(labelled.metadata?.generation).toBe(1);
    const same = await apps.replaceNamespacedDeployment({ name: 'gen', namespace: ns, body: labelled });
    expect(same.metadata?.resourceVersion).toBe(labelled.metadata?.resourceVersion);
    const scaled = await apps.patchNamespacedDeployment(
      { name: 'gen', namespace: ns, body: { spec: { replicas: 3 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(scaled.metadata?.generation).toBe(2);
  });

  it('deletes with a Success Status and the object is gone', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('gone') });
    const r = await sb.raw('DELETE', `/api/v1/namespaces/${ns}/configmaps/gone`);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'gone', kind: 'configmaps' },
    });
    const e = await apiError(core.readNamespacedConfigMap({ name: 'gone', namespace: ns }));
    expect(e.code).toBe(404);
  });

  it('deletes a collection by label selector', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('c1', { batch: 'x' }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('c2', { batch: 'x' }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('c3', { batch: 'y' }) });
    await core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'batch=x' });
    const left = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'batch' });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(['c3']);
  });
});

describe('patch', () => {
  it.each([
    [PatchStrategy.MergePatch, { data: { b: '2', a: null } }, { b: '2' }],
    [
      PatchStrategy.JsonPatch,
      [
        { op: 'add', path: '/data/b', value: '2' },
        { op: 'remove', path: '/data/a' },
      ],
      { b: '2' },
    ],
    [PatchStrategy.StrategicMergePatch, { data: { b: '2' } }, { a: '1', b: '2' }],
  ])('%s', async (type, body, expected) => {
    const name = `p-${type.split('/')[1]?.split('+')[0]}`;
    await core.createNamespacedConfigMap({ namespace: ns, body: cm(name) });
    const out = await core.patchNamespacedConfigMap(
      { name, namespace: ns, body },
      setHeaderOptions('Content-Type', type),
    );
    expect(out.data).toEqual(expected);
  });

  it('merges containers by name with a strategic merge patch', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('smp') });
    const out = await apps.patchNamespacedDeployment(
      {
        name: 'smp',
        namespace: ns,
        body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox:1' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(out.spec?.template.spec?.containers.map((c) => c.name).sort()).toEqual(['app', 'sidecar']);
  });

  it('refuses an unknown patch type with 415', async () => {
    const r = await sb.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/one`, {
      body: '{}',
      contentType: 'application/xml',
    });
    expect(r.status).toBe(415);
    expect(r.json().reason).toBe('UnsupportedMediaType');
  });
});

describe('list and selectors', () => {
  beforeAll(async () => {
    for (const [name, tier] of [
      ['s1', 'web'],
      ['s2', 'db'],
      ['s3', 'cache'],
    ] as const) {
      await core.createNamespacedConfigMap({ namespace: ns, body: cm(name, { sel: 'yes', tier }) });
    }
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('s4', { sel: 'yes' }) });
  });

  it.each([
    ['sel,tier=web', ['s1']],
    ['sel,tier==web', ['s1']],
    ['sel,tier!=web', ['s2', 's3', 's4']],
    ['sel,tier in (web,db)', ['s1', 's2']],
    ['sel,tier notin (web,db)', ['s3', 's4']],
    ['sel,tier', ['s1', 's2', 's3']],
    ['sel,!tier', ['s4']],
  ])('labelSelector %s', async (labelSelector, names) => {
    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(names);
  });

  it.each([
    ['metadata.name=s2', ['s2']],
    ['metadata.name!=s2', ['s1', 's3', 's4']],
    [`metadata.namespace=${ns}`, ['s1', 's2', 's3', 's4']],
  ])('fieldSelector %s', async (fieldSelector, names) => {
    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'sel', fieldSelector });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(names);
  });

  it('refuses an unsupported field selector with 400', async () => {
    const r = await sb.raw('GET', `/api/v1/namespaces/${ns}/configmaps?fieldSelector=data.a%3D1`);
    expect(r.status).toBe(400);
    expect(r.json().reason).toBe('BadRequest');
  });

  it('leaves kind and apiVersion off built-in list items (kubernetes#3030)', async () => {
    const r = (await sb.raw('GET', `/api/v1/namespaces/${ns}/configmaps?labelSelector=sel`)).json() as {
      kind: string;
      apiVersion: string;
      items: Record<string, unknown>[];
    };
    expect(r.kind).toBe('ConfigMapList');
    expect(r.apiVersion).toBe('v1');
    expect(r.items[0]?.kind).toBeUndefined();
  });

  it('pages with limit and continue', async () => {
    const first = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'sel', limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.metadata?._continue).toBeTruthy();
    const second = await core.listNamespacedConfigMap({
      namespace: ns,
      labelSelector: 'sel',
      limit: 3,
      _continue: first.metadata?._continue ?? '',
    });
    expect(second.items.map((i) => i.metadata?.name)).toEqual(['s4']);
    expect(second.metadata?._continue).toBeFalsy();
  });
});
