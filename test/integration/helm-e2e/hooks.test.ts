/**
 * Helm hooks end to end (docs/helm.md, "Hooks"): a chart with a pre-install Job (weight -5), a pre-install
 * ConfigMap (weight 0), a post-install ConfigMap deleted once it succeeded and one kept. The order of creation
 * is read from the watch stream (the sandbox's resourceVersion is one global counter, as etcd's revision is);
 * the simulator completes Jobs, or fails them for an image matching `*:never-ready`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClient } from '../../../src/kube/index.js';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import {
  apply,
  chartFiles,
  crdsServed,
  get,
  helmSync,
  namespaces,
  reconcileNow,
  syncView,
  waitFailed,
  waitSync,
} from './helpers.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
const watchStop = new AbortController();

interface Seen {
  type: string;
  kind: string;
  name: string;
  rv: number;
  uid: string;
  /** A Job whose Complete condition is True. */
  complete: boolean;
}
const seen: Seen[] = [];

const NS = 'default';
const TARGET = 'hooks';
const path = (kind: 'configmaps' | 'jobs', name: string) =>
  kind === 'jobs'
    ? `/apis/batch/v1/namespaces/${TARGET}/jobs/${name}`
    : `/api/v1/namespaces/${TARGET}/configmaps/${name}`;

const sync = (values: Record<string, unknown>) =>
  helmSync(
    NS,
    'hooked',
    { kind: 'GitRepository', name: 'charts' },
    { chart: './hooked', values },
    {
      targetNamespace: TARGET,
      timeout: '20s',
    },
  );

const created = (name: string) => seen.find((e) => e.type === 'ADDED' && e.name === name);

beforeAll(async () => {
  [sb, git] = await Promise.all([startSandbox(), startGitServer()]);
  await git.createRepo('charts', await chartFiles('hooked', 'hooked'));
  agent = await startTestAgent(sb);
  await crdsServed(sb);
  await namespaces(sb, TARGET);
  const client = kubeClient(sb.kc);
  for (const [apiVersion, kind] of [
    ['v1', 'ConfigMap'],
    ['batch/v1', 'Job'],
  ] as const) {
    void client.watch(
      apiVersion,
      kind,
      { namespace: TARGET, timeoutSeconds: 120 },
      (type, obj) => {
        const m = obj.metadata as { name: string; resourceVersion: string; uid: string };
        const conditions = ((obj.status as { conditions?: unknown } | undefined)?.conditions ?? []) as {
          type: string;
          status: string;
        }[];
        const complete = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
        seen.push({ type, kind, name: m.name, rv: Number(m.resourceVersion), uid: m.uid, complete });
      },
      watchStop.signal,
    );
  }
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'charts', namespace: NS },
    spec: { url: git.url('charts'), insecure: true, interval: '1m', ref: { branch: 'main' } },
  });
}, 60_000);

afterAll(async () => {
  watchStop.abort();
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('helm hooks', () => {
  it('runs pre hooks by weight before the release, and post hooks after it', async () => {
    const started = Date.now();
    await apply(sb, sync({}));
    const v = await waitSync(sb, NS, 'hooked', (s) => s.applied !== undefined);
    console.info(`hooks: install with 4 hooks Ready in ${Date.now() - started} ms`);
    const order = ['hooked-migrate', 'hooked-schema', 'hooked-app', 'hooked-notify', 'hooked-done'];
    const rvs = order.map((n) => created(n)?.rv ?? Number.NaN);
    expect(rvs.every(Number.isFinite), JSON.stringify(seen)).toBe(true);
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    // The Job had completed before the next group was applied.
    const job = await get(sb, path('jobs', 'hooked-migrate'));
    const conditions = (job?.status?.conditions ?? []) as { type: string; status: string }[];
    expect(conditions.some((c) => c.type === 'Complete' && c.status === 'True')).toBe(true);
    const completedAt = seen.find((e) => e.name === 'hooked-migrate' && e.complete)?.rv ?? Number.NaN;
    expect(completedAt).toBeLessThan(created('hooked-schema')?.rv ?? Number.NaN);
    // hook-succeeded: deleted once the post phase succeeded; the others stay.
    await eventually(async () => ((await get(sb, path('configmaps', 'hooked-notify'))) ? undefined : true));
    expect(seen.some((e) => e.type === 'DELETED' && e.name === 'hooked-notify')).toBe(true);
    expect(await get(sb, path('configmaps', 'hooked-done'))).toBeDefined();
    // Hooks are never in the inventory, so prune never deletes them.
    expect(v.inventory).toEqual(['hooks_hooked-app__ConfigMap']);
    expect(v.helm?.hooksAppliedFor).toBe(v.helm?.releaseDigest);
    expect((await get(sb, path('configmaps', 'hooked-done')))?.metadata?.labels).toMatchObject({
      'steward.dev/name': 'hooked',
    });
  });

  it('does not run the hooks again on a resync of the same release', async () => {
    const before = seen.length;
    const jobUid = created('hooked-migrate')?.uid;
    const started = Date.now();
    const v = await reconcileNow(sb, NS, 'hooked');
    console.info(`hooks: a resync of the same release took ${Date.now() - started} ms (request to status)`);
    expect(v.helm?.hooksAppliedFor).toBe(v.helm?.releaseDigest);
    expect(seen.slice(before).filter((e) => e.type !== 'MODIFIED')).toEqual([]);
    expect((await get(sb, path('jobs', 'hooked-migrate')))?.metadata?.uid).toBe(jobUid);
  });

  it('runs the upgrade hooks again when the values change, replacing the previous hook objects', async () => {
    const previous = await syncView(sb, NS, 'hooked');
    const oldJob = created('hooked-migrate')?.uid;
    const before = seen.length;
    await apply(sb, sync({ message: 'second' }));
    const v = await waitSync(sb, NS, 'hooked', (s) => s.helm?.releaseDigest !== previous.helm?.releaseDigest);
    expect(v.helm?.hooksAppliedFor).toBe(v.helm?.releaseDigest);
    const job = await get(sb, path('jobs', 'hooked-migrate'));
    expect(job?.metadata?.uid).not.toBe(oldJob);
    const later = seen.slice(before);
    // before-hook-creation: the old Job was deleted before the new one was created.
    const deleted = later.find((e) => e.type === 'DELETED' && e.name === 'hooked-migrate');
    const added = later.find((e) => e.type === 'ADDED' && e.name === 'hooked-migrate');
    expect(deleted && added && deleted.rv < added.rv).toBe(true);
    expect((await get(sb, path('configmaps', 'hooked-app')))?.data).toEqual({ message: 'second' });
    expect((await get(sb, path('configmaps', 'hooked-done')))?.data).toEqual({ message: 'second' });
  });

  it('fails the Sync naming a failed pre hook Job, deletes it (hook-failed), and leaves the release alone', async () => {
    await apply(sb, sync({ message: 'third', migrateImage: 'busybox:never-ready' }));
    const v = await waitFailed(sb, NS, 'hooked', /pre-upgrade hook Job\/hooks\/hooked-migrate failed/);
    expect(v.ready?.message).toMatch(
      /Job Failed\. failed: 1\/1: Job has reached the specified backoff limit/,
    );
    await eventually(async () => ((await get(sb, path('jobs', 'hooked-migrate'))) ? undefined : true));
    expect((await get(sb, path('configmaps', 'hooked-app')))?.data).toEqual({ message: 'second' });
    expect(v.helm?.version).toBe('0.1.0');
    // The last applied release's hooks stay recorded: a fix runs the hooks of the fixed release.
    await apply(sb, sync({ message: 'third' }));
    const fixed = await waitSync(sb, NS, 'hooked', (s) => s.helm?.releaseDigest !== v.helm?.releaseDigest);
    expect(fixed.helm?.hooksAppliedFor).toBe(fixed.helm?.releaseDigest);
    expect((await get(sb, path('configmaps', 'hooked-app')))?.data).toEqual({ message: 'third' });
  });
});
