/**
 * A cluster with two tenants for the status API and page tests: team-a's Sync applies and is Ready; team-b's
 * renders a manifest whose name is invalid (and HTML), so it fails with a message naming the file. Both apply
 * as their namespace's `deployer` service account. team-a also has a GitRepository whose URL carries credentials
 * (refused by Steward) and a Provider with a secret webhook address: neither may appear in anything the status API serves.
 */
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

/** Values that must never be served. */
export const SECRETS = ['hunter2', 'SECRET-WEBHOOK-PATH', 'hooks.example.invalid'];

/** The invalid object name in team-b's manifest: markup that must show as text, never run. */
export const HOSTILE_NAME = '<img src=x onerror=window.__xss=1>';

export interface StatusFixture {
  sb: SandboxHandle;
  git: GitServer;
  agent: AgentHandle;
  /** http://127.0.0.1:<metrics port> */
  base: string;
  stop(): Promise<void>;
}

const GROUP = '/apis/steward.dev/v1alpha1/namespaces';

const repo: Record<string, string> = {
  'good/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: {color: blue}\n',
  'broken/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "${HOSTILE_NAME}"\ndata: {a: b}\n`,
};

export async function startStatusFixture(): Promise<StatusFixture> {
  const sb = await startSandbox();
  const git = await startGitServer();
  await git.createRepo('tenants', repo);
  const agent = await startTestAgent(sb, 'lockdown: {platformNamespaces: [steward-system]}\n');
  const apply = async (path: string, body: Record<string, unknown>) => {
    const r = await sb.raw('PATCH', `${path}?fieldManager=test&force=true`, {
      body,
      contentType: 'application/apply-patch+yaml',
    });
    if (r.status >= 300) throw new Error(`apply ${path}: ${r.status} ${r.text}`);
  };
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1/syncs')).status === 200 ? true : undefined,
  );
  for (const [ns, path] of [
    ['team-a', './good'],
    ['team-b', './broken'],
  ] as const) {
    await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
    await sb.raw('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, {
      body: { metadata: { name: 'deployer' } },
    });
    await sb.raw('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      body: {
        metadata: { name: 'deployer-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
      },
    });
    await apply(`${GROUP}/${ns}/gitrepositories/repo`, {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'GitRepository',
      metadata: { name: 'repo', namespace: ns },
      spec: { url: git.url('tenants'), insecure: true, interval: '1m' },
    });
    await apply(`${GROUP}/${ns}/syncs/app`, {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'app', namespace: ns },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'repo' },
        path,
        interval: '1m',
        prune: true,
        serviceAccountName: 'deployer',
      },
    });
  }
  // Steward refuses a URL with credentials, but the object exists and the status API lists it.
  const withCredentials = new URL(git.url('tenants'));
  withCredentials.username = 'steward';
  withCredentials.password = 'hunter2';
  await apply(`${GROUP}/team-a/gitrepositories/with-credentials`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'with-credentials', namespace: 'team-a' },
    spec: { url: withCredentials.href, insecure: true, interval: '1m' },
  });
  await apply(`${GROUP}/team-a/providers/chat`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Provider',
    metadata: { name: 'chat', namespace: 'team-a' },
    spec: { type: 'generic', address: 'https://hooks.example.invalid/services/SECRET-WEBHOOK-PATH' },
  });
  const base = `http://127.0.0.1:${agent.agent.port}`;
  return {
    sb,
    git,
    agent,
    base,
    async stop() {
      await agent.stop();
      await git.stop();
      await sb.stop();
    },
  };
}

/** Waits until the API shows team-a Ready and team-b failing, and returns that snapshot. */
export async function settled(base: string): Promise<Record<string, unknown>> {
  return eventually(
    async () => {
      const res = await fetch(`${base}/api/v1/status`);
      if (res.status !== 200) return undefined;
      const snap = (await res.json()) as {
        syncs: { namespace: string; ready: { status: string } }[];
        events: { type: string; object: { kind: string; namespace: string } }[];
      };
      const state = (ns: string) => snap.syncs.find((s) => s.namespace === ns)?.ready.status;
      const event = (ns: string, type: string) =>
        snap.events.some((e) => e.object.kind === 'Sync' && e.object.namespace === ns && e.type === type);
      return state('team-a') === 'True' &&
        state('team-b') === 'False' &&
        event('team-a', 'Normal') &&
        event('team-b', 'Warning')
        ? (snap as unknown as Record<string, unknown>)
        : undefined;
    },
    30_000,
    'team-a Ready and team-b failing in the status API',
  );
}
