/**
 * The API server in trouble, end to end: the agent runs in-process against the sandbox through a recording
 * HTTP proxy (the sandbox's port speaks plain HTTP too), so every request it makes is timed and attributed to a
 * path. Faults come from the sandbox's fault API (docs/sandbox.md): 503s on PATCH, an APF-style plain-text 429
 * with Retry-After, 2 s of latency on GET, dropped connections. After each the Sync must converge at the new
 * revision. The last test is the one that matters most: a revision that removes an object while the apply of
 * the others fails must not prune on that partial view (Flux deletes only after a successful apply).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from '../../../src/kube/index.js';
import { kubeClient } from '../../../src/kube/index.js';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import { watchDeletions } from '../../harness/deletions.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

const NS = 'faulty';
const SYNC_PATH = '/apis/steward.dev/v1alpha1/namespaces/default/syncs/app';
const CM = (name: string) => `/api/v1/namespaces/${NS}/configmaps/${name}`;

/** One request the agent made, as the proxy saw it. */
interface Seen {
  method: string;
  path: string;
  /** When the request arrived and when its answer (or the drop) was passed on. */
  at: number;
  end: number;
  /** 0 for a dropped connection; -1 while in flight. */
  status: number;
}

/** A plain-HTTP proxy in front of the sandbox that records every request; dropped connections stay dropped. */
async function recordingProxy(
  targetPort: number,
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const rec: Seen = { method: req.method ?? 'GET', path: url.pathname, at: Date.now(), end: 0, status: -1 };
    seen.push(rec);
    const up = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        rec.status = answer.statusCode ?? 0;
        res.writeHead(rec.status, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          rec.end = Date.now();
        });
      },
    );
    up.on('error', () => {
      rec.status = 0;
      rec.end = Date.now();
      req.socket.destroy();
    });
    // The agent hung up first (a watch it stopped): end the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function files(names: readonly string[], tag: string): Record<string, string> {
  const cms = names.map(
    (name) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\ndata:\n  tag: "${tag}"\n`,
  );
  const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
spec:
  replicas: 1
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

interface SyncState {
  ready?: string;
  reason?: string;
  message?: string;
  applied?: string;
  attempted?: string;
  inventory: string[];
}

let sb: SandboxHandle;
let git: GitServer;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let agent: AgentHandle;
let watched: { deleted: string[]; errors: string[] };
const abort = new AbortController();
let uids: Record<string, string> = {};
let step = 0;

async function get(path: string): Promise<Obj | undefined> {
  const r = await sb.raw('GET', path);
  return r.status === 200 ? r.json() : undefined;
}

async function syncState(): Promise<SyncState> {
  const s = (await get(SYNC_PATH))?.status as
    | {
        conditions?: { type: string; status: string; reason: string; message: string }[];
        lastAppliedRevision?: string;
        lastAttemptedRevision?: string;
        inventory?: { entries?: { id: string }[] };
      }
    | undefined;
  const r = s?.conditions?.find((c) => c.type === 'Ready');
  return {
    ...(r ? { ready: r.status, reason: r.reason, message: r.message } : {}),
    ...(s?.lastAppliedRevision ? { applied: s.lastAppliedRevision } : {}),
    ...(s?.lastAttemptedRevision ? { attempted: s.lastAttemptedRevision } : {}),
    inventory: (s?.inventory?.entries ?? []).map((e) => e.id),
  };
}

async function addFault(rule: Record<string, unknown>): Promise<void> {
  const r = await sb.raw('POST', '/sandbox/v1/faults', { body: rule });
  expect(r.status, r.text).toBe(201);
}

async function activeFaults(): Promise<{ id: string; times?: number }[]> {
  return ((await sb.raw('GET', '/sandbox/v1/faults')).json().rules ?? []) as { id: string; times?: number }[];
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
  return out;
}

/** Commits the next revision of `names`; returns its revision string. */
async function commit(names: readonly string[]): Promise<string> {
  step += 1;
  const sha = await git.commit('fleet', files(names, `step-${step}`), `step ${step}`);
  return `main@sha1:${sha}`;
}

/** Waits until the Sync is Ready at `revision` with every ConfigMap at the latest tag; returns the time taken. */
async function converged(revision: string, since: number, timeoutMs = 45_000): Promise<number> {
  await eventually(
    async () => {
      const s = await syncState();
      return s.applied === revision && s.ready === 'True' ? true : undefined;
    },
    timeoutMs,
    `the Sync to be Ready at ${revision}`,
  );
  return Date.now() - since;
}

function requestsTo(path: string, since: number, method = 'PATCH'): Seen[] {
  return proxy.seen.filter((s) => s.path === path && s.method === method && s.at >= since);
}

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer();
  await git.createRepo('fleet', files(['a', 'b', 'c'], 'step-0'));
  proxy = await recordingProxy(sb.ep.port);
  // The agent's kubeconfig points at the proxy; the test reads and writes the sandbox directly.
  const kc = new KubeConfig();
  // client-node refuses plain http unless TLS verification is off; there is no TLS to verify on this hop.
  kc.loadFromOptions({
    clusters: [{ name: 'proxy', server: proxy.url, skipTLSVerify: true }],
    users: [{ name: 'admin', token: sb.ep.adminToken }],
    contexts: [{ name: 'proxy', cluster: 'proxy', user: 'admin' }],
    currentContext: 'proxy',
  });
  agent = await startTestAgent({ ...sb, kc });
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
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace: 'default' },
      spec: { url: git.url('fleet'), insecure: true, interval: '1s', ref: { branch: 'main' } },
    },
    '/apis/steward.dev/v1alpha1/namespaces/default/gitrepositories/fleet',
  );
  await apply(
    {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'app', namespace: 'default' },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
        path: './app',
        interval: '5s',
        prune: true,
        timeout: '20s',
      },
    },
    SYNC_PATH,
  );
  await eventually(
    async () => ((await syncState()).ready === 'True' ? true : undefined),
    30_000,
    'first apply',
  );
  uids = await liveUids();
  watched = watchDeletions(kubeClient(sb.kc), abort.signal, [
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS },
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS },
  ]);
}, 60_000);

afterEach(async () => {
  await sb.raw('DELETE', '/sandbox/v1/faults');
});

afterAll(async () => {
  abort.abort();
  await agent?.stop();
  await proxy?.close();
  await git?.stop();
  await sb?.stop();
});

describe('API server faults', () => {
  it('converges through 503s on PATCH of its objects', async () => {
    const t0 = Date.now();
    await addFault({
      id: 'patch-503',
      verb: 'patch',
      path: `/api/v1/namespaces/${NS}/configmaps/*`,
      action: { type: 'status', code: 503 },
      times: 4,
    });
    const revision = await commit(['a', 'b', 'c']);
    const ms = await converged(revision, t0);
    const answered = proxy.seen.filter((s) => s.at >= t0 && s.method === 'PATCH' && s.status === 503);
    expect(answered.map((s) => s.path.split('/').at(-2))).toEqual([
      'configmaps',
      'configmaps',
      'configmaps',
      'configmaps',
    ]);
    expect(await activeFaults()).toEqual([]);
    console.log(`4 injected 503s on PATCH: Ready at the revision ${ms} ms after the push`);
  });

  it('honours Retry-After on a plain-text 429: nothing to that path within 1 s', async () => {
    const t0 = Date.now();
    await addFault({
      id: 'apf',
      verb: 'patch',
      path: CM('a'),
      action: { type: 'throttle', retryAfterSeconds: 1, form: 'plain' },
      times: 1,
    });
    const revision = await commit(['a', 'b', 'c']);
    const ms = await converged(revision, t0);
    const toA = proxy.seen.filter((s) => s.path === CM('a') && s.at >= t0);
    const throttled = toA.findIndex((s) => s.status === 429);
    expect(throttled).toBeGreaterThanOrEqual(0);
    const answeredAt = toA[throttled]?.end ?? 0;
    const next = toA[throttled + 1];
    expect(next).toBeDefined();
    const waited = (next?.at ?? 0) - answeredAt;
    // Node timers count from the event loop's cached clock, which can lag Date.now() by a few ms.
    expect(waited).toBeGreaterThanOrEqual(1_000 - 20);
    console.log(
      `plain-text 429 with Retry-After: 1 on PATCH ${CM('a')}: next request to it ${waited} ms later; Ready ${ms} ms after the push`,
    );
  });

  it('converges with 2 s of added latency on every GET of its objects', async () => {
    const t0 = Date.now();
    for (const [id, path] of [
      ['slow-core', `/api/v1/namespaces/${NS}/**`],
      ['slow-apps', `/apis/apps/v1/namespaces/${NS}/**`],
    ] as const) {
      await addFault({ id, verb: 'get', path, action: { type: 'latency', ms: 2_000 } });
    }
    const revision = await commit(['a', 'b', 'c']);
    const ms = await converged(revision, t0);
    const object = new RegExp(`^/api/v1/namespaces/${NS}/[^/]+/[^/]+$`);
    const slow = proxy.seen.filter((s) => s.at >= t0 && s.method === 'GET' && object.test(s.path));
    expect(slow.length).toBeGreaterThan(0);
    for (const s of slow.filter((x) => x.end > 0)) expect(s.end - s.at).toBeGreaterThanOrEqual(1_990);
    console.log(
      `2 s latency on GET: ${slow.length} slowed reads, Ready at the revision ${ms} ms after the push`,
    );
  });

  it('converges through dropped connections', async () => {
    const t0 = Date.now();
    await addFault({
      id: 'drop',
      verb: '*',
      path: `/api/v1/namespaces/${NS}/configmaps/*`,
      action: { type: 'drop' },
      times: 3,
    });
    const revision = await commit(['a', 'b', 'c']);
    const ms = await converged(revision, t0);
    expect(proxy.seen.filter((s) => s.at >= t0 && s.status === 0).length).toBe(3);
    expect(await activeFaults()).toEqual([]);
    console.log(`3 dropped connections: Ready at the revision ${ms} ms after the push`);
  });

  it('does not prune on a partial view: c stays while a and b fail, and goes once they apply', async () => {
    for (const name of ['a', 'b']) {
      await addFault({
        id: `block-${name}`,
        verb: 'patch',
        path: CM(name),
        action: { type: 'status', code: 500 },
      });
    }
    const cUid = (await liveUids())['ConfigMap/c'];
    const t0 = Date.now();
    const revision = await commit(['a', 'b']);
    const failed = await eventually(
      async () => {
        const s = await syncState();
        return s.attempted === revision && s.ready === 'False' ? s : undefined;
      },
      30_000,
      'the apply of the new revision to fail',
    );
    // Let it retry a few times (backoff 1, 2, 4 s) while a and b keep failing.
    await eventually(
      () => (requestsTo(CM('a'), t0).filter((s) => s.status === 500).length >= 3 ? true : undefined),
      30_000,
      'three failed attempts',
    );
    const during = await syncState();
    expect((await liveUids())['ConfigMap/c']).toBe(cUid);
    expect(requestsTo(CM('c'), t0, 'DELETE')).toEqual([]);
    expect(watched.deleted).toEqual([]);
    expect(during.ready).toBe('False');
    expect(during.applied).not.toBe(revision);
    expect(during.inventory).toContain(`${NS}_c__ConfigMap`);

    const cleared = Date.now();
    await sb.raw('DELETE', '/sandbox/v1/faults');
    const ms = await converged(revision, cleared);
    await eventually(
      async () => ((await get(CM('c'))) === undefined ? true : undefined),
      10_000,
      'c to be pruned',
    );
    expect(requestsTo(CM('c'), cleared, 'DELETE').length).toBe(1);
    expect((await syncState()).inventory).not.toContain(`${NS}_c__ConfigMap`);
    await eventually(() => (watched.deleted.length > 0 ? true : undefined), 5_000, 'the DELETED event of c');
    expect(watched.deleted).toEqual(['ConfigMap/c']);
    console.log(
      `partial apply: failed with ${failed.reason} (${failed.message}); c kept through ` +
        `${requestsTo(CM('a'), t0).filter((s) => s.status === 500).length} failed PATCHes of a; ` +
        `pruned once the faults ended, Ready ${ms} ms after that`,
    );
  }, 90_000);

  it('kept every other object (same uids) and deleted only c', async () => {
    const now = await liveUids();
    for (const key of ['ConfigMap/a', 'ConfigMap/b', 'Deployment/web']) expect(now[key], key).toBe(uids[key]);
    expect(now['ConfigMap/c']).toBeUndefined();
    expect(watched.errors).toEqual([]);
    expect(watched.deleted).toEqual(['ConfigMap/c']);
  });
});
