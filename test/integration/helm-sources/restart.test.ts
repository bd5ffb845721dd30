/**
 * An agent restarted over the same artifacts directory serves the stored index at once and asks the repository
 * conditionally: the first request after the restart is a 304, and the status does not move.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Agent } from '../../../src/agent.js';
import { startAgent } from '../../../src/agent.js';
import { parseConfig } from '../../../src/config/index.js';
import type { HelmRepoServer } from '../../harness/helm-repo.js';
import { startHelmRepo } from '../../harness/helm-repo.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

const CHARTS = join(import.meta.dirname, '../../fixtures/helm/podinfo');
const PATH = '/apis/steward.dev/v1alpha1/namespaces/default/helmrepositories/podinfo';

let sb: SandboxHandle;
let repo: HelmRepoServer;
let artifacts: string;
const running: Agent[] = [];

async function agent(): Promise<Agent> {
  const config = parseConfig(
    `concurrency: 2\nports: {metrics: 0, health: 0, webhook: 0}\nartifactsDir: ${artifacts}\nleaderElection: {enabled: false}\n`,
    'test-config.yaml',
  );
  const a = await startAgent({
    config,
    kubeconfig: sb.kc,
    log: pino({ level: 'silent' }),
    installCrds: true,
    host: '127.0.0.1',
    pathEnv: process.env.PATH ?? '',
  });
  running.push(a);
  return a;
}

async function artifact(): Promise<{ revision: string; lastUpdateTime: string } | undefined> {
  const r = await sb.raw('GET', PATH);
  if (r.status !== 200) return undefined;
  const s = r.json().status as { artifact?: { revision: string; lastUpdateTime: string } } | undefined;
  return s?.artifact;
}

beforeAll(async () => {
  sb = await startSandbox();
  repo = await startHelmRepo();
  await repo.addChart(join(CHARTS, '1.0.0'));
  artifacts = await mkdtemp(join(tmpdir(), 'steward-restart-'));
}, 60_000);

afterAll(async () => {
  for (const a of running) await a.stop(1_000).catch(() => {});
  await repo?.stop();
  await sb?.stop();
  if (artifacts) await rm(artifacts, { recursive: true, force: true });
});

it('serves the stored index after a restart and polls with a conditional request', async () => {
  const first = await agent();
  await eventually(async () =>
    (await sb.raw('GET', PATH.replace(/\/podinfo$/, ''))).status === 200 ? true : undefined,
  );
  const r = await sb.raw('PATCH', `${PATH}?fieldManager=test&force=true`, {
    body: {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'HelmRepository',
      metadata: { name: 'podinfo', namespace: 'default' },
      spec: { url: repo.url, insecure: true, interval: '1m' },
    },
    contentType: 'application/apply-patch+yaml',
  });
  expect(r.status).toBeLessThan(300);
  const stored = await eventually(artifact, 10_000, 'first artifact');
  await first.stop(1_000);

  const before = repo.requests().length;
  const second = await agent();
  // The restarted agent reconciles the object once at start: one conditional request, answered 304.
  const polls = await eventually(() => {
    const seen = repo
      .requests()
      .slice(before)
      .filter((q) => q.url === '/index.yaml');
    return seen.length > 0 ? seen : undefined;
  });
  expect(polls.map((q) => q.status)).toEqual([304]);
  await new Promise((res) => setTimeout(res, 300));
  expect(await artifact()).toEqual(stored);
  // Ready once every informer, the HelmRepository one included, has listed.
  await eventually(() => (second.controller.ready() ? true : undefined));
});
