/**
 * A tenant's helm Sync end to end: the chart renders into the tenant's namespace (.Release.Namespace and
 * objects naming none), valuesFrom is read as the tenant's service account, and a chart that puts an object
 * in another namespace is refused by the tenancy check before anything is applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';
import {
  apply,
  chartFiles,
  container,
  crdsServed,
  get,
  helmSync,
  namespaces,
  waitFailed,
  waitSync,
} from './helpers.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;

const TENANT = 'team-a';

function tenantSync(name: string, helm: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const source = { kind: 'GitRepository', name: 'charts' } as const;
  return helmSync(TENANT, name, source, helm, { serviceAccountName: 'deployer', timeout: '20s', ...extra });
}

beforeAll(async () => {
  [sb, git] = await Promise.all([startSandbox(), startGitServer()]);
  await git.createRepo('charts', {
    ...(await chartFiles('tenant-ok', 'tenant-ok')),
    ...(await chartFiles('tenant-escape', 'tenant-escape')),
    ...(await chartFiles('webapp-1.1.0', 'webapp')),
  });
  agent = await startTestAgent(sb, 'lockdown: {platformNamespaces: [steward-system]}\n');
  await crdsServed(sb);
  await namespaces(sb, TENANT, 'team-b');
  await sb.raw('POST', `/api/v1/namespaces/${TENANT}/serviceaccounts`, {
    body: { metadata: { name: 'deployer' } },
  });
  await sb.raw('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${TENANT}/rolebindings`, {
    body: {
      metadata: { name: 'deployer-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: TENANT }],
    },
  });
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'charts', namespace: TENANT },
    spec: { url: git.url('charts'), insecure: true, interval: '1m', ref: { branch: 'main' } },
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('a tenant helm Sync', () => {
  it('renders into the tenant namespace only', async () => {
    await apply(sb, tenantSync('ok', { chart: './tenant-ok' }));
    const v = await waitSync(sb, TENANT, 'ok', (s) => s.applied !== undefined);
    expect(v.inventory).toEqual(['team-a_ok-config__ConfigMap', 'team-a_ok-plain__ConfigMap']);
    expect((await get(sb, `/api/v1/namespaces/${TENANT}/configmaps/ok-config`))?.data).toEqual({
      namespace: TENANT,
    });
    expect(await get(sb, `/api/v1/namespaces/${TENANT}/configmaps/ok-plain`)).toBeDefined();
  });

  it('reads valuesFrom as the tenant', async () => {
    await sb.raw('POST', `/api/v1/namespaces/${TENANT}/secrets`, {
      body: { metadata: { name: 'web-values' }, stringData: { tag: '1.28' } },
    });
    await apply(
      sb,
      tenantSync('web', {
        chart: './webapp',
        valuesFrom: [{ kind: 'Secret', name: 'web-values', valuesKey: 'tag', targetPath: 'image.tag' }],
      }),
    );
    await waitSync(sb, TENANT, 'web', (s) => s.applied !== undefined);
    expect(container(await get(sb, `/apis/apps/v1/namespaces/${TENANT}/deployments/web`)).image).toBe(
      'nginx:1.28',
    );
  });

  it('refuses a chart that puts an object in another namespace, and applies none of it', async () => {
    await apply(sb, tenantSync('escape', { chart: './tenant-escape' }));
    const v = await waitFailed(sb, TENANT, 'escape', /ConfigMap\/team-b\/escape-intruder/);
    expect(v.ready?.reason).toBe('ValidationFailed');
    expect(v.inventory).toEqual([]);
    expect(await get(sb, `/api/v1/namespaces/${TENANT}/configmaps/escape-mine`)).toBeUndefined();
    expect(await get(sb, '/api/v1/namespaces/team-b/configmaps/escape-intruder')).toBeUndefined();
  });

  it('refuses a targetNamespace outside the tenant', async () => {
    await apply(sb, tenantSync('elsewhere', { chart: './tenant-ok' }, { targetNamespace: 'team-b' }));
    await waitFailed(sb, TENANT, 'elsewhere', /outside the tenant namespace/);
    expect(await get(sb, '/api/v1/namespaces/team-b/configmaps/elsewhere-config')).toBeUndefined();
  });
});
