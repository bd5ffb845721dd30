/**
 * HelmRepository objects reconciled by the real agent against the sandbox API server: an HTTP repository served
 * by the test (charts built by the real `helm package`, index by `helm repo index`), one behind basic auth, one
 * that starts failing, and an OCI repository, which is static.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { HelmRepoServer } from '../../harness/helm-repo.js';
import { startHelmRepo } from '../../harness/helm-repo.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import { body, type FixtureServer, startFixtureServer } from './http-fixture.js';

const CHARTS = join(import.meta.dirname, '../../fixtures/helm/podinfo');
const API = '/apis/steward.dev/v1alpha1/namespaces/default/helmrepositories';

let sb: SandboxHandle;
let agent: AgentHandle;
let repo: HelmRepoServer;
let locked: HelmRepoServer;
let fixture: FixtureServer;

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface Status {
  conditions?: Condition[];
  artifact?: { path: string; revision: string; digest: string; size: number; lastUpdateTime: string };
}

async function status(name: string): Promise<Status | undefined> {
  const r = await sb.raw('GET', `${API}/${name}`);
  return r.status === 200 ? ((r.json().status ?? {}) as Status) : undefined;
}

async function ready(
  name: string,
  want: 'True' | 'False',
  check: (s: Status, c: Condition) => boolean = () => true,
) {
  return eventually(
    async () => {
      const s = await status(name);
      const c = s?.conditions?.find((x) => x.type === 'Ready');
      return s && c?.status === want && check(s, c) ? { s, c } : undefined;
    },
    15_000,
    `HelmRepository ${name} Ready=${want}`,
  );
}

async function apply(path: string, obj: object): Promise<void> {
  const r = await sb.raw('PATCH', `${path}?fieldManager=test&force=true`, {
    body: obj,
    contentType: 'application/apply-patch+yaml',
  });
  if (r.status >= 300) throw new Error(`apply ${path}: ${r.status} ${r.text}`);
}

function helmRepository(name: string, spec: Record<string, unknown>) {
  return apply(`${API}/${name}`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'HelmRepository',
    metadata: { name, namespace: 'default' },
    spec: { interval: '1s', ...spec },
  });
}

function secret(name: string, stringData: Record<string, string>) {
  return apply(`/api/v1/namespaces/default/secrets/${name}`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    stringData,
  });
}

async function served(url: string): Promise<string> {
  const bytes = Buffer.from(await (await fetch(`${url}/index.yaml`)).arrayBuffer());
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function events(name: string): Promise<{ reason: string; type: string; message: string }[]> {
  const r = await sb.raw(
    'GET',
    `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${name}`,
  );
  return ((r.json().items ?? []) as { reason: string; type: string; message: string }[]).map((e) => ({
    reason: e.reason,
    type: e.type,
    message: e.message,
  }));
}

beforeAll(async () => {
  sb = await startSandbox();
  repo = await startHelmRepo();
  await repo.addChart(join(CHARTS, '1.0.0'));
  locked = await startHelmRepo({ basic: { username: 'reader', password: 'hunter2-secret' } });
  await locked.addChart(join(CHARTS, '1.0.0'));
  fixture = await startFixtureServer();
  agent = await startTestAgent(sb);
  await eventually(async () => ((await sb.raw('GET', API)).status === 200 ? true : undefined));
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await repo?.stop();
  await locked?.stop();
  await fixture?.stop();
  await sb?.stop();
});

describe('HelmRepository', () => {
  it('fetches the index, records it as the artifact, and polls conditionally', async () => {
    await helmRepository('podinfo', { url: repo.url, insecure: true });
    const digest = await served(repo.url);
    const { s, c } = await ready('podinfo', 'True');
    expect(s.artifact).toMatchObject({
      path: 'helm/indexes/default/podinfo/index.yaml',
      revision: digest,
      digest,
    });
    expect(c.message).toBe(`stored index revision '${digest}': 1 charts, 1 versions`);
    // Polled every second: the server answers 304 and the agent neither parses nor writes anything.
    const before = repo.requests().filter((r) => r.url === '/index.yaml').length;
    const written = (await sb.raw('GET', `${API}/podinfo`)).json().metadata as { resourceVersion: string };
    const polls = await eventually(async () => {
      const seen = repo
        .requests()
        .filter((r) => r.url === '/index.yaml')
        .slice(before);
      return seen.length >= 2 ? seen : undefined;
    });
    expect(polls.map((r) => r.status)).toEqual(polls.map(() => 304));
    const after = (await sb.raw('GET', `${API}/podinfo`)).json().metadata as { resourceVersion: string };
    expect(after.resourceVersion).toBe(written.resourceVersion);
    expect((await events('podinfo')).filter((e) => e.reason === 'NewArtifact')).toHaveLength(1);
  });

  it('records a new revision when the index changes', async () => {
    const { s: first } = await ready('podinfo', 'True');
    await repo.addChart(join(CHARTS, '1.1.0'));
    const digest = await served(repo.url);
    expect(digest).not.toBe(first.artifact?.revision);
    const { s, c } = await ready('podinfo', 'True', (x) => x.artifact?.revision === digest);
    expect(c.message).toBe(`stored index revision '${digest}': 1 charts, 2 versions`);
    expect(s.artifact?.size).toBeGreaterThan(first.artifact?.size ?? 0);
    const news = (await events('podinfo')).filter((e) => e.reason === 'NewArtifact');
    expect(news.map((e) => e.message)).toContain(c.message);
  });

  it('authenticates with the Secret, and says so when the credentials are wrong', async () => {
    await secret('chart-reader', { username: 'reader', password: 'hunter2-secret' });
    await helmRepository('locked', { url: locked.url, insecure: true, secretRef: { name: 'chart-reader' } });
    const { s: good } = await ready('locked', 'True', (s) => s.artifact !== undefined);
    await secret('chart-reader', { username: 'reader', password: 'not-the-password' });
    const { s, c } = await ready('locked', 'False');
    expect(c.reason).toBe('AuthenticationFailed');
    expect(c.message).toBe('index.yaml of HelmRepository default/locked: authentication failed (HTTP 401)');
    // The last good index stays the artifact.
    expect(s.artifact).toEqual(good.artifact);
    const all = JSON.stringify(await events('locked'));
    expect(all).not.toContain('not-the-password');
    expect(all).not.toContain('hunter2-secret');

    await helmRepository('nosecret', { url: locked.url, insecure: true, secretRef: { name: 'missing' } });
    const missing = await ready('nosecret', 'False');
    expect(missing.c).toMatchObject({
      reason: 'AuthenticationFailed',
      message: "secret 'default/missing' not found",
    });
  });

  it('keeps the last good artifact when the server starts failing, and recovers', async () => {
    const index = 'apiVersion: v1\nentries:\n  a:\n  - {name: a, version: 1.0.0, urls: [a-1.0.0.tgz]}\n';
    fixture.route('/flaky/index.yaml', body(index, 'application/x-yaml'));
    await helmRepository('flaky', { url: `${fixture.url}/flaky`, insecure: true });
    const { s: good } = await ready('flaky', 'True');
    fixture.route('/flaky/index.yaml', (_q, res) => {
      res.writeHead(500).end('boom');
    });
    const { s, c } = await ready('flaky', 'False');
    expect(c.reason).toBe('ArtifactFailed');
    expect(c.message).toBe(
      `index.yaml of HelmRepository default/flaky: ${fixture.url}/flaky/index.yaml answered HTTP 500`,
    );
    expect(s.artifact).toEqual(good.artifact);
    fixture.route('/flaky/index.yaml', body(`${index}generated: "now"\n`, 'application/x-yaml'));
    await ready('flaky', 'True', (x) => x.artifact?.revision !== good.artifact?.revision);
  });

  it('reports an index that is not one', async () => {
    fixture.route(
      '/broken/index.yaml',
      body('apiVersion: v1\nentries:\n  a:\n  - name: [a\n', 'application/x-yaml'),
    );
    await helmRepository('broken', { url: `${fixture.url}/broken`, insecure: true });
    const { c } = await ready('broken', 'False');
    expect(c.reason).toBe('ArtifactFailed');
    expect(c.message).toMatch(
      /^index.yaml of HelmRepository default\/broken is not valid YAML: line \d+, column \d+: /,
    );
  });

  it('treats an OCI repository as static: Ready once its Secret is readable', async () => {
    await helmRepository('oci', { url: 'oci://127.0.0.1:5999/charts', type: 'oci', insecure: true });
    const { s, c } = await ready('oci', 'True');
    expect(c.message).toBe('OCI repository: charts are fetched by the Syncs');
    expect(s.artifact).toBeUndefined();
    await helmRepository('oci-auth', {
      url: 'oci://127.0.0.1:5999/charts',
      type: 'oci',
      insecure: true,
      secretRef: { name: 'registry-creds' },
    });
    const missing = await ready('oci-auth', 'False');
    expect(missing.c.message).toBe("secret 'default/registry-creds' not found");
    await secret('registry-creds', { username: 'puller', password: 'registry-pass' });
    await ready('oci-auth', 'True');
  });
});
