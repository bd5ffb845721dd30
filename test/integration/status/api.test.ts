/**
 * The status JSON API served by the real agent on its metrics port, against the sandbox, a real Git server and
 * a real registry: two tenants, one Ready and one failing on a broken manifest, and a third with image
 * automation only.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../../src/status/index.js';
import {
  HOSTILE_NAME,
  IMAGE_REPOSITORY,
  SECRETS,
  type StatusFixture,
  settled,
  startStatusFixture,
} from './fixture.js';

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

    const none = { total: 0, ready: 0, notReady: 0, suspended: 0 };
    expect(snap.tenants).toEqual([
      {
        namespace: 'team-a',
        role: 'tenant',
        serviceAccounts: ['deployer'],
        syncs: ['app'],
        counts: { total: 1, ready: 1, notReady: 0, suspended: 0 },
        images: none,
      },
      {
        namespace: 'team-b',
        role: 'tenant',
        serviceAccounts: ['deployer'],
        syncs: ['app'],
        counts: { total: 1, ready: 0, notReady: 1, suspended: 0 },
        images: none,
      },
      {
        namespace: 'team-c',
        role: 'tenant',
        serviceAccounts: [],
        syncs: [],
        counts: none,
        images: { total: 3, ready: 3, notReady: 0, suspended: 0 },
      },
    ]);
    expect(snap.summary.syncs).toEqual({ total: 2, ready: 1, notReady: 1, suspended: 0 });
  });

  it('shows the sources with their revision and last fetch, URLs without credentials, and recent events', () => {
    expect(
      snap.sources.map((s) => [`${s.kind}/${s.namespace}/${s.name}`, s.ready.status, s.revision !== null]),
    ).toEqual([
      ['HelmRepository/team-a/charts', 'True', false],
      ['HelmRepository/team-a/private-charts', 'False', false],
      ['GitRepository/team-a/repo', 'True', true],
      ['GitRepository/team-a/with-credentials', 'False', false],
      ['GitRepository/team-b/repo', 'True', true],
      ['GitRepository/team-c/images', 'True', true],
    ]);
    const [charts, privateCharts, repo, withCredentials] = snap.sources;
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
    expect(charts).toMatchObject({
      url: `oci://${fx.registry.host}/charts`,
      type: 'oci',
      ref: null,
      lastFetch: { result: 'success' },
    });
    expect(privateCharts).toMatchObject({
      url: 'https://127.0.0.1:9/charts',
      type: 'default',
      lastFetch: { result: 'failure' },
    });
    expect(snap.summary.sources).toEqual({ total: 6, ready: 4, notReady: 2, suspended: 0 });
    const events = snap.events.map(
      (e) => `${e.object.kind}/${e.object.namespace}/${e.object.name} ${e.type} ${e.reason}`,
    );
    expect(events).toContain('Sync/team-a/app Normal ReconciliationSucceeded');
    expect(events).toContain('Sync/team-b/app Warning ValidationFailed');
    const times = snap.events.map((e) => e.time);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('shows image automation: the scan, the pick and the pushed commit, with counts', async () => {
    const image = `${fx.registry.host}/${IMAGE_REPOSITORY}`;
    const { repositories, policies, automations } = snap.images;
    expect(repositories).toEqual([
      {
        namespace: 'team-c',
        name: 'app',
        image,
        canonicalName: image,
        tagCount: 2,
        lastScanTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        interval: '1m',
        ready: {
          status: 'True',
          reason: 'Succeeded',
          message: 'successful scan: found 2 tags',
          since: expect.any(String),
        },
        reconciling: false,
        stalled: false,
        suspended: false,
        lastReconcile: expect.objectContaining({ result: 'success' }),
      },
    ]);
    expect(policies).toMatchObject([
      {
        namespace: 'team-c',
        name: 'app',
        repository: 'app',
        policy: { kind: 'semver', range: '>=1.0.0', order: null },
        pick: `${image}:1.1.0`,
        previousPick: null,
        ready: { status: 'True' },
        lastReconcile: { result: 'success' },
      },
    ]);
    expect(automations).toMatchObject([
      {
        namespace: 'team-c',
        name: 'app',
        source: { kind: 'GitRepository', namespace: 'team-c', name: 'images' },
        path: './deploy',
        checkoutBranch: 'main',
        pushBranch: 'main',
        ready: { status: 'True', reason: 'Succeeded' },
        stalled: false,
        suspended: false,
      },
    ]);
    const [automation] = automations;
    // The commit the automation reports is the branch's tip on the Git server, and holds the pick.
    const gitDir = join(fx.git.root, 'images.git');
    const tip = await fx.git.git(['--git-dir', gitDir, 'rev-parse', 'refs/heads/main']);
    expect(automation?.lastPushCommit).toBe(tip);
    expect(await fx.git.git(['--git-dir', gitDir, 'show', 'main:deploy/app.yaml'])).toContain(
      `image: ${image}:1.1.0 # {"$imagepolicy": "team-c:app"}`,
    );
    // A later run (the pushed commit wakes the GitRepository, which may wake the automation) finds nothing to do.
    expect([
      `committed and pushed ${tip} to main`,
      `no updates made; last commit ${tip.slice(0, 12)} on main`,
    ]).toContain(automation?.ready.message);
    const pushedAt = Date.parse(automation?.lastPushTime ?? '');
    expect(pushedAt).toBeLessThanOrEqual(Date.parse(automation?.lastRunTime ?? ''));
    expect(pushedAt).toBeLessThanOrEqual(Date.parse(snap.generatedAt));
    const one = { total: 1, ready: 1, notReady: 0, suspended: 0 };
    expect(snap.summary).toMatchObject({
      imageRepositories: one,
      imagePolicies: one,
      imageUpdateAutomations: one,
    });
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
  it('/api/v1/images lists the three image kinds, without Secrets or commit templates', async () => {
    const { res, body } = await getJson('/api/v1/images');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const images = body as StatusSnapshot['images'] & { generatedAt: string };
    expect(Object.keys(images).sort()).toEqual(['automations', 'generatedAt', 'policies', 'repositories']);
    expect(images.repositories.map((r) => `${r.namespace}/${r.name} ${r.tagCount}`)).toEqual([
      'team-c/app 2',
    ]);
    expect(images.policies.map((p) => p.pick)).toEqual(snap.images.policies.map((p) => p.pick));
    expect(images.automations.map((a) => a.lastPushCommit)).toEqual(
      snap.images.automations.map((a) => a.lastPushCommit),
    );
    const text = JSON.stringify(body);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

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
