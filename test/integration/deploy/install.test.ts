/**
 * Installing deploy/ on the sandbox API server with the real kubectl: a server-side dry run of every object,
 * the real server-side apply, the restricted pod security context, then the service account's RBAC through
 * SelfSubjectAccessReviews (`kubectl auth can-i --as`) and, with the cluster-admin bootstrap binding removed,
 * the agent itself running on its service account's token, so the narrow role is shown to be enough.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Agent } from '../../../src/agent.js';
import { startAgent } from '../../../src/agent.js';
import { parseConfig } from '../../../src/config/index.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import type { Rendered, RenderedObject } from './manifests.js';
import {
  DEPLOY_DIR,
  NAMESPACE,
  one,
  renderDeploy,
  SERVICE_ACCOUNT,
  stewardCrds,
  toInput,
} from './manifests.js';

let sb: SandboxHandle;
let rendered: Rendered;

beforeAll(async () => {
  [sb, rendered] = await Promise.all([startSandbox(), renderDeploy()]);
});
afterAll(async () => sb.stop());

/** `kind.group/name` as kubectl prints applied objects. */
function printed(o: RenderedObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${o.kind.toLowerCase()}${group ? `.${group}` : ''}/${o.metadata.name}`;
}

function expectAll(stdout: string, objects: readonly RenderedObject[], suffix: string): void {
  for (const o of objects) expect(stdout).toContain(`${printed(o)} ${suffix}`);
}

describe('kubectl apply --server-side of deploy/', () => {
  it('passes a server-side dry run, object by object, and writes nothing', async () => {
    const clusterScoped = rendered.objects.filter((o) => o.metadata.namespace === undefined);
    const namespaced = rendered.objects.filter((o) => o.metadata.namespace !== undefined);
    const dryRun = ['apply', '--server-side', '--dry-run=server', '-f', '-'];
    expectAll(
      (await sb.kubectl(dryRun, { input: toInput(clusterScoped) })).stdout,
      clusterScoped,
      'serverside-applied (server dry run)',
    );
    // Namespaced objects can only be checked in an existing namespace; kubectl applies the Namespace first too.
    await sb.kubectl(['apply', '--server-side', '-f', '-'], {
      input: toInput([one(rendered.objects, 'Namespace')]),
    });
    expectAll(
      (await sb.kubectl(dryRun, { input: toInput(namespaced) })).stdout,
      namespaced,
      'serverside-applied (server dry run)',
    );
    const after = await sb.kubectl(['get', 'deployments,crds', '-A', '-o', 'name']);
    expect(after.stdout.trim()).toBe('');
  });

  it('applies every object for real, and the CRDs become Established', async () => {
    const out = await sb.kubectl(['apply', '--server-side', '-f', '-'], { input: rendered.yaml });
    expectAll(out.stdout, rendered.objects, 'serverside-applied');
    const names = stewardCrds().map((c) => `crd/${c.name}`);
    await sb.kubectl(['wait', '--for=condition=Established', '--timeout=20s', ...names]);
  });

  it("runs the agent's pod under the restricted profile", async () => {
    const { stdout } = await sb.kubectl(['get', 'deployment', 'steward', '-n', NAMESPACE, '-o', 'json']);
    const spec = (JSON.parse(stdout) as { spec: { template: { spec: Record<string, unknown> } } }).spec
      .template.spec as {
      securityContext: Record<string, unknown>;
      containers: { securityContext: Record<string, unknown> }[];
    };
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.containers[0]?.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
});

/** `kubectl auth can-i` as the agent's service account: a SelfSubjectAccessReview under impersonation. */
async function can(args: readonly string[]): Promise<boolean> {
  const r = await sb.kubectl(['auth', 'can-i', ...args, `--as=${SERVICE_ACCOUNT}`], { reject: false });
  if (r.stdout.trim() !== 'yes' && r.stdout.trim() !== 'no')
    throw new Error(`kubectl auth can-i: ${r.stderr}`);
  return r.stdout.trim() === 'yes';
}

/** What the agent needs for itself, however narrow its Syncs' RBAC is made. */
const AGENT_NEEDS: readonly (readonly string[])[] = [
  ...stewardCrds().flatMap(({ name }) => [
    ['list', name, '--all-namespaces'],
    ['watch', name, '--all-namespaces'],
    ['create', name, '-n', 'team-a'],
    ['patch', name, '--subresource=status', '-n', 'team-a'],
  ]),
  ['create', 'events', '-n', 'team-a'],
  ['patch', 'events', '-n', 'team-a'],
  ['get', 'secrets', '-n', 'team-a'],
  ['get', 'configmaps', '-n', 'team-a'],
  ['impersonate', 'serviceaccounts', '-n', 'team-a'],
  ['create', 'leases.coordination.k8s.io', '-n', NAMESPACE],
  ['update', 'leases.coordination.k8s.io', '-n', NAMESPACE],
  ['watch', 'leases.coordination.k8s.io', '-n', NAMESPACE],
];

/** What the agent's own role must not grant: Secrets beyond a named read, other namespaces' Leases, Syncs' work. */
const NOT_THE_AGENTS: readonly (readonly string[])[] = [
  ['list', 'secrets', '-n', 'team-a'],
  ['update', 'secrets', '-n', 'team-a'],
  ['create', 'leases.coordination.k8s.io', '-n', 'team-a'],
  ['impersonate', 'users'],
  ['impersonate', 'groups'],
  ['create', 'deployments.apps', '-n', 'team-a'],
  ['create', 'clusterrolebindings'],
];

/** The checks in `list` whose answer is `answer`, as `verb resource flags` lines. */
async function answering(answer: boolean, list: readonly (readonly string[])[]): Promise<string[]> {
  const results = await Promise.all(list.map(async (args) => ({ args, allowed: await can(args) })));
  return results.filter((r) => r.allowed === answer).map((r) => r.args.join(' '));
}

describe('RBAC of system:serviceaccount:steward-system:steward', () => {
  it('grants what the agent needs, and the bootstrap binding gives Syncs cluster-admin', async () => {
    expect(await answering(false, AGENT_NEEDS)).toEqual([]);
    expect(await answering(false, NOT_THE_AGENTS)).toEqual([]);
  });

  it('without steward-bootstrap-cluster-admin, keeps exactly the agent role', async () => {
    await sb.kubectl(['delete', 'clusterrolebinding', 'steward-bootstrap-cluster-admin']);
    expect(await answering(false, AGENT_NEEDS)).toEqual([]);
    expect(await answering(true, NOT_THE_AGENTS)).toEqual([]);
  });
});

describe('the agent on its service account, without the bootstrap binding', () => {
  let agent: Agent | undefined;
  let artifacts: string | undefined;
  let saKubeconfig: string;
  const logs: Record<string, unknown>[] = [];

  afterAll(async () => {
    await agent?.stop(2_000);
    if (artifacts) await rm(artifacts, { recursive: true, force: true });
  });

  it('starts from the deployed config, lists its kinds and becomes ready', async () => {
    const token = await sb.raw('POST', `/api/v1/namespaces/${NAMESPACE}/serviceaccounts/steward/token`, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} },
    });
    expect(token.status).toBe(201);
    const sa = await sb.as('steward', (token.json().status as { token: string }).token);
    saKubeconfig = sa.path;
    // The deployed config, with what only differs on a test machine: free ports and a private artifacts dir.
    artifacts = await mkdtemp(join(tmpdir(), 'steward-deploy-'));
    const cm = one(rendered.objects, 'ConfigMap');
    const settings = parse((cm.data as Record<string, string>)['steward.yaml'] ?? '') as Record<
      string,
      unknown
    >;
    const config = parseConfig(
      stringify({ ...settings, ports: { metrics: 0, health: 0, webhook: 0 }, artifactsDir: artifacts }),
      'deploy/steward.yaml',
    );
    agent = await startAgent({
      config,
      kubeconfig: sa.kc,
      log: pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
      host: '127.0.0.1',
      pathEnv: process.env.PATH ?? '',
    });
    const port = agent.healthPort;
    await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined));
  });

  it('writes status and events for its GitRepositories and Syncs', async () => {
    await sb.kubectl(['apply', '--server-side', '-f', '-'], {
      input: stringify({
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'GitRepository',
        metadata: { name: 'platform', namespace: NAMESPACE },
        // Nothing listens on port 1: the fetch fails at once, which the agent must report.
        spec: { url: 'https://127.0.0.1:1/fleet.git', interval: '1m' },
      }),
    });
    await sb.kubectl(['apply', '--server-side', '-f', '-'], {
      input: stringify({
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'Sync',
        metadata: { name: 'platform', namespace: NAMESPACE },
        spec: {
          sourceRef: { kind: 'GitRepository', name: 'platform' },
          path: './clusters/production',
          interval: '10m',
          prune: true,
        },
      }),
    });
    for (const kind of ['gitrepositories.steward.dev', 'syncs.steward.dev']) {
      await eventually(
        async () => {
          const { stdout } = await sb.kubectl(['get', kind, 'platform', '-n', NAMESPACE, '-o', 'json']);
          const status = (
            JSON.parse(stdout) as { status?: { conditions?: { type: string; status: string }[] } }
          ).status;
          return status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
        },
        15_000,
        `a Ready=False condition on ${kind}/platform`,
      );
    }
    await eventually(
      async () => {
        const { stdout } = await sb.kubectl(['get', 'events', '-n', NAMESPACE, '-o', 'json']);
        const items = (JSON.parse(stdout) as { items: { involvedObject: { kind: string } }[] }).items;
        return items.find((e) => e.involvedObject.kind === 'GitRepository');
      },
      10_000,
      'an Event on the GitRepository',
    );
    expect(logs.filter((l) => l.msg === 'event not recorded')).toEqual([]);
    expect(JSON.stringify(logs)).not.toMatch(/forbidden/i);
  });

  it('may impersonate a tenant service account, and nothing else', async () => {
    const asTenant = await sb.kubectl(
      ['get', 'configmaps', '-n', 'team-a', '--as=system:serviceaccount:team-a:deployer'],
      { kubeconfig: saKubeconfig, reject: false },
    );
    // Impersonation succeeded: the request reached authorization as the tenant, which may not list.
    expect(asTenant.stderr).toContain('User "system:serviceaccount:team-a:deployer" cannot list resource');
    const asUser = await sb.kubectl(['get', 'configmaps', '-n', 'team-a', '--as=alice'], {
      kubeconfig: saKubeconfig,
      reject: false,
    });
    expect(asUser.stderr).toContain('cannot impersonate resource "users"');
  });
});

describe('kubectl apply -k deploy/ (client-side), the documented install command', () => {
  let fresh: SandboxHandle;
  beforeAll(async () => {
    fresh = await startSandbox();
  });
  afterAll(async () => fresh.stop());

  it('creates every object in one command', async () => {
    const { stdout } = await fresh.kubectl(['apply', '-k', DEPLOY_DIR]);
    expectAll(stdout, rendered.objects, 'created');
  });
});
