/**
 * Area 10: the workload simulator (a simulation: no pods run) moves status the way the controllers do.
 * Sources: kubernetes pkg/controller/deployment/{progress.go,sync.go} (conditions and messages),
 * kubernetes-sigs/cli-utils pkg/kstatus/status/core.go (what a client reads as Current or Failed).
 */
import { AppsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
let apps: AppsV1Api;
const ns = 'sim';

beforeAll(async () => {
  sb = await startSandbox({
    simulator: {
      enabled: true,
      settleMs: 300,
      failImagePatterns: ['*:never-ready'],
      progressDeadlineMs: 1500,
    },
  });
  apps = sb.kc.makeApiClient(AppsV1Api);
  await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
});
afterAll(async () => sb.stop());

describe('workload simulator', () => {
  it('rolls a Deployment out to Available with NewReplicaSetAvailable', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('ok', 'nginx:1.27', 3) });
    const d = await eventually(async () => {
      const x = await apps.readNamespacedDeployment({ name: 'ok', namespace: ns });
      return x.status?.availableReplicas === 3 ? x : undefined;
    });
    expect(d.status?.observedGeneration).toBe(1);
    expect(d.status?.updatedReplicas).toBe(3);
    expect(d.status?.readyReplicas).toBe(3);
    const byType = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(byType.Available).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    expect(byType.Progressing?.reason).toBe('NewReplicaSetAvailable');
    expect(byType.Progressing?.message).toMatch(/^ReplicaSet "ok-[a-z0-9]+" has successfully progressed\.$/);
    const mf = d.metadata?.managedFields?.find((m) => m.manager === 'kube-controller-manager');
    expect(mf).toMatchObject({ operation: 'Update', subresource: 'status' });
  });

  it('never readies an image matching the failure pattern and ends in ProgressDeadlineExceeded', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('broken', 'app:never-ready', 2),
    });
    const d = await eventually(async () => {
      const x = await apps.readNamespacedDeployment({ name: 'broken', namespace: ns });
      const p = x.status?.conditions?.find((c) => c.type === 'Progressing');
      return p?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
    }, 10_000);
    expect(d.status?.availableReplicas ?? 0).toBe(0);
    const p = d.status?.conditions?.find((c) => c.type === 'Progressing');
    expect(p?.status).toBe('False');
    expect(p?.message).toMatch(/^ReplicaSet "broken-[a-z0-9]+" has timed out progressing\.$/);
  });

  it('follows a spec change with a new observedGeneration', async () => {
    const patched = await sb.raw('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/ok`, {
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.28' }],
      contentType: 'application/json-patch+json',
    });
    expect(patched.status).toBe(200);
    const d = await eventually(async () => {
      const x = await apps.readNamespacedDeployment({ name: 'ok', namespace: ns });
      return x.metadata?.generation === 2 &&
        x.status?.observedGeneration === 2 &&
        x.status.updatedReplicas === 3
        ? x
        : undefined;
    });
    expect(d.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.28');
  });

  it('scales with /scale and the simulator follows', async () => {
    const r = await sb.raw('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/ok/scale`, {
      body: { spec: { replicas: 0 } },
      contentType: 'application/merge-patch+json',
    });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 0 } });
    await eventually(async () => {
      const x = await apps.readNamespacedDeployment({ name: 'ok', namespace: ns });
      return x.status?.replicas === 0 || x.status?.replicas === undefined ? x : undefined;
    });
  });

  it('completes a Job', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: {
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }] } },
      },
    };
    await sb.raw('POST', `/apis/batch/v1/namespaces/${ns}/jobs`, { body: job });
    const done = await eventually(async () => {
      const x = (await sb.raw('GET', `/apis/batch/v1/namespaces/${ns}/jobs/once`)).json() as {
        status?: { succeeded?: number; conditions?: { type: string; status: string }[] };
      };
      return x.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? x : undefined;
    });
    expect(done.status?.succeeded).toBe(1);
  });
});
