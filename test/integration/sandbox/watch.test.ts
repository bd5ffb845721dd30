/**
 * Area 5: watch through @kubernetes/client-node's Watch and a raw stream.
 * Sources: apiserver pkg/endpoints/handlers/watch.go (framing), storage/cacher/cacher.go (410 as an ERROR
 * event, bookmarks), apimachinery meta/internalversion/validation (sendInitialEvents rules),
 * client-node src/watch.ts (line framing).
 */
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
let core: CoreV1Api;
const ns = 'watch';

beforeAll(async () => {
  sb = await startSandbox({ bookmarkIntervalMs: 200 });
  core = sb.kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: ns } } });
});
afterAll(async () => sb.stop());

interface Seen {
  type: string;
  name: string;
  rv: string;
  annotations?: Record<string, string>;
}

async function collect(path: string, query: Record<string, string | number | boolean>) {
  const events: Seen[] = [];
  let doneErr: unknown = 'open';
  const ctrl = await new Watch(sb.kc).watch(
    path,
    query,
    (
      type,
      obj: { metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> } },
    ) => {
      events.push({
        type,
        name: obj.metadata?.name ?? '',
        rv: obj.metadata?.resourceVersion ?? '',
        ...(obj.metadata?.annotations ? { annotations: obj.metadata.annotations } : {}),
      });
    },
    (err) => {
      doneErr = err;
    },
  );
  return { events, ctrl, done: () => doneErr !== 'open' };
}

describe('watch', () => {
  it('sends ADDED for existing objects when no resourceVersion is given, then live changes', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'pre' } } });
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, {});
    await eventually(() => (w.events.some((e) => e.name === 'pre' && e.type === 'ADDED') ? true : undefined));
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'live' } } });
    await core.replaceNamespacedConfigMap({
      name: 'live',
      namespace: ns,
      body: { metadata: { name: 'live' }, data: { a: 'b' } },
    });
    await core.deleteNamespacedConfigMap({ name: 'live', namespace: ns });
    await eventually(() => (w.events.filter((e) => e.name === 'live').length === 3 ? true : undefined));
    expect(w.events.filter((e) => e.name === 'live').map((e) => e.type)).toEqual([
      'ADDED',
      'MODIFIED',
      'DELETED',
    ]);
    w.ctrl.abort();
  });

  it('resumes after a resourceVersion without replaying older state', async () => {
    const a = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'rv-a' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'rv-b' } } });
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: a.metadata?.resourceVersion ?? '',
    });
    await eventually(() => (w.events.some((e) => e.name === 'rv-b') ? true : undefined));
    expect(w.events.map((e) => e.name)).not.toContain('rv-a');
    w.ctrl.abort();
  });

  it('sends BOOKMARK events when allowed', async () => {
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { allowWatchBookmarks: true });
    await eventually(() => (w.events.some((e) => e.type === 'BOOKMARK') ? true : undefined), 5_000);
    w.ctrl.abort();
  });

  it('answers a too-old resourceVersion with an ERROR event carrying 410 Expired, then closes', async () => {
    const tiny = await startSandbox({ watchHistorySize: 5 });
    try {
      // A history of five events: ten writes push resourceVersion 1 out of it, as compaction would.
      for (let i = 0; i < 10; i++) {
        await tiny.raw('POST', '/api/v1/namespaces/default/configmaps', {
          body: { metadata: { name: `c${i}` } },
        });
      }
      const r = await tiny.raw('GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
      expect(r.status).toBe(200);
      const lines = r.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; object: Record<string, unknown> });
      expect(lines).toHaveLength(1);
      expect(lines[0]?.type).toBe('ERROR');
      expect(lines[0]?.object).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
      expect(String(lines[0]?.object.message)).toMatch(/^too old resource version: 1 \(\d+\)$/);
    } finally {
      await tiny.stop();
    }
  });

  it('closes the stream after timeoutSeconds', async () => {
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 1 });
    await eventually(() => (w.done() ? true : undefined), 5_000, 'the watch to close');
  });

  it('implements WatchList: initial ADDED events, then the initial-events-end bookmark', async () => {
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, {
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
    });
    const end = await eventually(() => w.events.find((e) => e.type === 'BOOKMARK'));
    expect(end.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    const before = w.events.slice(0, w.events.indexOf(end));
    expect(before.every((e) => e.type === 'ADDED')).toBe(true);
    expect(before.map((e) => e.name)).toContain('pre');
    w.ctrl.abort();
  });

  it('refuses sendInitialEvents without resourceVersionMatch=NotOlderThan (422)', async () => {
    const r = await sb.raw('GET', `/api/v1/namespaces/${ns}/configmaps?watch=true&sendInitialEvents=true`);
    expect(r.status).toBe(422);
    expect(r.json().message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    );
  });

  it('turns a label change out of the selector into DELETED and back into ADDED', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'sel', labels: { pick: 'yes' } } },
    });
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'pick=yes' });
    await eventually(() => (w.events.some((e) => e.name === 'sel') ? true : undefined));
    await core.replaceNamespacedConfigMap({
      name: 'sel',
      namespace: ns,
      body: { metadata: { name: 'sel', labels: { pick: 'no' } } },
    });
    await core.replaceNamespacedConfigMap({
      name: 'sel',
      namespace: ns,
      body: { metadata: { name: 'sel', labels: { pick: 'yes' } } },
    });
    await eventually(() => (w.events.length >= 3 ? true : undefined));
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
    w.ctrl.abort();
  });
});
