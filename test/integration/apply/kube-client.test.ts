/** The raw Kubernetes client against the sandbox: discovery, list paging, watch, status writes, impersonation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/core/types.js';
import { type KubeClient, KubeError, kubeClient, type Obj } from '../../../src/kube/index.js';
import { widgetCrd } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import { configMap } from './helpers.js';

let sb: SandboxHandle;
let client: KubeClient;

beforeAll(async () => {
  sb = await startSandbox();
  client = kubeClient(sb.kc);
});
afterAll(async () => sb.stop());

const cmRef = (name: string) => ({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'default', name });
const fm = { fieldManager: 'steward', force: true };

describe('kubeClient', () => {
  it('discovers kinds, and finds a CRD kind once it is served', async () => {
    expect(await client.discover('apps/v1', 'Deployment')).toEqual({
      plural: 'deployments',
      namespaced: true,
    });
    expect(await client.discover('v1', 'Namespace')).toEqual({ plural: 'namespaces', namespaced: false });
    expect(await client.discover('example.com/v1', 'Widget')).toBeUndefined();
    await client.apply(widgetCrd() as Manifest, fm);
    await eventually(() => client.discover('example.com/v1', 'Widget'), 5_000, 'Widget discovery');
  });

  it('keeps fields client-node models would drop, and returns undefined for a missing object', async () => {
    const m = { ...configMap('raw', 'default', { a: '1' }), futureField: { x: 1 } } as unknown as Manifest;
    // The sandbox drops unknown fields like a real server; what matters is that the request carried it.
    const dry = await client.apply(m, { ...fm, dryRun: true });
    expect(dry.data).toEqual({ a: '1' });
    expect(await client.get(cmRef('raw'))).toBeUndefined();
    await client.apply(m, fm);
    expect((await client.get(cmRef('raw')))?.data).toEqual({ a: '1' });
  });

  it('lists across pages and fills in kind and apiVersion', async () => {
    for (let i = 0; i < 5; i++) {
      const m = configMap(`page-${i}`, 'default', { i: String(i) });
      m.metadata = { ...m.metadata, labels: { set: 'paged' } } as typeof m.metadata;
      await client.apply(m as Manifest, fm);
    }
    const items = await client.list('v1', 'ConfigMap', { namespace: 'default', labelSelector: 'set=paged' });
    expect(items.map((o) => (o.metadata as { name: string }).name).sort()).toEqual([
      'page-0',
      'page-1',
      'page-2',
      'page-3',
      'page-4',
    ]);
    expect(items.every((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1')).toBe(true);
  });

  it('watches until aborted', async () => {
    const events: string[] = [];
    const ac = new AbortController();
    const done = client.watch(
      'v1',
      'ConfigMap',
      { namespace: 'default', labelSelector: 'watch=me' },
      (type: string, obj: Obj) => {
        if (type !== 'BOOKMARK') events.push(`${type}:${(obj.metadata as { name: string }).name}`);
      },
      ac.signal,
    );
    const m = configMap('watched', 'default', { a: '1' });
    m.metadata = { ...m.metadata, labels: { watch: 'me' } } as typeof m.metadata;
    await client.apply(m as Manifest, fm);
    await eventually(() => (events.includes('ADDED:watched') ? true : undefined), 5_000, 'watch event');
    expect(await client.delete(cmRef('watched'))).toBe('deleted');
    await eventually(() => (events.includes('DELETED:watched') ? true : undefined), 5_000, 'delete event');
    ac.abort();
    await done;
    expect(await client.delete(cmRef('watched'))).toBe('notfound');
  });

  it('ends a watch with the error its handler throws', async () => {
    const m = configMap('handler', 'default', { a: '1' });
    await client.apply(m as Manifest, fm);
    const done = client.watch(
      'v1',
      'ConfigMap',
      { namespace: 'default' },
      () => {
        throw new Error('handler failed');
      },
      new AbortController().signal,
    );
    await expect(done).rejects.toThrow('handler failed');
  });

  it('writes status through /status with server-side apply and with a replace', async () => {
    await client.apply(
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'st', namespace: 'default' },
        spec: { size: 1 },
      },
      fm,
    );
    const patched = await client.patchStatus(
      'example.com/v1',
      'Widget',
      'default',
      'st',
      { phase: 'Ready' },
      'steward',
    );
    expect(patched.status).toEqual({ phase: 'Ready' });
    const replaced = await client.replaceStatus(
      'example.com/v1',
      'Widget',
      'default',
      'st',
      { phase: 'Done' },
      'steward',
    );
    expect(replaced.status).toEqual({ phase: 'Done' });
    expect(replaced.spec).toEqual({ size: 1, color: 'blue' });
  });

  it('creates events', async () => {
    await client.createEvent({
      apiVersion: 'v1',
      metadata: { generateName: 'steward-', namespace: 'default' },
      involvedObject: { kind: 'ConfigMap', namespace: 'default', name: 'raw', apiVersion: 'v1' },
      reason: 'ReconciliationSucceeded',
      message: 'applied',
      type: 'Normal',
      source: { component: 'steward' },
    });
    const events = await client.list('v1', 'Event', { namespace: 'default' });
    expect(events.some((e) => e.reason === 'ReconciliationSucceeded')).toBe(true);
  });

  it('impersonates: requests run with the impersonated user’s permissions', async () => {
    const alice = kubeClient(sb.kc, { impersonate: { user: 'alice', groups: ['team-a'] } });
    const err = await alice.get(cmRef('raw')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect(err).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect((err as KubeError).message).toContain('User "alice" cannot get resource "configmaps"');
  });

  it('reports a namespaced kind without a namespace and an unknown kind as errors', async () => {
    const noNs = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } as Manifest;
    await expect(client.apply(noNs, fm)).rejects.toMatchObject({ code: 400 });
    const unknown = { apiVersion: 'nope.example/v1', kind: 'Thing', metadata: { name: 'x' } } as Manifest;
    await expect(client.apply(unknown, fm)).rejects.toThrow(
      'no matches for kind "Thing" in version "nope.example/v1"',
    );
  });

  it('times out a request that takes too long, without retrying it', async () => {
    const slow = kubeClient(sb.kc, { timeoutMs: 200 });
    await sb.raw('POST', '/sandbox/v1/faults', {
      body: {
        verb: 'get',
        path: '/api/v1/namespaces/default/configmaps/raw',
        action: { type: 'latency', ms: 1000 },
        times: 1,
      },
    });
    await expect(slow.get(cmRef('raw'))).rejects.toMatchObject({ code: 0, reason: 'Timeout' });
  });
});
