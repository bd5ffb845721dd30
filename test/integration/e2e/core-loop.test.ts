/**
 * The core loop end to end on real parts: a real Git smart-HTTP server, the real kustomize, the sandbox API
 * server, and the agent in-process. Flux behaviours it follows: kustomize-controller's apply, prune and
 * health checks (fluxcd/kustomize-controller docs, "Prune", "Health assessment", "Drift detection").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;

const files = {
  'app/kustomization.yaml': 'resources: [namespace.yaml, config.yaml, deploy.yaml]\n',
  'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
  'app/config.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  color: blue\n',
  'app/deploy.yaml': deployYaml('nginx:1.27', 2),
};

function deployYaml(image: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${image}
`;
}

type Obj = Record<string, unknown> & {
  metadata?: Record<string, unknown>;
  status?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

async function get(path: string): Promise<Obj | undefined> {
  const r = await sb.raw('GET', path);
  return r.status === 200 ? (r.json() as Obj) : undefined;
}

function ready(o: Obj | undefined): { status: string; reason: string; message: string } | undefined {
  const conds = (o?.status?.conditions ?? []) as {
    type: string;
    status: string;
    reason: string;
    message: string;
  }[];
  return conds.find((c) => c.type === 'Ready');
}

const SYNC = '/apis/steward.dev/v1alpha1/namespaces/default/syncs/app';

async function syncState(): Promise<{ ready?: string; reason?: string; message?: string; applied?: string }> {
  const s = await get(SYNC);
  const r = ready(s);
  return {
    ...(r ? { ready: r.status, reason: r.reason, message: r.message } : {}),
    ...(s?.status?.lastAppliedRevision ? { applied: String(s.status.lastAppliedRevision) } : {}),
  };
}

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer();
  await git.createRepo('fleet', files);
  agent = await startTestAgent(sb);
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
        interval: '30s',
        prune: true,
        timeout: '20s',
      },
    },
    SYNC,
  );
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('core loop', () => {
  it('applies a commit and reports the revision', async () => {
    const state = await eventually(
      async () => {
        const s = await syncState();
        return s.ready === 'True' ? s : undefined;
      },
      30_000,
      'the Sync to become Ready',
    );
    expect(state.applied).toMatch(/^main@sha1:[0-9a-f]{40}$/);
    const cm = await get('/api/v1/namespaces/demo/configmaps/settings');
    expect(cm?.data).toEqual({ color: 'blue' });
    expect(cm?.metadata?.labels).toMatchObject({
      'steward.dev/name': 'app',
      'steward.dev/namespace': 'default',
    });
  });

  it('applies a new commit and prunes a removed file', async () => {
    const sha = await git.commit(
      'fleet',
      { 'app/config.yaml': null, 'app/kustomization.yaml': 'resources: [namespace.yaml, deploy.yaml]\n' },
      'drop the ConfigMap',
    );
    await eventually(
      async () => ((await syncState()).applied?.endsWith(sha) ? true : undefined),
      30_000,
      'the new revision to be applied',
    );
    await eventually(
      async () =>
        (await get('/api/v1/namespaces/demo/configmaps/settings')) === undefined ? true : undefined,
      10_000,
      'the ConfigMap to be pruned',
    );
  });

  it('keeps live objects on a broken manifest, names the file, and recovers when fixed', async () => {
    const before = await get('/apis/apps/v1/namespaces/demo/deployments/web');
    const sha = await git.commit(
      'fleet',
      {
        'app/deploy.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: demo\nspec: [',
      },
      'break it',
    );
    const failed = await eventually(
      async () => {
        const s = await syncState();
        return s.ready === 'False' && (await get(SYNC))?.status?.lastAttemptedRevision === `main@sha1:${sha}`
          ? s
          : undefined;
      },
      30_000,
      'the Sync to fail',
    );
    expect(failed.message).toContain('deploy.yaml');
    const after = await get('/apis/apps/v1/namespaces/demo/deployments/web');
    expect(after?.metadata?.uid).toBe(before?.metadata?.uid);
    expect(((after?.spec ?? {}) as { replicas: number }).replicas).toBe(2);
    const fixed = await git.commit('fleet', { 'app/deploy.yaml': deployYaml('nginx:1.28', 2) }, 'fix it');
    await eventually(
      async () =>
        (await syncState()).applied?.endsWith(fixed) && (await syncState()).ready === 'True'
          ? true
          : undefined,
      30_000,
      'recovery',
    );
  });

  it('reverts a manual edit within 5 seconds', async () => {
    await sb.raw('PATCH', '/apis/apps/v1/namespaces/demo/deployments/web?fieldManager=kubectl-edit', {
      body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'evil:latest' }] } } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    const t0 = Date.now();
    await eventually(
      async () => {
        const d = await get('/apis/apps/v1/namespaces/demo/deployments/web');
        const c = ((d?.spec ?? {}) as { template: { spec: { containers: { image: string }[] } } }).template
          .spec.containers;
        return c[0]?.image === 'nginx:1.28' ? true : undefined;
      },
      5_000,
      'the edit to be reverted',
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('leaves replicas to Flagger when it scaled the target', async () => {
    await sb.raw('PATCH', '/apis/apps/v1/namespaces/demo/deployments/web?fieldManager=flagger', {
      body: { spec: { replicas: 0 } },
      contentType: 'application/merge-patch+json',
    });
    const sha = await git.commit('fleet', { 'app/deploy.yaml': deployYaml('nginx:1.29', 2) }, 'new image');
    await eventually(
      async () => ((await syncState()).applied?.endsWith(sha) ? true : undefined),
      30_000,
      'the new image to be applied',
    );
    const d = await get('/apis/apps/v1/namespaces/demo/deployments/web');
    expect(((d?.spec ?? {}) as { replicas: number }).replicas).toBe(0);
    const c = ((d?.spec ?? {}) as { template: { spec: { containers: { image: string }[] } } }).template.spec
      .containers;
    expect(c[0]?.image).toBe('nginx:1.29');
  });

  it('refuses to prune when the render is empty', async () => {
    const sha = await git.commit('fleet', { 'app/kustomization.yaml': 'resources: []\n' }, 'empty');
    const s = await eventually(
      async () => {
        const st = await syncState();
        return st.ready === 'False' && (await get(SYNC))?.status?.lastAttemptedRevision === `main@sha1:${sha}`
          ? st
          : undefined;
      },
      30_000,
      'the empty render to be refused',
    );
    expect(s.message).toContain('refusing to prune');
    expect(await get('/apis/apps/v1/namespaces/demo/deployments/web')).toBeDefined();
    expect(await get('/api/v1/namespaces/demo')).toBeDefined();
  });

  it('fails the health check of a Deployment that never becomes ready, naming it', async () => {
    await git.commit(
      'fleet',
      {
        'broken/kustomization.yaml': 'resources: [deploy.yaml]\n',
        'broken/deploy.yaml': deployYaml('registry.local/app:never-ready', 1).replaceAll('web', 'stuck'),
      },
      'a Deployment that never becomes ready',
    );
    await sb.raw('PATCH', '/apis/steward.dev/v1alpha1/namespaces/default/syncs/stuck?fieldManager=test', {
      body: {
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'Sync',
        metadata: { name: 'stuck', namespace: 'default' },
        spec: {
          sourceRef: { kind: 'GitRepository', name: 'fleet' },
          path: './broken',
          interval: '1m',
          prune: true,
          wait: true,
          timeout: '3s',
        },
      },
      contentType: 'application/apply-patch+yaml',
    });
    const r = await eventually(
      async () => {
        const s = ready(await get('/apis/steward.dev/v1alpha1/namespaces/default/syncs/stuck'));
        return s?.status === 'False' && s.reason === 'HealthCheckFailed' ? s : undefined;
      },
      30_000,
      'the health check to fail',
    );
    expect(r.message).toContain('Deployment demo/stuck');
  });

  it('records Kubernetes Events for applied revisions and failures', async () => {
    const list = (
      await sb.raw('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dapp')
    ).json() as {
      items: { reason: string; type: string; message: string; involvedObject: { kind: string } }[];
    };
    const syncEvents = list.items.filter((e) => e.involvedObject.kind === 'Sync');
    expect(
      syncEvents.some(
        (e) =>
          e.type === 'Normal' &&
          e.reason === 'ReconciliationSucceeded' &&
          e.message.startsWith('Applied revision: main@sha1:'),
      ),
    ).toBe(true);
    expect(syncEvents.some((e) => e.type === 'Warning' && e.message.includes('deploy.yaml'))).toBe(true);
  });

  it('logs one child logger per reconcile, with static messages and the revision in fields', () => {
    const applied = agent.logs.filter((l) => l.msg === 'server-side apply completed');
    expect(applied.length).toBeGreaterThan(0);
    expect(applied[0]).toMatchObject({ kind: 'Sync', namespace: 'default', name: 'app' });
    expect(String(applied[0]?.revision)).toMatch(/^main@sha1:/);
  });

  it('handles a reconcile request annotation and records it in status', async () => {
    await sb.raw('PATCH', SYNC, {
      body: { metadata: { annotations: { 'steward.dev/reconcile-requested-at': 'now-1' } } },
      contentType: 'application/merge-patch+json',
    });
    await eventually(
      async () => ((await get(SYNC))?.status?.lastHandledReconcileAt === 'now-1' ? true : undefined),
      10_000,
      'the request to be handled',
    );
  });

  it('shows Ready, revision and status columns in kubectl get', async () => {
    const out = await sb.kubectl(['get', 'syncs', '-n', 'default']);
    expect(out.stdout).toMatch(/NAME\s+READY\s+REVISION\s+AGE\s+STATUS/);
    expect(out.stdout).toMatch(/app\s+False\s+main@sha1:[0-9a-f]+/);
  });
});
