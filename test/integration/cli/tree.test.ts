/**
 * `steward tree sync <name>` with the real agent: the objects the Sync applied, from its inventory, grouped by
 * kind, with a Sync it applied expanded below it (as `flux tree kustomization` does); `-o json`; a Sync that
 * applied nothing yet; and exit code 2 for a missing Sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeCommand } from '../../../src/cli/tree.js';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import { eventually, type SandboxHandle, startSandbox } from '../../harness/sandbox.js';
import { captureIO, runCommandLine } from './helpers.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;

const BASE = '/apis/steward.dev/v1alpha1/namespaces/default';

const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: demo\ndata:\n  a: b\n`;

const childSync = `apiVersion: steward.dev/v1alpha1
kind: Sync
metadata:
  name: child
  namespace: default
spec:
  sourceRef: {kind: GitRepository, name: fleet}
  path: ./child
  interval: 1h
  prune: true
`;

async function apply(plural: string, kind: string, name: string, spec: object): Promise<void> {
  const r = await sb.raw('PATCH', `${BASE}/${plural}/${name}?fieldManager=test&force=true`, {
    body: { apiVersion: 'steward.dev/v1alpha1', kind, metadata: { name, namespace: 'default' }, spec },
    contentType: 'application/apply-patch+yaml',
  });
  if (r.status > 201) throw new Error(`apply ${kind}/${name}: ${r.status} ${r.text}`);
}

async function inventorySize(name: string): Promise<number | undefined> {
  const s = (await sb.raw('GET', `${BASE}/syncs/${name}`)).json() as {
    status?: { inventory?: { entries?: unknown[] } };
  };
  return s.status?.inventory?.entries?.length;
}

async function tree(argv: string[]) {
  const io = captureIO();
  return runCommandLine(treeCommand(io), [...argv, '--kubeconfig', sb.kubeconfigPath], io);
}

beforeAll(async () => {
  [sb, git] = await Promise.all([
    startSandbox({ simulator: { enabled: false, settleMs: 0, failImagePatterns: [] } }),
    startGitServer(),
  ]);
  await git.createRepo('fleet', {
    'app/kustomization.yaml': 'resources: [namespace.yaml, zeta.yaml, alpha.yaml, sa.yaml, child.yaml]\n',
    'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
    'app/zeta.yaml': configMap('zeta'),
    'app/alpha.yaml': configMap('alpha'),
    'app/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: demo\n',
    'app/child.yaml': childSync,
    'child/kustomization.yaml': 'resources: [config.yaml]\n',
    'child/config.yaml': configMap('child-settings'),
  });
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1')).status === 200 ? true : undefined,
  );
  await apply('gitrepositories', 'GitRepository', 'fleet', {
    url: git.url('fleet'),
    insecure: true,
    interval: '1h',
    ref: { branch: 'main' },
  });
  await apply('syncs', 'Sync', 'app', {
    sourceRef: { kind: 'GitRepository', name: 'fleet' },
    path: './app',
    interval: '1h',
    prune: true,
  });
  await apply('syncs', 'Sync', 'idle', {
    sourceRef: { kind: 'GitRepository', name: 'fleet' },
    path: './app',
    interval: '1h',
    prune: true,
    suspend: true,
  });
  await eventually(
    async () =>
      (await inventorySize('app')) === 5 && (await inventorySize('child')) === 1 ? true : undefined,
    30_000,
    'both Syncs to apply',
  );
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('steward tree', () => {
  it('draws what the Sync applied, grouped by kind, and expands the Sync it applied', async () => {
    const r = await tree(['sync', 'app']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('Sync/default/app');
    // Kinds come in apply order, so check the grouping rather than one planner's order of kinds.
    const children = lines.slice(1).filter((l) => /^[├└]/.test(l));
    expect(children.map((l) => l.slice(4)).sort()).toEqual([
      'ConfigMap/demo/alpha',
      'ConfigMap/demo/zeta',
      'Namespace/demo',
      'ServiceAccount/demo/deployer',
      'Sync/default/child',
    ]);
    expect(children[0]).toBe('├── Namespace/demo');
    const alpha = lines.indexOf('├── ConfigMap/demo/alpha');
    expect(alpha).toBeGreaterThan(0);
    expect(lines[alpha + 1]).toMatch(/^[├└]── ConfigMap\/demo\/zeta$/);
    const child = lines.findIndex((l) => l.endsWith('── Sync/default/child'));
    const nested = lines[child]?.startsWith('└')
      ? '    └── ConfigMap/demo/child-settings'
      : '│   └── ConfigMap/demo/child-settings';
    expect(lines[child + 1]).toBe(nested);
    expect(children.slice(0, -1).every((l) => l.startsWith('├── '))).toBe(true);
    expect(children.at(-1)?.startsWith('└── ')).toBe(true);
    expect(lines).toHaveLength(7);
  });

  it('gives the same tree as JSON', async () => {
    const r = await tree(['syncs', 'app', '-o', 'json']);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.out) as {
      kind: string;
      name: string;
      resources: {
        kind: string;
        name: string;
        apiVersion: string;
        resources?: { kind: string; name: string }[];
      }[];
    };
    expect(data).toMatchObject({
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      namespace: 'default',
      name: 'app',
    });
    expect(data.resources.map((x) => `${x.kind}/${x.name}`).sort()).toEqual([
      'ConfigMap/alpha',
      'ConfigMap/zeta',
      'Namespace/demo',
      'ServiceAccount/deployer',
      'Sync/child',
    ]);
    const child = data.resources.find((x) => x.kind === 'Sync');
    expect(child?.apiVersion).toBe('steward.dev/v1alpha1');
    expect(child?.resources).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'child-settings' },
    ]);
  });

  it('shows only the root for a Sync that has applied nothing, and says why', async () => {
    const r = await tree(['sync', 'idle']);
    expect(r).toEqual({
      code: 0,
      out: 'Sync/default/idle\n',
      err: 'Sync/default/idle has no inventory yet: it has applied nothing\n',
    });
  });

  it('exits 2 for a missing Sync or a kind that is not Steward', async () => {
    expect(await tree(['sync', 'nope'])).toEqual({
      code: 2,
      out: '',
      err: 'error: Sync/default/nope not found\n',
    });
    const pods = await tree(['pods', 'x']);
    expect(pods.code).toBe(2);
    expect(pods.err).toMatch(/^error: the server has no Steward resource type "pods"/);
  });
});
