/**
 * Progressive delivery events: a Sync health-checks a Flagger Canary whose status the test writes the way
 * Flagger would (the sandbox runs no Flagger). The phases its health wait sees become CanaryProgressing,
 * CanaryPromoted and CanaryFailed events, and so notifications.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import { apply, waitReady } from './cluster.js';
import { type ReceivedRequest, type Recorder, startRecorder, waitFor } from './recorder.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let rec: Recorder;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: canaries.flagger.app
spec:
  group: flagger.app
  names: {kind: Canary, plural: canaries, singular: canary, listKind: CanaryList}
  scope: Namespaced
  versions:
  - name: v1beta1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

function canary(name: string): string {
  return `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: ${name}
  namespace: demo
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
`;
}

function sync(name: string) {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name, namespace: 'default' },
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'fleet' },
      path: `./${name}`,
      interval: '10m',
      prune: false,
      timeout: '30s',
      healthChecks: [{ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name, namespace: 'demo' }],
    },
  };
}

/** Writes the Canary's status as Flagger does: a phase, and the Promoted condition's message. */
async function setPhase(name: string, phase: string, message: string): Promise<void> {
  const r = await sb.raw('PATCH', `/apis/flagger.app/v1beta1/namespaces/demo/canaries/${name}/status`, {
    body: {
      status: {
        phase,
        conditions: [
          { type: 'Promoted', status: phase === 'Failed' ? 'False' : 'Unknown', reason: phase, message },
        ],
      },
    },
    contentType: 'application/merge-patch+json',
  });
  if (r.status !== 200) throw new Error(`status of Canary ${name}: HTTP ${r.status}: ${r.text}`);
}

function reasons(path: string, name: string): string[] {
  return rec
    .requests(path)
    .map(
      (r: ReceivedRequest) =>
        r.json as { involvedObject: { name: string }; reason: string; severity: string },
    )
    .filter((b) => b.involvedObject.name === name)
    .map((b) => `${b.severity} ${b.reason}`);
}

beforeAll(async () => {
  [sb, git, rec] = await Promise.all([startSandbox(), startGitServer(), startRecorder()]);
  await git.createRepo('fleet', {
    'web/kustomization.yaml': 'resources: [crd.yaml, namespace.yaml, canary.yaml]\n',
    'web/crd.yaml': CRD,
    'web/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
    'web/canary.yaml': canary('web'),
    'api/kustomization.yaml': 'resources: [canary.yaml]\n',
    'api/canary.yaml': canary('api'),
  });
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1/providers')).status === 200 ? true : undefined,
  );
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Provider',
    metadata: { name: 'events', namespace: 'default' },
    spec: { type: 'generic', address: `${rec.url}/events` },
  });
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Alert',
    metadata: { name: 'events', namespace: 'default' },
    spec: { providerRef: { name: 'events' }, eventSources: [{ kind: 'Sync', name: '*' }] },
  });
  await waitReady(sb, 'Alert', 'default', 'events', 'True');
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

describe('progressive delivery events', () => {
  it('sends CanaryProgressing, then CanaryPromoted, then the applied revision', async () => {
    await apply(sb, sync('web'));
    await eventually(
      async () =>
        (await sb.raw('GET', '/apis/flagger.app/v1beta1/namespaces/demo/canaries/web')).status === 200
          ? true
          : undefined,
      20_000,
      'the Canary',
    );
    await setPhase('web', 'Progressing', 'Advance web.demo canary weight 10');
    await waitFor(
      () => (reasons('/events', 'web').length > 0 ? true : undefined),
      10_000,
      'CanaryProgressing',
    );
    await setPhase('web', 'Succeeded', 'Canary analysis completed successfully, promotion finished.');
    await waitReady(sb, 'Sync', 'default', 'web', 'True');
    await waitFor(
      () => (reasons('/events', 'web').length >= 3 ? true : undefined),
      10_000,
      'three notifications',
    );
    expect(reasons('/events', 'web')).toEqual([
      'info CanaryProgressing',
      'info CanaryPromoted',
      'info ReconciliationSucceeded',
    ]);
    const promoted = rec
      .requests('/events')
      .map((r) => r.json as { reason: string; message: string; metadata: Record<string, string> })
      .find((b) => b.reason === 'CanaryPromoted');
    expect(promoted?.message).toBe('Canary demo/web: rollout promoted (Succeeded)');
    expect(promoted?.metadata['failing-objects']).toBe('Canary/demo/web');
    expect(promoted?.metadata.revision).toMatch(/^main@sha1:/);
  });

  it('sends CanaryFailed and the failed health check when Flagger gives up', async () => {
    await apply(sb, sync('api'));
    await eventually(
      async () =>
        (await sb.raw('GET', '/apis/flagger.app/v1beta1/namespaces/demo/canaries/api')).status === 200
          ? true
          : undefined,
      20_000,
      'the Canary',
    );
    await setPhase('api', 'Progressing', 'Advance api.demo canary weight 10');
    await waitFor(
      () => (reasons('/events', 'api').length > 0 ? true : undefined),
      10_000,
      'CanaryProgressing',
    );
    // The status API shows the phase the health wait saw (the page's canary column reads it).
    await eventually(
      async () => {
        const r = await fetch(`http://127.0.0.1:${agent.agent.port}/api/v1/syncs/default/api`);
        const body = (await r.json()) as { canaries?: { kind: string; name: string; phase: string }[] };
        return body.canaries?.some(
          (c) => c.kind === 'Canary' && c.name === 'api' && c.phase === 'Progressing',
        )
          ? true
          : undefined;
      },
      10_000,
      'the canary phase in the status API',
    );
    await setPhase('api', 'Failed', 'Canary analysis failed, api.demo rolled back.');
    const ready = await waitReady(sb, 'Sync', 'default', 'api', 'False', 'HealthCheckFailed');
    expect(ready.message).toContain('Canary demo/api');
    await waitFor(
      () => (reasons('/events', 'api').length >= 3 ? true : undefined),
      10_000,
      'three notifications',
    );
    expect(reasons('/events', 'api')).toEqual([
      'info CanaryProgressing',
      'error CanaryFailed',
      'error HealthCheckFailed',
    ]);
    const failed = rec
      .requests('/events')
      .map((r) => r.json as { reason: string; metadata: Record<string, string> })
      .find((b) => b.reason === 'HealthCheckFailed');
    expect(failed?.metadata['failing-objects']).toBe('Canary/demo/api');
  });
});
