/**
 * Namespace tenants on the sandbox's real RBAC: a tenant Sync applies as its service account (impersonation)
 * and every escape fails, while its own objects apply. The boundaries are those Flux's multi-tenancy lockdown
 * documents (--no-cross-namespace-refs, --default-service-account) and Flux CVE-2021-41254 / Argo CD
 * CVE-2022-24348 were about.
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

const cm = (name: string, ns?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}data: {a: b}\n`;

const repo: Record<string, string> = {
  'good/cm.yaml': cm('mine'),
  'good/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.27}]}\n',
  'other-ns/cm.yaml': cm('intruder', 'team-b'),
  'crb/crb.yaml':
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: tenant-admin}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: ServiceAccount, name: deployer, namespace: team-a}]\n',
  'namespace/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a-extra}\n',
  'crd/crd.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: things.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: things, singular: thing, kind: Thing}\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]\n',
  'webhook/vwc.yaml':
    'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: intercept}\nwebhooks: []\n',
  'clusterrole/cr.yaml':
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: tenant-reader}\nrules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]\n',
};

const syncPath = (ns: string, name: string) => `/apis/steward.dev/v1alpha1/namespaces/${ns}/syncs/${name}`;

async function applySync(ns: string, name: string, spec: Record<string, unknown>) {
  const r = await sb.raw('PATCH', `${syncPath(ns, name)}?fieldManager=test&force=true`, {
    body: { apiVersion: 'steward.dev/v1alpha1', kind: 'Sync', metadata: { name, namespace: ns }, spec },
    contentType: 'application/apply-patch+yaml',
  });
  expect(r.status, r.text).toBeLessThan(300);
}

async function readyOf(ns: string, name: string) {
  const r = await sb.raw('GET', syncPath(ns, name));
  const conds =
    (
      r.json().status as
        | { conditions?: { type: string; status: string; reason: string; message: string }[] }
        | undefined
    )?.conditions ?? [];
  return conds.find((c) => c.type === 'Ready');
}

async function failed(ns: string, name: string) {
  return eventually(
    async () => {
      const r = await readyOf(ns, name);
      return r?.status === 'False' ? r : undefined;
    },
    30_000,
    `Sync ${ns}/${name} to fail`,
  );
}

const status = async (path: string) => (await sb.raw('GET', path)).status;

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer();
  await git.createRepo('tenant-repo', repo);
  agent = await startTestAgent(
    sb,
    'lockdown: {platformNamespaces: [steward-system], allowedClusterKinds: [ClusterRole.rbac.authorization.k8s.io]}\n',
  );
  for (const ns of ['team-a', 'team-b']) {
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
  }
  await eventually(async () =>
    (await status('/apis/steward.dev/v1alpha1/gitrepositories')) === 200 ? true : undefined,
  );
  for (const ns of ['team-a', 'team-b']) {
    await sb.raw(
      'PATCH',
      `/apis/steward.dev/v1alpha1/namespaces/${ns}/gitrepositories/repo?fieldManager=test`,
      {
        body: {
          apiVersion: 'steward.dev/v1alpha1',
          kind: 'GitRepository',
          metadata: { name: 'repo', namespace: ns },
          spec: { url: git.url('tenant-repo'), insecure: true, interval: '1m' },
        },
        contentType: 'application/apply-patch+yaml',
      },
    );
  }
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

const tenantSpec = (path: string, extra: Record<string, unknown> = {}) => ({
  sourceRef: { kind: 'GitRepository', name: 'repo' },
  path,
  interval: '1m',
  prune: true,
  serviceAccountName: 'deployer',
  ...extra,
});

describe('a tenant', () => {
  it('applies its own objects into its namespace as its service account', async () => {
    await applySync('team-a', 'good', tenantSpec('./good'));
    await eventually(
      async () => ((await readyOf('team-a', 'good'))?.status === 'True' ? true : undefined),
      30_000,
      'the good Sync',
    );
    expect(await status('/api/v1/namespaces/team-a/configmaps/mine')).toBe(200);
    expect(await status('/apis/apps/v1/namespaces/team-a/deployments/web')).toBe(200);
    const cmObj = (await sb.raw('GET', '/api/v1/namespaces/team-a/configmaps/mine')).json() as {
      metadata: { managedFields: { manager: string }[] };
    };
    expect(cmObj.metadata.managedFields.map((m) => m.manager)).toContain('steward');
  });

  it.each([
    ['other-ns', 'ConfigMap/team-b/intruder', '/api/v1/namespaces/team-b/configmaps/intruder'],
    [
      'crb',
      'ClusterRoleBinding/tenant-admin',
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/tenant-admin',
    ],
    ['namespace', 'Namespace/team-a-extra', '/api/v1/namespaces/team-a-extra'],
    [
      'crd',
      'CustomResourceDefinition/things.example.com',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/things.example.com',
    ],
    [
      'webhook',
      'ValidatingWebhookConfiguration/intercept',
      '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/intercept',
    ],
  ])('cannot escape through %s', async (path, object, livePath) => {
    await applySync('team-a', `esc-${path}`, tenantSpec(`./${path}`));
    const r = await failed('team-a', `esc-${path}`);
    expect(r.reason).toBe('ValidationFailed');
    expect(r.message).toContain(object);
    expect(r.message).toContain(`${path}/`);
    expect(await status(livePath)).not.toBe(200);
  });

  it('is stopped by RBAC even where the config allows the kind', async () => {
    await applySync('team-a', 'clusterrole', tenantSpec('./clusterrole'));
    const r = await failed('team-a', 'clusterrole');
    expect(r.message).toContain('forbidden');
    expect(r.message).toContain('system:serviceaccount:team-a:deployer');
    expect(await status('/apis/rbac.authorization.k8s.io/v1/clusterroles/tenant-reader')).toBe(404);
  });

  it('gets no rights without a service account (its namespace default account has none)', async () => {
    await applySync('team-b', 'no-sa', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      path: './good',
      interval: '1m',
      prune: true,
    });
    const r = await failed('team-b', 'no-sa');
    expect(r.message).toContain('system:serviceaccount:team-b:default');
    expect(await status('/api/v1/namespaces/team-b/configmaps/mine')).toBe(404);
  });

  it('cannot use another namespace’s source', async () => {
    await applySync(
      'team-b',
      'cross-source',
      tenantSpec('./good', { sourceRef: { kind: 'GitRepository', name: 'repo', namespace: 'team-a' } }),
    );
    const r = await failed('team-b', 'cross-source');
    expect(r.message).toContain('cross-namespace sourceRef');
  });

  it('cannot point a GitRepository at a Secret in another namespace', async () => {
    const r = await sb.raw(
      'PATCH',
      '/apis/steward.dev/v1alpha1/namespaces/team-b/gitrepositories/sneaky?fieldManager=test',
      {
        body: {
          apiVersion: 'steward.dev/v1alpha1',
          kind: 'GitRepository',
          metadata: { name: 'sneaky', namespace: 'team-b' },
          spec: {
            url: git.url('tenant-repo'),
            insecure: true,
            interval: '1m',
            secretRef: { name: 'git-token', namespace: 'team-a' },
          },
        },
        contentType: 'application/apply-patch+yaml',
      },
    );
    // The schema has no namespace on secretRef: the field is pruned, so the reference stays in team-b.
    expect(r.status).toBeLessThan(300);
    const stored = r.json() as { spec: { secretRef: Record<string, string> } };
    expect(stored.spec.secretRef).toEqual({ name: 'git-token' });
  });
});
