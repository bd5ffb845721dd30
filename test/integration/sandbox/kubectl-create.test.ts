/**
 * The real kubectl's `create deployment|job|cronjob|token`, which kubectl 1.36 sends as protobuf
 * (application/vnd.kubernetes.protobuf), against the sandbox: the objects land as their JSON form, the simulator
 * rolls the Deployment out and completes the Job, and the token from `create token` authenticates.
 * Sources: kubectl pkg/cmd/create/create_deployment.go, create_job.go, create_cronjob.go, create_token.go;
 * pkg/cmd/rollout/rollout_status.go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
const ns = 'create';

beforeAll(async () => {
  sb = await startSandbox();
  await sb.kubectl(['create', 'namespace', ns]);
  // Like a cluster's serviceaccount controller, the sandbox gives every namespace a `default` ServiceAccount.
  await eventually(async () =>
    (await sb.raw('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200
      ? true
      : undefined,
  );
});
afterAll(async () => sb.stop());

const getJson = async (args: readonly string[]) =>
  JSON.parse((await sb.kubectl(['get', ...args, '-o', 'json'])).stdout) as Record<string, unknown>;

describe('kubectl create (protobuf bodies)', () => {
  it('creates a Deployment that rolls out through the simulator', async () => {
    const out = await sb.kubectl([
      'create',
      'deployment',
      'web',
      '-n',
      ns,
      '--image=nginx:1.27',
      '--replicas=2',
      '--port=80',
    ]);
    expect(out.stdout.trim()).toBe('deployment.apps/web created');

    const rollout = await sb.kubectl(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=20s']);
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');

    const got = await getJson(['deployment', 'web', '-n', ns]);
    expect(got).toMatchObject({
      metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
        },
      },
      status: { replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
    });
  });

  it('creates a Deployment with a command', async () => {
    await sb.kubectl([
      'create',
      'deployment',
      'sleeper',
      '-n',
      ns,
      '--image=busybox:1',
      '--',
      'sleep',
      '3600',
    ]);
    const got = await getJson(['deployment', 'sleeper', '-n', ns]);
    expect(got).toMatchObject({
      spec: { template: { spec: { containers: [{ name: 'busybox', command: ['sleep', '3600'] }] } } },
    });
  });

  it('creates a Job that completes through the simulator', async () => {
    const out = await sb.kubectl(['create', 'job', 'j', '-n', ns, '--image=busybox:1', '--', 'echo', 'hi']);
    expect(out.stdout.trim()).toBe('job.batch/j created');
    await sb.kubectl(['wait', '--for=condition=complete', 'job/j', '-n', ns, '--timeout=20s']);
    const got = await getJson(['job', 'j', '-n', ns]);
    expect(got).toMatchObject({
      spec: {
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', command: ['echo', 'hi'] }] } },
      },
      status: { succeeded: 1 },
    });
  });

  it('creates a CronJob, and a Job from it', async () => {
    const out = await sb.kubectl([
      'create',
      'cronjob',
      'cj',
      '-n',
      ns,
      '--image=busybox:1',
      '--schedule=*/5 * * * *',
      '--',
      'date',
    ]);
    expect(out.stdout.trim()).toBe('cronjob.batch/cj created');
    const got = await getJson(['cronjob', 'cj', '-n', ns]);
    expect(got).toMatchObject({
      spec: {
        schedule: '*/5 * * * *',
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure' } } } },
      },
    });

    // --from copies the CronJob's job template and adds an owner reference and an annotation.
    const manual = await sb.kubectl(['create', 'job', 'cj-manual', '--from=cronjob/cj', '-n', ns]);
    expect(manual.stdout.trim()).toBe('job.batch/cj-manual created');
    const job = await getJson(['job', 'cj-manual', '-n', ns]);
    expect(job).toMatchObject({
      metadata: {
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'cj', controller: true }],
      },
      spec: { template: { spec: { containers: [{ name: 'cj', command: ['date'] }] } } },
    });
  });

  it('creates a token that authenticates as the service account', async () => {
    const token = (await sb.kubectl(['create', 'token', 'default', '-n', 'default'])).stdout.trim();
    expect(token).not.toBe('');

    // Let the service account read pods in default, so `auth can-i` says yes only for the right identity.
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'default-view', namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
    };
    await sb.kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(binding) });

    const asSa = (args: readonly string[]) => sb.kubectl([`--token=${token}`, ...args], { reject: false });
    const list = await asSa(['auth', 'can-i', 'list', 'pods', '-n', 'default']);
    expect([list.exitCode, list.stdout.trim()]).toEqual([0, 'yes']);
    const del = await asSa(['auth', 'can-i', 'delete', 'pods', '-n', 'default']);
    expect([del.exitCode, del.stdout.trim()]).toEqual([1, 'no']);
    const other = await asSa(['auth', 'can-i', 'list', 'pods', '-n', ns]);
    expect(other.stdout.trim()).toBe('no');

    const bogus = await sb.kubectl(['--token=not-a-token', 'auth', 'can-i', 'list', 'pods'], {
      reject: false,
    });
    expect(bogus.exitCode).toBe(1);
    expect(bogus.stderr).toContain('Unauthorized');
  });

  it('sends audiences and a duration in the TokenRequest', async () => {
    const out = await sb.kubectl([
      'create',
      'token',
      'default',
      '-n',
      'default',
      '--audience=a',
      '--duration=10m',
      '-o',
      'json',
    ]);
    const tr = JSON.parse(out.stdout) as { spec: Record<string, unknown>; status: Record<string, unknown> };
    expect(tr.spec).toMatchObject({ audiences: ['a'], expirationSeconds: 600 });
    expect(typeof tr.status.token).toBe('string');
  });
});
