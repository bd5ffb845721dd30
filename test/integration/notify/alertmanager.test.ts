/**
 * A real Alertmanager as a Provider: a failing Sync fires one alert with stable labels, and its recovery
 * resolves that alert (it leaves Alertmanager's list of active alerts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { AlertmanagerHandle, GettableAlert } from '../../harness/alertmanager.js';
import { startAlertmanager } from '../../harness/alertmanager.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import { apply, configMap, waitApplied, waitReady } from './cluster.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let am: AlertmanagerHandle;

const ours = (a: GettableAlert) =>
  a.labels.alertname === 'StewardReconciliationFailed' && a.labels.name === 'app';

beforeAll(async () => {
  [sb, git, am] = await Promise.all([startSandbox(), startGitServer(), startAlertmanager()]);
  await git.createRepo('fleet', {
    'app/kustomization.yaml': 'resources: [namespace.yaml, config.yaml]\n',
    'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
    'app/config.yaml': configMap('settings', 'demo', 'v0'),
  });
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1/providers')).status === 200 ? true : undefined,
  );
  // The address in a Secret, in Flux's form (ending in /api/v2/alerts/).
  await apply(sb, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'alertmanager', namespace: 'default' },
    stringData: { address: `${am.url}/api/v2/alerts/` },
  });
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Provider',
    metadata: { name: 'alertmanager', namespace: 'default' },
    spec: { type: 'alertmanager', secretRef: { name: 'alertmanager' } },
  });
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Alert',
    metadata: { name: 'paging', namespace: 'default' },
    spec: {
      providerRef: { name: 'alertmanager' },
      eventSeverity: 'error',
      eventSources: [{ kind: 'Sync', name: '*' }],
      eventMetadata: { cluster: 'integration' },
      summary: 'Steward Sync failing',
    },
  });
  await waitReady(sb, 'Alert', 'default', 'paging', 'True');
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'fleet', namespace: 'default' },
    spec: { url: git.url('fleet'), insecure: true, interval: '1s', ref: { branch: 'main' } },
  });
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
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await am?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('alertmanager', () => {
  it('fires one alert while the Sync fails, and resolves it when the Sync recovers', async () => {
    const good = (await git.git(['rev-parse', 'HEAD'], `${git.root}/fleet.git`)).trim();
    await waitApplied(sb, 'default', 'app', good);
    expect((await am.alerts()).filter(ours)).toEqual([]);

    const broken = await git.commit(
      'fleet',
      { 'app/config.yaml': 'kind: ConfigMap\nmetadata: [' },
      'break it',
    );
    const firing = await eventually(async () => (await am.alerts()).find(ours), 15_000, 'the alert to fire');
    expect(firing.labels).toEqual({
      alertname: 'StewardReconciliationFailed',
      severity: 'error',
      kind: 'Sync',
      name: 'app',
      namespace: 'default',
      cluster: 'integration',
    });
    expect(firing.annotations).toMatchObject({
      summary: 'Steward Sync failing',
      reason: 'BuildFailed',
      revision: `main@sha1:${broken}`,
    });
    expect(firing.annotations.message).toContain('config.yaml');
    expect(firing.status.state).toBe('active');
    // Posted with an end well ahead: it stays firing without depending on resolve_timeout, and is re-posted
    // while the Sync fails.
    expect(Date.parse(firing.endsAt) - Date.now()).toBeGreaterThan(10 * 60_000);

    const fixed = await git.commit(
      'fleet',
      { 'app/config.yaml': configMap('settings', 'demo', 'v1') },
      'fix it',
    );
    await waitApplied(sb, 'default', 'app', fixed);
    await eventually(
      async () => ((await am.alerts()).some(ours) ? undefined : true),
      15_000,
      'the alert to resolve',
    );
    expect(agent.logs.filter((l) => l.msg === 'notification failed')).toEqual([]);
  });
});
