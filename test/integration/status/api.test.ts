/**
 * The status JSON API served by the real agent on its metrics port, against the sandbox and a real Git server:
 * two tenants, one Ready and one failing on a broken manifest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../../src/status/index.js';
import { HOSTILE_NAME, SECRETS, type StatusFixture, settled, startStatusFixture } from './fixture.js';

let fx: StatusFixture;
let snap: StatusSnapshot;

beforeAll(async () => {
  fx = await startStatusFixture();
  snap = (await settled(fx.base)) as unknown as StatusSnapshot;
}, 60_000);

afterAll(async () => {
  await fx?.stop();
});

async function getJson(path: string, init?: RequestInit): Promise<{ res: Response; body: unknown }> {
  const res = await fetch(`${fx.base}${path}`, init);
  const text = await res.text();
  return { res, body: text ? JSON.parse(text) : undefined };
}

describe('GET /api/v1/status', () => {
  it('shows both tenants with their Syncs, Ready states and messages', () => {
    const byNs = Object.fromEntries(snap.syncs.map((s) => [s.namespace, s]));
    const good = byNs['team-a'];
    const bad = byNs['team-b'];
    expect(good).toMatchObject({
      name: 'app',
      role: 'tenant',
      serviceAccount: 'deployer',
      source: { kind: 'GitRepository', namespace: 'team-a', name: 'repo' },
      path: './good',
      ready: { status: 'True', reason: 'ReconciliationSucceeded' },
      stalled: false,
      suspended: false,
      inventory: 1,
      lastReconcile: { result: 'success' },
    });
    expect(good?.ready.message).toBe(`Applied revision: ${good?.revision.applied}`);
    expect(good?.revision.applied).toMatch(/^main@sha1:[0-9a-f]{40}$/);
    expect(good?.lastReconcile?.durationMs).toBeGreaterThanOrEqual(0);

    expect(bad).toMatchObject({
      name: 'app',
      role: 'tenant',
      serviceAccount: 'deployer',
      ready: { status: 'False', reason: 'ValidationFailed' },
      stalled: true,
      revision: { applied: null },
      lastReconcile: { result: 'failure' },
    });
    expect(bad?.ready.message).toContain('cm.yaml');
    expect(bad?.ready.message).toContain(HOSTILE_NAME);
    expect(bad?.revision.attempted).toBe(good?.revision.applied);

    expect(snap.tenants).toEqual([
      {
        namespace: 'team-a',
        role: 'tenant',
        serviceAccounts: ['deployer'],
        syncs: ['app'],
        counts: { total: 1, ready: 1, notReady: 0, suspended: 0 },
      },
      {
        namespace: 'team-b',
        role: 'tenant',
        serviceAccounts: ['deployer'],
        syncs: ['app'],
        counts: { total: 1, ready: 0, notReady: 1, suspended: 0 },
      },
    ]);
    expect(snap.summary.syncs).toEqual({ total: 2, ready: 1, notReady: 1, suspended: 0 });
  });

  it('shows the sources with their revision and last fetch, URLs without credentials, and recent events', () => {
    expect(
      snap.sources.map((s) => [`${s.namespace}/${s.name}`, s.ready.status, s.revision !== null]),
    ).toEqual([
      ['team-a/repo', 'True', true],
      ['team-a/with-credentials', 'False', false],
      ['team-b/repo', 'True', true],
    ]);
    const [repo, withCredentials] = snap.sources;
    expect(repo).toMatchObject({
      url: fx.git.url('tenants'),
      ref: 'branch main',
      lastFetch: { result: 'success' },
    });
    expect(repo?.revision).toBe(snap.syncs[0]?.revision.applied);
    expect(withCredentials).toMatchObject({
      url: fx.git.url('tenants'),
      ready: { reason: 'ValidationFailed' },
      lastFetch: { result: 'failure' },
    });
    expect(snap.summary.sources).toEqual({ total: 3, ready: 2, notReady: 1, suspended: 0 });
    const events = snap.events.map(
      (e) => `${e.object.kind}/${e.object.namespace}/${e.object.name} ${e.type} ${e.reason}`,
    );
    expect(events).toContain('Sync/team-a/app Normal ReconciliationSucceeded');
    expect(events).toContain('Sync/team-b/app Warning ValidationFailed');
    const times = snap.events.map((e) => e.time);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('lists the Provider without its address', () => {
    expect(snap.notifications.providers).toMatchObject([
      { namespace: 'team-a', name: 'chat', type: 'generic' },
    ]);
  });

  it('serves JSON that no cache may keep and that holds no secret', async () => {
    const { res } = await getJson('/api/v1/status');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = JSON.stringify(snap);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});

describe('the other endpoints', () => {
  it.each([
    ['/api/v1/syncs', (s: StatusSnapshot) => s.syncs],
    ['/api/v1/sources', (s: StatusSnapshot) => s.sources],
  ])('%s lists the items', async (path, pick) => {
    const { res, body } = await getJson(path);
    expect(res.status).toBe(200);
    const items = (body as { items: { namespace: string; name: string }[] }).items;
    expect(items.map((i) => `${i.namespace}/${i.name}`)).toEqual(
      pick(snap).map((i) => `${i.namespace}/${i.name}`),
    );
  });

  it('/api/v1/events lists events newest first', async () => {
    const { body } = await getJson('/api/v1/events');
    const items = (body as { items: { reason: string }[] }).items;
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.map((i) => i.reason)).toContain('ValidationFailed');
  });

  it('/api/v1/syncs/<namespace>/<name> shows one Sync', async () => {
    const { res, body } = await getJson('/api/v1/syncs/team-b/app');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({ namespace: 'team-b', name: 'app', ready: { status: 'False' } });
  });

  it.each(['/api/v1/syncs/team-b/missing', '/api/v1/syncs/team-b', '/api/v1/syncs/a/b/c'])(
    '%s is a JSON 404',
    async (path) => {
      const { res, body } = await getJson(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(body).toMatchObject({ error: 'NotFound' });
    },
  );

  it.each([
    ['POST', '/api/v1/status'],
    ['PUT', '/api/v1/syncs'],
    ['DELETE', '/api/v1/syncs/team-a/app'],
    ['PATCH', '/api/v1/events'],
    ['POST', '/status'],
  ])('%s %s is refused with 405 and Allow', async (method, path) => {
    const res = await fetch(`${fx.base}${path}`, { method, body: method === 'DELETE' ? null : '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    await res.arrayBuffer();
  });

  it('answers HEAD without a body', async () => {
    const res = await fetch(`${fx.base}/api/v1/status`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('still serves /metrics beside it', async () => {
    const res = await fetch(`${fx.base}/metrics`);
    expect(await res.text()).toContain('steward_build_info');
  });
});
