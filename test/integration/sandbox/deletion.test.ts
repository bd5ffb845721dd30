/**
 * Area 7: namespaces, finalizers and garbage collection.
 * Sources: apiserver admission/plugin/namespace/lifecycle/admission.go (404 and 403 texts),
 * kubernetes pkg/registry/core/namespace/storage/storage.go (Terminating, the 409 while finalizing),
 * apiserver registry/generic/registry/store.go (deletionTimestamp with finalizers), kubernetes
 * pkg/controller/garbagecollector (background, foreground, orphan).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => sb.stop());

const mkNs = (name: string) => sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name } } });
const mkCm = (ns: string, name: string, extra: Record<string, unknown> = {}) =>
  sb.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { metadata: { name, ...extra } } });
const getCm = (ns: string, name: string) => sb.raw('GET', `/api/v1/namespaces/${ns}/configmaps/${name}`);

describe('namespaces', () => {
  it('answers a create in a missing namespace with the namespace 404', async () => {
    const r = await mkCm('nowhere', 'x');
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({
      message: 'namespaces "nowhere" not found',
      details: { name: 'nowhere', kind: 'namespaces' },
    });
  });

  it('answers a get in a missing namespace with the object 404, and a list with an empty list', async () => {
    expect((await getCm('nowhere', 'x')).json().message).toBe('configmaps "x" not found');
    const list = (await sb.raw('GET', '/api/v1/namespaces/nowhere/configmaps')).json() as {
      items: unknown[];
    };
    expect(list.items).toEqual([]);
  });

  it('terminates a namespace: Terminating, no new content, contents deleted, then gone', async () => {
    await mkNs('doomed');
    await mkCm('doomed', 'held', { finalizers: ['example.com/hold'] });
    await mkCm('doomed', 'free');
    const del = await sb.raw('DELETE', '/api/v1/namespaces/doomed');
    expect(del.status).toBe(200);
    expect(del.json()).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } });
    const create = await mkCm('doomed', 'late');
    expect(create.status).toBe(403);
    expect(create.json()).toMatchObject({
      message:
        'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
      details: {
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: 'namespace doomed is being terminated',
            field: 'metadata.namespace',
          },
        ],
      },
    });
    const again = await sb.raw('DELETE', '/api/v1/namespaces/doomed');
    expect(again.status).toBe(409);
    expect(again.json().message).toBe(
      'Operation cannot be fulfilled on namespaces "doomed": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
    );
    await eventually(async () => ((await getCm('doomed', 'free')).status === 404 ? true : undefined));
    const held = (await getCm('doomed', 'held')).json() as { metadata: { deletionTimestamp?: string } };
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect((await sb.raw('GET', '/api/v1/namespaces/doomed')).status).toBe(200);
    await sb.raw('PATCH', '/api/v1/namespaces/doomed/configmaps/held', {
      body: { metadata: { finalizers: null } },
      contentType: 'application/merge-patch+json',
    });
    await eventually(async () =>
      (await sb.raw('GET', '/api/v1/namespaces/doomed')).status === 404 ? true : undefined,
    );
  });
});

describe('finalizers', () => {
  it('holds deletion with deletionTimestamp until the finalizer is removed', async () => {
    await mkNs('fin');
    await mkCm('fin', 'f', { finalizers: ['example.com/x'] });
    const del = await sb.raw('DELETE', '/api/v1/namespaces/fin/configmaps/f');
    expect(del.status).toBe(200);
    expect(del.json()).toMatchObject({
      kind: 'ConfigMap',
      metadata: { finalizers: ['example.com/x'], deletionGracePeriodSeconds: 0 },
    });
    const live = (await getCm('fin', 'f')).json() as { metadata: { deletionTimestamp?: string } };
    expect(live.metadata.deletionTimestamp).toBeTruthy();
    const addMore = await sb.raw('PATCH', '/api/v1/namespaces/fin/configmaps/f', {
      body: { metadata: { finalizers: ['example.com/x', 'example.com/y'] } },
      contentType: 'application/merge-patch+json',
    });
    expect(addMore.status).toBe(422);
    expect(addMore.json().message).toContain('no new finalizers can be added if the object is being deleted');
    await sb.raw('PATCH', '/api/v1/namespaces/fin/configmaps/f', {
      body: { metadata: { finalizers: [] } },
      contentType: 'application/merge-patch+json',
    });
    expect((await getCm('fin', 'f')).status).toBe(404);
  });
});

describe('garbage collection', () => {
  async function ownerAndChild(ns: string, owner: string) {
    await mkNs(ns);
    const o = (await mkCm(ns, owner)).json() as { metadata: { uid: string } };
    await mkCm(ns, `${owner}-child`, {
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid: o.metadata.uid, blockOwnerDeletion: true },
      ],
    });
  }

  it('deletes dependents in the background', async () => {
    await ownerAndChild('gc-bg', 'o');
    await sb.raw('DELETE', '/api/v1/namespaces/gc-bg/configmaps/o', {
      body: { propagationPolicy: 'Background' },
    });
    expect((await getCm('gc-bg', 'o')).status).toBe(404);
    await eventually(async () => ((await getCm('gc-bg', 'o-child')).status === 404 ? true : undefined));
  });

  it('deletes dependents first with foreground propagation', async () => {
    await ownerAndChild('gc-fg', 'o');
    const del = await sb.raw('DELETE', '/api/v1/namespaces/gc-fg/configmaps/o', {
      body: { propagationPolicy: 'Foreground' },
    });
    expect(del.json()).toMatchObject({ metadata: { finalizers: ['foregroundDeletion'] } });
    await eventually(async () => ((await getCm('gc-fg', 'o')).status === 404 ? true : undefined));
    expect((await getCm('gc-fg', 'o-child')).status).toBe(404);
  });

  it('orphans dependents with orphan propagation', async () => {
    await ownerAndChild('gc-or', 'o');
    await sb.raw('DELETE', '/api/v1/namespaces/gc-or/configmaps/o?propagationPolicy=Orphan');
    await eventually(async () => ((await getCm('gc-or', 'o')).status === 404 ? true : undefined));
    const child = (await getCm('gc-or', 'o-child')).json() as { metadata: { ownerReferences?: unknown[] } };
    expect(child.metadata.ownerReferences ?? []).toEqual([]);
  });

  it('rejects an unknown propagation policy', async () => {
    await mkCm('default', 'pp');
    const r = await sb.raw('DELETE', '/api/v1/namespaces/default/configmaps/pp?propagationPolicy=Sideways');
    expect(r.status).toBe(422);
    expect(r.json().message).toContain(
      'propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
    );
  });
});
