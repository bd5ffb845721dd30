/**
 * Area 3: server-side apply through @kubernetes/client-node's generic client and raw requests.
 * Sources: apimachinery pkg/util/managedfields/internal/conflict.go (conflict messages),
 * pkg/apis/meta/v1/validation/validation.go ValidatePatchOptions (fieldManager required),
 * structured-merge-diff merge/update.go (removal of dropped fields), apiserver registry/generic/registry/store.go
 * (no-op writes keep resourceVersion), website server-side-apply.md.
 */
import { AppsV1Api, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
const ns = 'apply';
const path = (name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;

beforeAll(async () => {
  sb = await startSandbox();
  await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
});
afterAll(async () => sb.stop());

function applyRaw(name: string, body: object | string, query: string) {
  return sb.raw('PATCH', `${path(name)}?${query}`, { body, contentType: 'application/apply-patch+yaml' });
}

describe('server-side apply', () => {
  it('creates with 201, records an Apply manager, and answers 200 afterwards', async () => {
    const created = await applyRaw('web', deployment('web'), 'fieldManager=steward');
    expect(created.status).toBe(201);
    const mf = (created.json().metadata as { managedFields: Record<string, unknown>[] }).managedFields;
    expect(mf).toHaveLength(1);
    expect(mf[0]).toMatchObject({
      manager: 'steward',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
    });
    const fields = JSON.stringify(mf[0]?.fieldsV1);
    expect(fields).toContain('"k:{\\"name\\":\\"app\\"}"');
    const again = await applyRaw('web', deployment('web'), 'fieldManager=steward');
    expect(again.status).toBe(200);
  });

  it('accepts a YAML body', async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: yaml-body
spec:
  selector: {matchLabels: {app: y}}
  template:
    metadata: {labels: {app: y}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;
    const r = await applyRaw('yaml-body', yaml, 'fieldManager=steward');
    expect(r.status).toBe(201);
  });

  it('requires a fieldManager (422 PatchOptions)', async () => {
    const r = await applyRaw('web', deployment('web'), '');
    expect(r.status).toBe(422);
    expect(r.json()).toMatchObject({
      reason: 'Invalid',
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      details: {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
      },
    });
  });

  it('does not bump resourceVersion on a no-op apply', async () => {
    // A ConfigMap: no controller writes status between the two applies.
    const cmPath = `/api/v1/namespaces/${ns}/configmaps/noop?fieldManager=steward`;
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'noop' }, data: { a: '1' } };
    const a = await sb.raw('PATCH', cmPath, { body, contentType: 'application/apply-patch+yaml' });
    const b = await sb.raw('PATCH', cmPath, { body, contentType: 'application/apply-patch+yaml' });
    const rv = (r: typeof a) => (r.json().metadata as { resourceVersion: string }).resourceVersion;
    expect(a.status).toBe(201);
    expect(rv(b)).toBe(rv(a));
  });

  it('conflicts with another manager that owns a field with a different value, listing field and manager', async () => {
    await applyRaw('shared', deployment('shared', 'nginx:1.27', 2), 'fieldManager=steward');
    const r = await applyRaw('shared', deployment('shared', 'nginx:1.27', 5), 'fieldManager=other');
    expect(r.status).toBe(409);
    expect(r.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "steward": .spec.replicas',
      reason: 'Conflict',
      details: {
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "steward"', field: '.spec.replicas' },
        ],
      },
      code: 409,
    });
  });

  it('shares ownership when the value is the same, and force takes it over', async () => {
    const same = await applyRaw('shared', deployment('shared', 'nginx:1.27', 2), 'fieldManager=other');
    expect(same.status).toBe(200);
    const forced = await applyRaw(
      'shared',
      deployment('shared', 'nginx:1.27', 7),
      'fieldManager=other&force=true',
    );
    expect(forced.status).toBe(200);
    expect((forced.json().spec as { replicas: number }).replicas).toBe(7);
    const mf = (forced.json().metadata as { managedFields: { manager: string; fieldsV1: object }[] })
      .managedFields;
    const steward = mf.find((m) => m.manager === 'steward');
    expect(JSON.stringify(steward?.fieldsV1 ?? {})).not.toContain('f:replicas');
  });

  it('removes a field the manager stops applying when nobody else owns it', async () => {
    const withLabel = deployment('prune-field');
    await applyRaw(
      'prune-field',
      { ...withLabel, metadata: { name: 'prune-field', labels: { a: '1', b: '2' } } },
      'fieldManager=steward',
    );
    const r = await applyRaw(
      'prune-field',
      { ...withLabel, metadata: { name: 'prune-field', labels: { a: '1' } } },
      'fieldManager=steward',
    );
    expect((r.json().metadata as { labels: Record<string, string> }).labels).toEqual({ a: '1' });
  });

  it('keeps a field another manager also owns', async () => {
    const base = deployment('keep-field');
    await applyRaw(
      'keep-field',
      { ...base, metadata: { name: 'keep-field', labels: { team: 'a' } } },
      'fieldManager=steward',
    );
    await applyRaw(
      'keep-field',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'keep-field', labels: { team: 'a' } } },
      'fieldManager=other',
    );
    const r = await applyRaw('keep-field', base, 'fieldManager=steward');
    expect((r.json().metadata as { labels: Record<string, string> }).labels).toEqual({ team: 'a' });
  });

  it('merges containers by name across managers', async () => {
    await applyRaw('multi', deployment('multi'), 'fieldManager=steward');
    const sidecar = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'multi' },
      spec: { template: { spec: { containers: [{ name: 'proxy', image: 'envoy:1' }] } } },
    };
    const r = await applyRaw('multi', sidecar, 'fieldManager=mesh');
    const containers = (r.json().spec as { template: { spec: { containers: { name: string }[] } } }).template
      .spec.containers;
    expect(containers.map((c) => c.name)).toEqual(['app', 'proxy']);
  });

  it('lets an Update manager take a field, so a later apply of another value conflicts', async () => {
    await applyRaw('edited', deployment('edited'), 'fieldManager=steward');
    const apps = sb.kc.makeApiClient(AppsV1Api);
    await sb.raw('PATCH', `${path('edited')}?fieldManager=kubectl-edit`, {
      body: { spec: { replicas: 4 } },
      contentType: 'application/merge-patch+json',
    });
    const r = await applyRaw('edited', deployment('edited', 'nginx:1.27', 1), 'fieldManager=steward');
    expect(r.status).toBe(409);
    expect(r.json().message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
    const live = await apps.readNamespacedDeployment({ name: 'edited', namespace: ns });
    expect(live.spec?.replicas).toBe(4);
  });

  it('supports dryRun=All without storing anything', async () => {
    const r = await applyRaw('dry', deployment('dry'), 'fieldManager=steward&dryRun=All');
    expect(r.status).toBe(201);
    const get = await sb.raw('GET', path('dry'));
    expect(get.status).toBe(404);
  });

  it('ignores status on the main endpoint (reset fields)', async () => {
    const r = await applyRaw(
      'status-reset',
      { ...deployment('status-reset'), status: { replicas: 99 } },
      'fieldManager=steward',
    );
    expect((r.json().status as { replicas?: number } | undefined)?.replicas).not.toBe(99);
  });

  it('works through the generic KubernetesObjectApi with the ServerSideApply strategy', async () => {
    const client = KubernetesObjectApi.makeApiClient(sb.kc);
    const obj = { ...deployment('generic'), metadata: { name: 'generic', namespace: ns } };
    const out = (await client.patch(
      obj,
      undefined,
      undefined,
      'steward',
      true,
      PatchStrategy.ServerSideApply,
    )) as {
      metadata?: { managedFields?: { manager: string }[] };
    };
    expect(out.metadata?.managedFields?.[0]?.manager).toBe('steward');
  });
});
