/**
 * Delivery against endpoints that misbehave: one that answers 500 twice before accepting, one that never answers,
 * one where nothing listens. Retries must deliver exactly once, and no endpoint may slow the reconciles down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import { freePort, parseExposition } from '../../harness/prometheus.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import { apply, configMap, waitApplied, waitReady } from './cluster.js';
import { type Recorder, startRecorder, waitFor } from './recorder.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let rec: Recorder;
let closedPort = 0;

function provider(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Provider',
    metadata: { name, namespace: 'default' },
    spec,
  };
}

function alert(name: string) {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Alert',
    metadata: { name, namespace: 'default' },
    spec: { providerRef: { name }, eventSources: [{ kind: 'Sync', name: '*' }] },
  };
}

async function notificationSamples(provider: string): Promise<Record<string, number>> {
  const families = parseExposition(await agent.agent.metrics.registry.metrics());
  const out: Record<string, number> = {};
  for (const s of families.get('steward_notifications_total')?.samples ?? []) {
    if (s.labels.provider === provider && s.labels.result) out[s.labels.result] = s.value;
  }
  return out;
}

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer();
  rec = await startRecorder();
  rec.script('/flaky', [500, 503]);
  rec.hang('/hang');
  closedPort = await freePort();
  await git.createRepo('fleet', {
    'app/kustomization.yaml': 'resources: [namespace.yaml, config.yaml]\n',
    'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
    'app/config.yaml': configMap('settings', 'demo', 'v0'),
  });
  // Two retries keep the unreachable endpoint's give-up within seconds (1 s + 2 s of backoff).
  agent = await startTestAgent(sb, 'notifications: {maxRetries: 2}\n');
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1/providers')).status === 200 ? true : undefined,
  );
  await apply(sb, provider('flaky', { type: 'generic', address: `${rec.url}/flaky` }));
  await apply(sb, provider('hanging', { type: 'generic', address: `${rec.url}/hang`, timeout: '30s' }));
  await apply(sb, provider('down', { type: 'generic', address: `http://127.0.0.1:${closedPort}/hook` }));
  for (const name of ['flaky', 'hanging', 'down']) {
    await apply(sb, alert(name));
    await waitReady(sb, 'Alert', 'default', name, 'True');
  }
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'fleet', namespace: 'default' },
    spec: { url: git.url('fleet'), insecure: true, interval: '1s', ref: { branch: 'main' } },
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await rec?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('delivery', () => {
  it('retries after 500 and 503, then delivers exactly once', async () => {
    await apply(sb, {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'app', namespace: 'default' },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
        path: './app',
        interval: '10m',
        prune: true,
      },
    });
    await waitFor(
      () => (rec.requests('/flaky').some((r) => r.status === 200) ? true : undefined),
      15_000,
      'the delivery to succeed',
    );
    const attempts = rec.requests('/flaky');
    expect(attempts.map((r) => r.status)).toEqual([500, 503, 200]);
    // Exponential backoff: about 1 s, then about 2 s (±20% jitter).
    const gaps = attempts.slice(1).map((r, i) => r.at - (attempts[i]?.at ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(700);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_500);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    expect(await notificationSamples('flaky')).toEqual({ sent: 1 });
    const retries = agent.logs.filter(
      (l) => l.msg === 'notification will be retried' && l.provider === 'default/flaky',
    );
    expect(retries.map((l) => l.detail)).toEqual(['HTTP 500', 'HTTP 503']);
  });

  it('keeps reconciling at full speed while one endpoint hangs and another refuses connections', async () => {
    // The first notification holds the hanging Provider's lane; the refused one is being retried.
    await waitFor(
      () => (rec.requests('/hang').length > 0 ? true : undefined),
      5_000,
      'a request to the hung endpoint',
    );
    const latencies: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const t0 = Date.now();
      const sha = await git.commit(
        'fleet',
        { 'app/config.yaml': configMap('settings', 'demo', `v${i}`) },
        `change ${i}`,
      );
      await waitApplied(sb, 'default', 'app', sha, 15_000);
      latencies.push(Date.now() - t0);
    }
    // The GitRepository polls every second: a revision is applied within about that, whatever the endpoints do.
    expect(Math.max(...latencies)).toBeLessThan(4_000);
    const families = parseExposition(await agent.agent.metrics.registry.metrics());
    const sample = (name: string) =>
      families
        .get('steward_reconcile_duration_seconds')
        ?.samples.find((s) => s.name === name && s.labels.kind === 'Sync' && s.labels.name === 'app')
        ?.value ?? Number.NaN;
    const mean =
      sample('steward_reconcile_duration_seconds_sum') / sample('steward_reconcile_duration_seconds_count');
    expect(mean).toBeLessThan(1);
    // Still one request at the hung endpoint: its lane waits, in order, and nothing else waits for it.
    expect(rec.requests('/hang')).toHaveLength(1);
    await waitFor(
      () => (rec.requests('/flaky').filter((r) => r.status === 200).length === 4 ? true : undefined),
      5_000,
      'the three new revisions at the flaky endpoint',
    );
    expect(await notificationSamples('hanging')).toEqual({});
    if (process.env.NOTIFY_TIMINGS)
      console.info(
        `commit-to-applied ${latencies.join(', ')} ms; mean reconcile ${(mean * 1000).toFixed(0)} ms`,
      );
  });

  it('gives up on an unreachable endpoint after maxRetries and counts it failed', async () => {
    // maxRetries 2: given up about 1 + 2 s after the first attempt.
    await eventually(
      async () => ((await notificationSamples('down')).failed ?? 0) >= 1 || undefined,
      15_000,
      'the delivery to fail',
    );
    const warning = agent.logs.find((l) => l.msg === 'notification failed' && l.provider === 'default/down');
    expect(warning).toMatchObject({ attempts: 3, detail: 'ECONNREFUSED', type: 'generic' });
    expect(JSON.stringify(agent.logs)).not.toContain(`127.0.0.1:${closedPort}`);
  });

  it('reads a Secret created after its Provider once the Provider changes', async () => {
    await apply(sb, provider('later', { type: 'generic', secretRef: { name: 'later-secret' } }));
    await waitReady(sb, 'Provider', 'default', 'later', 'False', 'SecretNotFound');
    await apply(sb, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'later-secret', namespace: 'default' },
      stringData: { address: `${rec.url}/later` },
    });
    await apply(
      sb,
      provider('later', { type: 'generic', secretRef: { name: 'later-secret' }, timeout: '5s' }),
    );
    const ready = await waitReady(sb, 'Provider', 'default', 'later', 'True');
    expect(ready.message).toBe('ready to send to generic');
  });
});
