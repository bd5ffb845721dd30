/**
 * A cluster with two tenants for the status API and page tests: team-a's Sync applies and is Ready; team-b's
 * renders a manifest whose name is invalid (and HTML), so it fails with a message naming the file. Both apply
 * as their namespace's `deployer` service account. team-a also has a GitRepository whose URL carries credentials
 * (refused by Steward), a Provider with a secret webhook address, an OCI HelmRepository (Ready) and an HTTPS one
 * whose URL carries credentials (failing): none of the credentials may appear in anything the status API serves.
 *
 * team-c holds image automation and no Sync: an ImageRepository scanning a real registry (with a pull Secret),
 * an ImagePolicy picking 1.1.0 of it, and an ImageUpdateAutomation that writes that pick into its own Git
 * repository and pushes, with a commit message template and values that must not be served either.
 */
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { RegistryHandle } from '../../harness/registry.js';
import { startRegistry } from '../../harness/registry.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

/** Values that must never be served. */
export const SECRETS = [
  'hunter2',
  'SECRET-WEBHOOK-PATH',
  'hooks.example.invalid',
  'pull-secret-not-shown',
  'TEMPLATE-TEXT-not-shown',
  'template-value-not-shown',
];

/** The image team-c's automation follows, in the fixture's registry. */
export const IMAGE_REPOSITORY = 'team/app';

/** The invalid object name in team-b's manifest: markup that must show as text, never run. */
export const HOSTILE_NAME = '<img src=x onerror=window.__xss=1>';

export interface StatusFixture {
  sb: SandboxHandle;
  git: GitServer;
  registry: RegistryHandle;
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

/** team-c's deployment with the setter marker its automation rewrites. */
function imagesRepo(image: string): Record<string, string> {
  return {
    'deploy/app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${image}:1.0.0 # {"$imagepolicy": "team-c:app"}
`,
  };
}

export async function startStatusFixture(): Promise<StatusFixture> {
  const [sb, git, registry] = await Promise.all([startSandbox(), startGitServer(), startRegistry()]);
  const image = `${registry.host}/${IMAGE_REPOSITORY}`;
  await registry.pushImage(IMAGE_REPOSITORY, '1.0.0');
  await registry.pushImage(IMAGE_REPOSITORY, '1.1.0');
  await git.createRepo('tenants', repo);
  await git.createRepo('images', imagesRepo(image));
  const agent = await startTestAgent(sb, 'lockdown: {platformNamespaces: [steward-system]}\n');
  const apply = async (path: string, body: Record<string, unknown>) => {
    const r = await sb.raw('PATCH', `${path}?fieldManager=test&force=true`, {
      body,
      contentType: 'application/apply-patch+yaml',
    });
    if (r.status >= 300) throw new Error(`apply ${path}: ${r.status} ${r.text}`);
  };
  for (const plural of ['syncs', 'helmrepositories', 'imageupdateautomations'])
    await eventually(async () =>
      (await sb.raw('GET', `/apis/steward.dev/v1alpha1/${plural}`)).status === 200 ? true : undefined,
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
  await apply(`${GROUP}/team-a/helmrepositories/charts`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'HelmRepository',
    metadata: { name: 'charts', namespace: 'team-a' },
    spec: { url: `oci://${registry.host}/charts`, type: 'oci', insecure: true, interval: '1m' },
  });
  // Nothing listens on port 9 here; Steward never gets to use the credentials, but the URL holds them.
  await apply(`${GROUP}/team-a/helmrepositories/private-charts`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'HelmRepository',
    metadata: { name: 'private-charts', namespace: 'team-a' },
    spec: { url: 'https://steward:hunter2@127.0.0.1:9/charts', interval: '1m', timeout: '5s' },
  });
  await startImageAutomation(sb, git, registry, apply);
  const base = `http://127.0.0.1:${agent.agent.port}`;
  return {
    sb,
    git,
    registry,
    agent,
    base,
    async stop() {
      await agent.stop();
      await Promise.all([git.stop(), registry.stop(), sb.stop()]);
    },
  };
}

/** team-c: a namespace with image automation only. */
async function startImageAutomation(
  sb: SandboxHandle,
  git: GitServer,
  registry: RegistryHandle,
  apply: (path: string, body: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  const ns = 'team-c';
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
  await sb.raw('POST', `/api/v1/namespaces/${ns}/secrets`, {
    body: {
      metadata: { name: 'pull-secret-not-shown' },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [registry.host]: { auth } } }) },
    },
  });
  await apply(`${GROUP}/${ns}/gitrepositories/images`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'images', namespace: ns },
    spec: { url: git.url('images'), insecure: true, interval: '1m', ref: { branch: 'main' } },
  });
  await apply(`${GROUP}/${ns}/imagerepositories/app`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'ImageRepository',
    metadata: { name: 'app', namespace: ns },
    spec: {
      image: `${registry.host}/${IMAGE_REPOSITORY}`,
      interval: '1m',
      insecure: true,
      secretRef: { name: 'pull-secret-not-shown' },
    },
  });
  await apply(`${GROUP}/${ns}/imagepolicies/app`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'ImagePolicy',
    metadata: { name: 'app', namespace: ns },
    spec: { imageRepositoryRef: { name: 'app' }, policy: { semver: { range: '>=1.0.0' } } },
  });
  await apply(`${GROUP}/${ns}/imageupdateautomations/app`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'ImageUpdateAutomation',
    metadata: { name: 'app', namespace: ns },
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'images' },
      interval: '1h',
      git: {
        commit: {
          author: { name: 'Image Bot', email: 'image-bot@example.com' },
          messageTemplate: 'TEMPLATE-TEXT-not-shown {{ .Values.note }}',
          messageTemplateValues: { note: 'template-value-not-shown' },
        },
      },
      update: { path: './deploy', strategy: 'Setters' },
    },
  });
}

/**
 * Waits until the API shows team-a Ready and team-b failing, team-c's automation has pushed, and its
 * GitRepository serves that commit; returns that snapshot.
 */
export async function settled(base: string): Promise<Record<string, unknown>> {
  return eventually(
    async () => {
      const res = await fetch(`${base}/api/v1/status`);
      if (res.status !== 200) return undefined;
      const snap = (await res.json()) as {
        syncs: { namespace: string; ready: { status: string } }[];
        sources: { kind: string; namespace: string; name: string; revision: string | null }[];
        images: { automations: { lastPushCommit: string | null }[] };
        events: { type: string; object: { kind: string; namespace: string } }[];
      };
      const state = (ns: string) => snap.syncs.find((s) => s.namespace === ns)?.ready.status;
      const event = (ns: string, type: string) =>
        snap.events.some((e) => e.object.kind === 'Sync' && e.object.namespace === ns && e.type === type);
      const pushed = snap.images.automations[0]?.lastPushCommit;
      const fetched = snap.sources.find((s) => s.namespace === 'team-c' && s.name === 'images')?.revision;
      return state('team-a') === 'True' &&
        state('team-b') === 'False' &&
        event('team-a', 'Normal') &&
        event('team-b', 'Warning') &&
        pushed &&
        fetched === `main@sha1:${pushed}`
        ? (snap as unknown as Record<string, unknown>)
        : undefined;
    },
    30_000,
    "team-a Ready, team-b failing and team-c's image update pushed, in the status API",
  );
}
