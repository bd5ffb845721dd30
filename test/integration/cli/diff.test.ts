/**
 * `steward diff` against the sandbox API server: created objects on an empty cluster, no difference right after
 * the same plan is applied, changed fields and manual drift shown as unified diffs, Secret values masked,
 * objects the Sync's inventory holds and the render dropped listed as pruned, and the exit codes.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crds } from '../../../src/api/index.js';
import { waitForCrds } from '../../../src/apply/crd-wait.js';
import { applyPlan } from '../../../src/apply/index.js';
import { type DiffArgs, diffCommand, runDiff } from '../../../src/cli/diff.js';
import { parseConfig } from '../../../src/config/index.js';
import { FIELD_MANAGER } from '../../../src/core/constants.js';
import type { Manifest } from '../../../src/core/types.js';
import { type KubeClient, kubeClient } from '../../../src/kube/index.js';
import { inventoryOf } from '../../../src/plan/index.js';
import { buildLocal, ownerLabels } from '../../../src/render/index.js';
import { type SandboxHandle, startSandbox } from '../../harness/sandbox.js';
import { captureIO, copyFixture, PATH_ENV, runCommandLine } from './helpers.js';

const PASSWORD = 'initial-planted-pw';
const NEW_PASSWORD = 'rotated-planted-pw';
const BASE_VARS = { DB_PASSWORD: PASSWORD };
const SYNC = { name: 'web', namespace: 'shop' };

let sb: SandboxHandle;
let client: KubeClient;
let repo: Awaited<ReturnType<typeof copyFixture>>;

beforeAll(async () => {
  [sb, repo] = await Promise.all([
    startSandbox({ simulator: { enabled: false, settleMs: 0, failImagePatterns: [] } }),
    copyFixture(),
  ]);
  client = kubeClient(sb.kc);
});
afterAll(async () => {
  await sb.stop();
  await repo.remove();
});

function args(vars: Record<string, string> = {}, extra: Partial<DiffArgs> = {}): DiffArgs {
  return { dir: repo.root, path: './app', substitute: { ...BASE_VARS, ...vars }, sync: SYNC, ...extra };
}

async function diff(a: DiffArgs) {
  const io = captureIO();
  const code = await runDiff(a, { ...io, connect: () => client });
  return { code, out: io.out, err: io.err };
}

/** The fixture's plan, as `steward build` and the agent make it. */
async function planFixture() {
  const { objects } = await buildLocal(repo.root, {
    path: './app',
    kustomize: { command: 'kubectl', args: ['kustomize'], pathEnv: PATH_ENV },
    vars: BASE_VARS,
    ownerLabels: ownerLabels(SYNC),
  });
  return objects;
}

/** Applies the fixture as the agent would, with the agent's default settings. */
async function applyFixture(): Promise<void> {
  const config = parseConfig('', 'defaults');
  await applyPlan(client, await planFixture(), {
    fieldManager: config.fieldManager,
    force: false,
    knownControllers: config.knownControllers,
    waitTimeoutMs: 10_000,
  });
}

function resourceVersion(obj: Record<string, unknown> | undefined): unknown {
  return (obj?.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
}

function expectNoPassword(text: string) {
  for (const v of [PASSWORD, NEW_PASSWORD]) {
    expect(text).not.toContain(v);
    expect(text).not.toContain(Buffer.from(v).toString('base64'));
  }
}

describe('steward diff', () => {
  it('reports every object as created on an empty cluster, and exits 1', async () => {
    const r = await diff(args());
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      [
        'Namespace/shop created',
        'Secret/shop/creds created (its Namespace is created first)',
        'ConfigMap/shop/settings created (its Namespace is created first)',
        'Deployment/shop/web created (its Namespace is created first)',
        '',
      ].join('\n'),
    );
    expect(r.err).toBe('note: Sync shop/web is not in the cluster: nothing would be pruned\n');
    expectNoPassword(r.out + r.err);
  });

  it('exits 0 and prints nothing once the same objects are applied', async () => {
    await applyFixture();
    const r = await diff(args());
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('shows a changed field as a unified diff of the merged object, and writes nothing', async () => {
    const before = await client.get({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
    });
    const r = await diff(args({ REPLICAS: '3' }));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^--- live Deployment\/shop\/web\n\+\+\+ merged\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
    expect(r.out).toContain('-  replicas: 2\n+  replicas: 3\n');
    // Only the changed object, and no status or volatile metadata in the diff.
    expect(r.out).not.toMatch(/ConfigMap|Secret|resourceVersion|managedFields|status:/);
    const after = await client.get({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
    });
    expect(resourceVersion(after)).toBe(resourceVersion(before));
  });

  it('shows drift from a manual edit as the change the agent would revert', async () => {
    const res = await sb.raw(
      'PATCH',
      '/api/v1/namespaces/shop/configmaps/settings?fieldManager=kubectl-edit',
      {
        body: { data: { greeting: 'edited by hand' } },
        contentType: 'application/merge-patch+json',
      },
    );
    expect(res.status).toBe(200);
    const r = await diff(args());
    expect(r.code).toBe(1);
    expect(r.out).toContain('--- live ConfigMap/shop/settings\n+++ merged\n');
    expect(r.out).toContain('-  greeting: edited by hand\n+  greeting: hello\n');
    await applyFixture();
    expect((await diff(args())).code).toBe(0);
  });

  it('masks Secret values, changed or not', async () => {
    const rotated = await diff(args({ DB_PASSWORD: NEW_PASSWORD }));
    expect(rotated.code).toBe(1);
    expect(rotated.out).toContain('--- live Secret/shop/creds\n+++ merged\n');
    expect(rotated.out).toContain('-  password: "*** (before)"\n+  password: "*** (after)"\n');
    expectNoPassword(rotated.out + rotated.err);

    // The unchanged password shows as context, masked without the before/after markers.
    const renamed = await diff(args({ DB_USER: 'admin' }));
    expect(renamed.code).toBe(1);
    expect(renamed.out).toContain(
      '   password: "***"\n-  username: "*** (before)"\n+  username: "*** (after)"\n',
    );
    expect(renamed.out).not.toContain('admin');
    expectNoPassword(renamed.out + renamed.err);

    const relabelled = await diff(args({ TIER: 'frontend' }));
    expect(relabelled.code).toBe(1);
    expect(relabelled.out).toContain('-    tier: backend\n+    tier: frontend\n');
    expect(relabelled.out).not.toContain('(before)');
    expectNoPassword(relabelled.out + relabelled.err);
  });

  it('leaves the replicas of an autoscaled workload to its autoscaler, as the agent does', async () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 9,
      },
    };
    await client.apply(hpa, { fieldManager: 'test', force: true });
    const res = await sb.raw(
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=horizontal-pod-autoscaler',
      {
        body: { spec: { replicas: 7 } },
        contentType: 'application/merge-patch+json',
      },
    );
    expect(res.status).toBe(200);
    const r = await diff(args());
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('reports a custom resource as created when its CRD comes with it', async () => {
    const { sync: _sync, ...withoutSync } = args();
    const r = await diff({ ...withoutSync, path: './crd' });
    expect(r.out).toBe(
      [
        'CustomResourceDefinition/widgets.example.com created',
        'Widget/shop/gizmo created (its CustomResourceDefinition is created first)',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(1);
  });

  it('exits 2 naming the file when the render fails', async () => {
    const r = await diff(args({}, { path: './broken' }));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: broken\/bad\.yaml:\d+: invalid YAML/);
  });

  it('exits 2 when the server refuses an object, and still diffs the others', async () => {
    const r = await diff(args({ APP: 'shop-web', GREETING: 'changed' }));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^error: Deployment\/shop\/web cannot be updated: immutable field spec\.selector changed; the agent recreates it only if the Sync sets spec\.force \(.+\)$/m,
    );
    expect(r.out).toContain('+  greeting: changed\n');
    expectNoPassword(r.out + r.err);
  });

  it('runs from the command line with a kubeconfig file, and exits 2 without a usable one', async () => {
    const io = captureIO();
    const r = await runCommandLine(
      diffCommand(io),
      [
        repo.root,
        ...['--path', './app', '--substitute', `DB_PASSWORD=${PASSWORD}`, '--kubeconfig', sb.kubeconfigPath],
        ...['--sync-name', SYNC.name, '--sync-namespace', SYNC.namespace],
      ],
      io,
    );
    expect(r.err).toBe('note: Sync shop/web is not in the cluster: nothing would be pruned\n');
    expect(r.code).toBe(0);

    const bad = captureIO();
    const b = await runCommandLine(
      diffCommand(bad),
      [repo.root, '--kubeconfig', join(repo.work, 'missing.kubeconfig')],
      bad,
    );
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/^error: .*missing\.kubeconfig/);
  });
  it('lists what the Sync applied before and the render dropped as pruned', async () => {
    for (const crd of crds())
      await client.apply(crd as Manifest, { fieldManager: FIELD_MANAGER, force: true });
    await waitForCrds(
      client,
      crds().map((c) => ({
        group: 'apiextensions.k8s.io',
        version: 'v1',
        kind: 'CustomResourceDefinition',
        namespace: '',
        name: (c as Manifest).metadata.name,
      })),
      10_000,
    );
    const objects = await planFixture();
    const sync = (prune: boolean) => ({
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: SYNC.name, namespace: SYNC.namespace },
      spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, path: './app', interval: '5m', prune },
    });
    await client.apply(sync(true), { fieldManager: 'test', force: true });
    await client.patchStatus(
      'steward.dev/v1alpha1',
      'Sync',
      SYNC.namespace,
      SYNC.name,
      { inventory: inventoryOf(objects) },
      'test',
    );
    expect((await diff(args())).code).toBe(0);

    await rm(join(repo.root, 'app/config.yaml'));
    const r = await diff(args());
    expect(r.out).toBe('ConfigMap/shop/settings deleted (would be pruned)\n');
    expect(r.code).toBe(1);

    await client.apply(sync(false), { fieldManager: 'test', force: true });
    const off = await diff(args());
    expect(off.out).toBe('');
    expect(off.err).toBe(
      'note: ConfigMap/shop/settings is no longer rendered but would be kept (spec.prune is off)\n',
    );
    expect(off.code).toBe(0);
  });
});
