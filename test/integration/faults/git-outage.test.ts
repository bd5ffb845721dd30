/**
 * A Git host outage must cost nothing but freshness. Argo CD #3473 deleted every application when its repo
 * server answered with errors; Flux keeps serving the last artifact and marks only the source not Ready.
 * Here the agent runs in-process against the sandbox and a real git http-backend behind a TCP proxy, through
 * three outages: HTTP 503 from the host, the host gone (connection refused, then back on the same port), and
 * an agent restart in the middle of an outage (no artifact on disk or in memory). A watch records every
 * DELETED event in the Sync's namespace from the first apply to the end: there must be none.
 */
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from '../../../src/kube/index.js';
import { kubeClient } from '../../../src/kube/index.js';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import { watchDeletions } from '../../harness/deletions.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

const NS = 'outage';
const USER = 'fleet-bot';
const PASSWORD = 'correct-horse-battery-staple';
const REPO_PATH = '/apis/steward.dev/v1alpha1/namespaces/default/gitrepositories/fleet';
const SYNC_PATH = '/apis/steward.dev/v1alpha1/namespaces/default/syncs/app';
const OUTAGE_MS = 10_000;

/** A TCP proxy in front of the git server: closing it is a host that is gone; opening it again, on the same port, is the host back. */
class TcpProxy {
  port = 0;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function files(rev: number): Record<string, string> {
  const extra = Array.from({ length: rev }, (_, i) => `added-${i + 1}`);
  const cms = ['settings', 'flags', ...extra].map(
    (name) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\ndata:\n  rev: "${rev}"\n`,
  );
  const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;
  return {
    'app/kustomization.yaml': 'resources: [objects.yaml]\n',
    'app/objects.yaml': [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`, ...cms, deploy].join(
      '---\n',
    ),
  };
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

let sb: SandboxHandle;
let git: GitServer;
let proxy: TcpProxy;
let agent: AgentHandle;
/** The log lines of every agent this file ran, to check none of them ever held the password. */
const logs: Record<string, unknown>[][] = [];
let watched: { deleted: string[]; errors: string[] };
const abort = new AbortController();
let revision = '';
let uids: Record<string, string> = {};
let rev = 0;

async function get(path: string): Promise<Obj | undefined> {
  const r = await sb.raw('GET', path);
  return r.status === 200 ? r.json() : undefined;
}

async function ready(path: string): Promise<Condition | undefined> {
  const conds = ((await get(path))?.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return conds.find((c) => c.type === 'Ready');
}

async function lastApplied(): Promise<string | undefined> {
  return ((await get(SYNC_PATH))?.status as { lastAppliedRevision?: string } | undefined)
    ?.lastAppliedRevision;
}

async function liveUids(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [kind, path] of [
    ['ConfigMap', `/api/v1/namespaces/${NS}/configmaps`],
    ['Deployment', `/apis/apps/v1/namespaces/${NS}/deployments`],
  ] as const) {
    const items = ((await get(path))?.items ?? []) as { metadata: { name: string; uid: string } }[];
    for (const o of items) out[`${kind}/${o.metadata.name}`] = o.metadata.uid;
  }
  const ns = (await get(`/api/v1/namespaces/${NS}`))?.metadata as { uid?: string } | undefined;
  if (ns?.uid) out[`Namespace/${NS}`] = ns.uid;
  return out;
}

/** Commits the next revision and waits until the Sync is Ready at it; returns how long that took. */
async function commitAndWait(): Promise<number> {
  rev += 1;
  const sha = await git.commit('fleet', files(rev), `revision ${rev}`);
  const t0 = Date.now();
  revision = `main@sha1:${sha}`;
  await eventually(
    async () =>
      (await lastApplied()) === revision && (await ready(SYNC_PATH))?.status === 'True' ? true : undefined,
    45_000,
    `revision ${rev} to be applied`,
  );
  return Date.now() - t0;
}

/** The times the agent logged a failed fetch of the GitRepository, from `since` on. */
function fetchFailures(since: number): number[] {
  return agent.logs
    .filter((l) => l.msg === 'source fetch failed' && l.name === 'fleet' && Number(l.time) >= since)
    .map((l) => Number(l.time));
}

/**
 * Holds an outage for OUTAGE_MS while sampling the Sync every 100 ms; returns what the samples and the
 * agent's log saw. Drift is injected half way, to show the Sync still works from the last artifact.
 */
async function duringOutage(): Promise<{
  syncNotReady: string[];
  repo: Condition | undefined;
  failures: number[];
  driftRevertedMs: number;
}> {
  const t0 = Date.now();
  const syncNotReady: string[] = [];
  let repo: Condition | undefined;
  let driftRevertedMs = -1;
  let drifted = false;
  let driftAt = 0;
  while (Date.now() - t0 < OUTAGE_MS) {
    const s = await ready(SYNC_PATH);
    const applied = await lastApplied();
    if (s?.status !== 'True' || applied !== revision)
      syncNotReady.push(`${Date.now() - t0} ms: ${s?.status}/${s?.reason} at ${applied}`);
    const r = await ready(REPO_PATH);
    if (r?.status === 'False') repo ??= r;
    if (!drifted && Date.now() - t0 > OUTAGE_MS / 2) {
      drifted = true;
      driftAt = Date.now();
      await sb.raw('PATCH', `/api/v1/namespaces/${NS}/configmaps/settings?fieldManager=kubectl-edit`, {
        body: { data: { rev: 'edited by hand' } },
        contentType: 'application/merge-patch+json',
      });
    }
    if (drifted && driftRevertedMs < 0) {
      const cm = await get(`/api/v1/namespaces/${NS}/configmaps/settings`);
      if ((cm?.data as Record<string, string> | undefined)?.rev === String(rev))
        driftRevertedMs = Date.now() - driftAt;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { syncNotReady, repo, failures: fetchFailures(t0), driftRevertedMs };
}

/** Retries must back off: each gap between failed fetches at least 1.5 times the one before (doubling, ±10 % jitter). */
function expectBackoff(failures: number[]): number[] {
  const gaps = failures.slice(1).map((t, i) => t - (failures[i] ?? t));
  expect(failures.length).toBeGreaterThanOrEqual(3);
  // At the 1 s interval a hot loop would fail 10 times in 10 s; backoff (1, 2, 4, 8 s) allows 4.
  expect(failures.length).toBeLessThanOrEqual(6);
  expect(gaps[0]).toBeGreaterThanOrEqual(850);
  for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(1.5 * (gaps[i - 1] ?? 0));
  return gaps;
}

function expectNoCredentials(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
}

async function waitRepoReady(since: number): Promise<number> {
  await eventually(
    async () => ((await ready(REPO_PATH))?.status === 'True' ? true : undefined),
    60_000,
    'the GitRepository to recover',
  );
  return Date.now() - since;
}

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer({ basic: { username: USER, password: PASSWORD } });
  await git.createRepo('fleet', files(0));
  proxy = new TcpProxy(Number(new URL(git.baseUrl).port));
  await proxy.open();
  agent = await startTestAgent(sb);
  logs.push(agent.logs);
  const apply = (body: object, path: string) =>
    sb.raw('PATCH', `${path}?fieldManager=test&force=true`, {
      body,
      contentType: 'application/apply-patch+yaml',
    });
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1/gitrepositories')).status === 200 ? true : undefined,
  );
  await apply(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'git-credentials', namespace: 'default' },
      stringData: { username: USER, password: PASSWORD },
    },
    '/api/v1/namespaces/default/secrets/git-credentials',
  );
  await apply(
    {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace: 'default' },
      spec: {
        url: `http://127.0.0.1:${proxy.port}/fleet.git`,
        insecure: true,
        interval: '1s',
        timeout: '5s',
        ref: { branch: 'main' },
        secretRef: { name: 'git-credentials' },
      },
    },
    REPO_PATH,
  );
  await apply(
    {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'app', namespace: 'default' },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
        path: './app',
        interval: '2s',
        prune: true,
        timeout: '20s',
      },
    },
    SYNC_PATH,
  );
  await eventually(async () => ((await lastApplied()) ? true : undefined), 30_000, 'the first apply');
  revision = (await lastApplied()) ?? '';
  uids = await liveUids();
  watched = watchDeletions(kubeClient(sb.kc), abort.signal, [
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS },
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS },
    { apiVersion: 'v1', kind: 'Namespace', name: NS },
  ]);
}, 60_000);

afterAll(async () => {
  abort.abort();
  await agent?.stop();
  await proxy?.close();
  await git?.stop();
  await sb?.stop();
});

describe('a Git host outage', () => {
  it('HTTP 503: the source fails without credentials in sight, the Sync keeps its revision, retries back off', async () => {
    const before = git.requests().length;
    const t0 = Date.now();
    git.failNext(1_000_000, 503);
    const seen = await duringOutage();
    const requests = git.requests().slice(before);
    git.failNext(0, 503);
    const recoveryMs = await waitRepoReady(Date.now());
    const applyMs = await commitAndWait();

    expect(seen.repo?.reason).toBe('GitOperationFailed');
    expect(seen.repo?.message).toContain('HTTP 503');
    expectNoCredentials(JSON.stringify(await get(REPO_PATH)));
    expect(seen.syncNotReady).toEqual([]);
    expect(seen.driftRevertedMs).toBeGreaterThanOrEqual(0);
    const gaps = expectBackoff(seen.failures);
    // One request per poll: the ref listing fails before anything else is asked.
    expect(requests.filter((r) => r.status === 503).length).toBeLessThanOrEqual(seen.failures.length + 1);
    console.log(
      `503 outage of ${OUTAGE_MS} ms: source Ready=False "${seen.repo?.message}"; ${seen.failures.length} failed polls (gaps ${gaps.join(', ')} ms), ` +
        `${requests.length} requests at the git server, drift reverted in ${seen.driftRevertedMs} ms; ` +
        `source Ready ${recoveryMs} ms after the host came back, next commit applied ${applyMs} ms after the push`,
    );
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 90_000);

  it('connection refused: the same, and recovery when the host is back on the same port', async () => {
    const t0 = Date.now();
    await proxy.close();
    const seen = await duringOutage();
    await proxy.open();
    const recoveryMs = await waitRepoReady(Date.now());
    const applyMs = await commitAndWait();

    expect(seen.repo?.reason).toBe('GitOperationFailed');
    expect(seen.repo?.message).toContain('ECONNREFUSED');
    expect(seen.syncNotReady).toEqual([]);
    expect(seen.driftRevertedMs).toBeGreaterThanOrEqual(0);
    const gaps = expectBackoff(seen.failures);
    console.log(
      `connection-refused outage of ${OUTAGE_MS} ms: source Ready=False "${seen.repo?.message}"; ${seen.failures.length} failed polls (gaps ${gaps.join(', ')} ms); ` +
        `source Ready ${recoveryMs} ms after the host came back, next commit applied ${applyMs} ms after the push`,
    );
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 90_000);

  it('an agent restarted during an outage, with no artifact left, deletes nothing and recovers', async () => {
    git.failNext(1_000_000, 503);
    await agent.stop();
    // A new pod: a fresh artifacts directory, nothing in memory.
    agent = await startTestAgent(sb);
    logs.push(agent.logs);
    const t0 = Date.now();
    const reasons = new Set<string>();
    while (Date.now() - t0 < 6_000) {
      const s = await ready(SYNC_PATH);
      if (s) reasons.add(`${s.status}/${s.reason}`);
      expect(await lastApplied()).toBe(revision);
      await new Promise((r) => setTimeout(r, 100));
    }
    const repo = await ready(REPO_PATH);
    git.failNext(0, 503);
    const recoveryMs = await waitRepoReady(Date.now());
    const applyMs = await commitAndWait();

    expect(repo?.reason).toBe('GitOperationFailed');
    // Without an artifact the Sync waits: it neither applies an empty set nor prunes anything.
    expect(
      [...reasons].every((r) => r === 'True/ReconciliationSucceeded' || r.endsWith('/SourceNotReady')),
    ).toBe(true);
    console.log(
      `restart during an outage: Sync conditions seen ${[...reasons].join(', ')}; source Ready ${recoveryMs} ms ` +
        `after the host came back, next commit applied ${applyMs} ms after the push`,
    );
  }, 90_000);

  it('deleted nothing and kept every object (same uids) through all of it', async () => {
    const now = await liveUids();
    for (const [key, uid] of Object.entries(uids)) expect(now[key], key).toBe(uid);
    // Every revision only adds: the added ConfigMaps are the only new objects.
    expect(Object.keys(now).sort()).toEqual(
      [...Object.keys(uids), ...Array.from({ length: rev }, (_, i) => `ConfigMap/added-${i + 1}`)].sort(),
    );
    expect(watched.errors).toEqual([]);
    expect(watched.deleted).toEqual([]);
    expectNoCredentials(JSON.stringify(logs));
    const events = await get('/api/v1/namespaces/default/events');
    expectNoCredentials(JSON.stringify(events));
  });
});
