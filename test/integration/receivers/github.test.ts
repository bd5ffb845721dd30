/**
 * A GitHub Receiver end to end on real parts: the sandbox API server, a real `git http-backend`, the agent
 * in-process. The GitRepository and the Sync poll every hour, so only the webhook can explain a new commit
 * being applied within seconds (Flux notification-controller's Receiver contract).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer, RequestRecord } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import {
  ANNOTATION,
  annotationOf,
  apply,
  call,
  expectedPath,
  GROUP,
  get,
  hmacHeader,
  readyOf,
  secret,
  stewardPath,
  waitForPath,
} from './helpers.js';

const TOKEN = 'gh-webhook-token-0123456789';
const NS = 'default';
const SYNC = stewardPath('syncs', NS, 'app');
const REPO = stewardPath('gitrepositories', NS, 'fleet');

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let hook: string;

function configMap(value: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${NS}\ndata:\n  value: "${value}"\n`;
}

async function applied(): Promise<string | undefined> {
  const s = await get(sb, SYNC);
  return typeof s?.status?.lastAppliedRevision === 'string' ? s.status.lastAppliedRevision : undefined;
}

async function waitApplied(sha: string, timeoutMs = 15_000): Promise<void> {
  await eventually(
    async () => ((await applied())?.endsWith(sha) ? true : undefined),
    timeoutMs,
    `${sha} applied`,
  );
}

function push(body: string, event = 'push'): Promise<Awaited<ReturnType<typeof call>>> {
  return call(agent.agent.webhookPort, hook, body, {
    'x-github-event': event,
    'x-hub-signature-256': hmacHeader('sha256', TOKEN, body),
  });
}

/**
 * What reconciles of the GitRepository cost the Git server among `records`: each reconcile lists refs with
 * protocol v2 (GET info/refs with `git-protocol: version=2`, then POST ls-refs); a reconcile that found a new
 * revision also fetches a pack (isomorphic-git's fetch: GET info/refs and POST git-upload-pack without v2).
 */
function gitTraffic(records: readonly RequestRecord[]): { listings: number; fetches: number } {
  const v2 = (r: RequestRecord) => r.gitProtocol === 'version=2';
  return {
    listings: records.filter((r) => r.method === 'GET' && r.url.includes('/info/refs') && v2(r)).length,
    fetches: records.filter((r) => r.method === 'POST' && r.url.endsWith('/git-upload-pack') && !v2(r))
      .length,
  };
}

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer();
  await git.createRepo('fleet', {
    'app/kustomization.yaml': 'resources: [config.yaml]\n',
    'app/config.yaml': configMap('v0'),
  });
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', `${GROUP}/receivers`)).status === 200 ? true : undefined,
  );
  await apply(sb, REPO, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'fleet', namespace: NS },
    spec: { url: git.url('fleet'), insecure: true, interval: '1h', ref: { branch: 'main' } },
  });
  await apply(sb, SYNC, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'app', namespace: NS },
    spec: { sourceRef: { kind: 'GitRepository', name: 'fleet' }, path: './app', interval: '1h', prune: true },
  });
  await eventually(async () => ((await applied()) ? true : undefined), 30_000, 'the first revision applied');
  await secret(sb, NS, 'github-token', { token: TOKEN });
  await apply(sb, stewardPath('receivers', NS, 'github'), {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Receiver',
    metadata: { name: 'github', namespace: NS },
    spec: {
      type: 'github',
      events: ['push'],
      secretRef: { name: 'github-token' },
      resources: [{ kind: 'GitRepository', name: 'fleet' }],
    },
  });
  hook = await waitForPath(sb, NS, 'github');
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('GitHub receiver', () => {
  it("writes Flux's webhook path to status and says Ready without the path in the message", async () => {
    expect(hook).toBe(expectedPath(TOKEN, 'github', NS));
    const r = await get(sb, stewardPath('receivers', NS, 'github'));
    expect(readyOf(r)).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(readyOf(r)?.message).not.toContain(hook);
    expect(r?.status?.observedGeneration).toBe(1);
  });

  it('applies a pushed commit within seconds of a signed push call, with a 1h interval', async () => {
    const sha = await git.commit('fleet', { 'app/config.yaml': configMap('v1') }, 'v1');
    const started = Date.now();
    const answer = await push(JSON.stringify({ ref: 'refs/heads/main', after: sha }));
    expect(answer.status).toBe(202);
    await waitApplied(sha);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(10_000);
    const cm = await get(sb, `/api/v1/namespaces/${NS}/configmaps/settings`);
    expect(cm?.data).toEqual({ value: 'v1' });
    const repo = await get(sb, REPO);
    expect(annotationOf(repo)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('answers a bad signature with 401 and triggers nothing', async () => {
    const before = annotationOf(await get(sb, REPO));
    const seen = git.requests().length;
    const sha = await git.commit('fleet', { 'app/config.yaml': configMap('v2') }, 'v2');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
    const answers = await Promise.all([
      call(agent.agent.webhookPort, hook, body, { 'x-github-event': 'push' }),
      call(agent.agent.webhookPort, hook, body, {
        'x-github-event': 'push',
        'x-hub-signature-256': hmacHeader('sha256', 'not-the-token', body),
      }),
      call(agent.agent.webhookPort, hook, body, {
        'x-github-event': 'push',
        'x-hub-signature-256': 'sha256=00',
      }),
    ]);
    expect(answers.map((a) => [a.status, a.text])).toEqual([
      [401, 'unauthorized\n'],
      [401, 'unauthorized\n'],
      [401, 'unauthorized\n'],
    ]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(annotationOf(await get(sb, REPO))).toBe(before);
    expect(git.requests().length).toBe(seen);
    expect((await applied())?.endsWith(sha)).toBe(false);
  });

  it('answers a ping with 200 and an event not listed in spec.events with 200, triggering neither', async () => {
    const before = annotationOf(await get(sb, REPO));
    const ping = await push('{"zen":"Keep it logically awesome."}', 'ping');
    expect([ping.status, ping.text]).toEqual([200, 'pong\n']);
    const issues = await push('{"action":"opened"}', 'issues');
    expect(issues.status).toBe(200);
    expect(issues.text).toBe('event ignored by this receiver\n');
    expect(annotationOf(await get(sb, REPO))).toBe(before);
  });

  it('coalesces a burst of 20 calls into at most 2 reconciles of the source', async () => {
    const sha = await git.commit('fleet', { 'app/config.yaml': configMap('v3') }, 'v3');
    const watched = new Set<string>();
    const abort = new AbortController();
    const watching = agent.agent.client.watch(
      'steward.dev/v1alpha1',
      'GitRepository',
      { namespace: NS, resourceVersion: String((await get(sb, REPO))?.metadata?.resourceVersion ?? '0') },
      (_type, o) => {
        const v = (o.metadata as { annotations?: Record<string, string> }).annotations?.[ANNOTATION];
        if (v) watched.add(v);
      },
      abort.signal,
    );
    const seen = git.requests().length;
    const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => push(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    await waitApplied(sha);
    const appliedMs = Date.now() - started;
    // Give a trailing reconcile time to happen, so it is counted if there is one.
    await new Promise((r) => setTimeout(r, 2_000));
    abort.abort();
    await watching;
    const traffic = gitTraffic(git.requests().slice(seen));
    console.log(
      `burst of 20 calls: ${watched.size} annotation writes, ${traffic.listings} ref listings, ` +
        `${traffic.fetches} pack fetches; applied ${appliedMs} ms after the burst started`,
    );
    expect(watched.size).toBeGreaterThanOrEqual(1);
    expect(watched.size).toBeLessThanOrEqual(2);
    expect(traffic.listings).toBeGreaterThanOrEqual(1);
    expect(traffic.listings).toBeLessThanOrEqual(2);
    expect(traffic.fetches).toBe(1);
  });

  it('keeps secrets and the path out of every log line', () => {
    const text = agent.logs.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(hook.slice('/hook/'.length));
    expect(agent.logs.some((l) => l.msg === 'receiver requested reconciles' && l.name === 'github')).toBe(
      true,
    );
  });
});
