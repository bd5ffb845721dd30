/**
 * Staged server-side apply against the sandbox API server: dry-run drift detection, drift correction,
 * other controllers' fields left alone, CRDs before their resources, immutable fields, ssa annotations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyError, applyPlan } from '../../../src/apply/index.js';
import { FIELD_MANAGER, SSA_ANNOTATION } from '../../../src/core/constants.js';
import type { PlannedObject } from '../../../src/core/types.js';
import { type KubeClient, kubeClient } from '../../../src/kube/index.js';
import { deployment, widgetCrd } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';
import { configMap, countsByVerb, mergePatch, namespace, planned, resetCounters } from './helpers.js';

let sb: SandboxHandle;
let client: KubeClient;

beforeAll(async () => {
  sb = await startSandbox();
  client = kubeClient(sb.kc);
});
afterAll(async () => sb.stop());

const baseOpts = { fieldManager: FIELD_MANAGER, force: false, knownControllers: [], waitTimeoutMs: 10_000 };

function web(ns: string, image = 'nginx:1.27', replicas = 2) {
  const d = deployment('web', image, replicas);
  return { ...d, metadata: { name: 'web', namespace: ns } };
}

async function getDeployment(ns: string, name = 'web') {
  const r = await sb.raw('GET', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
  return r.json() as {
    metadata: { uid: string; generation: number; resourceVersion: string };
    spec: { replicas: number; selector: object; template: { spec: { containers: { image: string }[] } } };
  };
}

const actions = (cs: { changes: { action: string; ref: { kind: string } }[] }) =>
  cs.changes.map((c) => `${c.ref.kind}:${c.action}`);

describe('applyPlan', () => {
  it('creates, then reports unchanged without a single write', async () => {
    const plan = [
      planned(namespace('team-a')),
      planned(configMap('settings', 'team-a', { mode: 'fast' })),
      planned(web('team-a')),
    ];
    const first = await applyPlan(client, plan, baseOpts);
    expect(actions(first)).toEqual(['Namespace:created', 'ConfigMap:created', 'Deployment:created']);
    const cmBefore = (await sb.raw('GET', '/api/v1/namespaces/team-a/configmaps/settings')).json();
    const depBefore = await getDeployment('team-a');

    await resetCounters(sb);
    const second = await applyPlan(client, plan, baseOpts);
    expect(actions(second)).toEqual(['Namespace:unchanged', 'ConfigMap:unchanged', 'Deployment:unchanged']);
    // The counters cannot tell dry-run from real patches: one patch per object means dry-runs only.
    const counts = await countsByVerb(sb);
    expect(counts.patch).toBe(plan.length);
    expect(counts.create ?? 0).toBe(0);
    expect(counts.update ?? 0).toBe(0);
    expect(counts.delete ?? 0).toBe(0);
    const cmAfter = (await sb.raw('GET', '/api/v1/namespaces/team-a/configmaps/settings')).json();
    expect(cmAfter.metadata).toEqual(cmBefore.metadata);
    expect((await getDeployment('team-a')).metadata.generation).toBe(depBefore.metadata.generation);
  });

  it('configures what changed and leaves the rest unchanged', async () => {
    const plan = [planned(configMap('settings', 'team-a', { mode: 'slow' })), planned(web('team-a'))];
    const cs = await applyPlan(client, plan, baseOpts);
    expect(actions(cs)).toEqual(['ConfigMap:configured', 'Deployment:unchanged']);
    const cm = (await sb.raw('GET', '/api/v1/namespaces/team-a/configmaps/settings')).json();
    expect(cm.data).toEqual({ mode: 'slow' });
  });

  it('reverts a manual edit made under another field manager', async () => {
    const plan = [planned(web('team-a'))];
    await mergePatch(sb, '/apis/apps/v1/namespaces/team-a/deployments/web', 'kubectl-edit', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:hacked' }] } } },
    });
    expect((await getDeployment('team-a')).spec.template.spec.containers[0]?.image).toBe('nginx:hacked');
    const cs = await applyPlan(client, plan, baseOpts);
    expect(actions(cs)).toEqual(['Deployment:configured']);
    expect((await getDeployment('team-a')).spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    expect(actions(await applyPlan(client, plan, baseOpts))).toEqual(['Deployment:unchanged']);
  });

  it('leaves the fields Flagger owns to Flagger and still rolls out a new image', async () => {
    await applyPlan(client, [planned(namespace('canary'))], baseOpts);
    await applyPlan(client, [planned(web('canary', 'nginx:1.27', 2))], baseOpts);
    await mergePatch(sb, '/apis/apps/v1/namespaces/canary/deployments/web', 'flagger', {
      spec: { replicas: 0 },
    });
    const opts = { ...baseOpts, knownControllers: ['flagger'] };
    const cs = await applyPlan(client, [planned(web('canary', 'nginx:1.28', 2))], opts);
    expect(actions(cs)).toEqual(['Deployment:configured']);
    const live = await getDeployment('canary');
    expect(live.spec.replicas).toBe(0);
    expect(live.spec.template.spec.containers[0]?.image).toBe('nginx:1.28');
    expect(actions(await applyPlan(client, [planned(web('canary', 'nginx:1.28', 2))], opts))).toEqual([
      'Deployment:unchanged',
    ]);
  });

  it("keeps an HPA's replica count on the Deployment it scales", async () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'scaled' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
      },
    };
    await applyPlan(client, [planned(namespace('scaled'))], baseOpts);
    // Created with the replicas in Git, HPA in the same plan.
    await applyPlan(client, [planned(web('scaled', 'nginx:1.27', 2)), planned(hpa)], baseOpts);
    expect((await getDeployment('scaled')).spec.replicas).toBe(2);
    // Git changes replicas: the HPA's target keeps its live count (not reset to Git, not defaulted to 1).
    const cs = await applyPlan(client, [planned(web('scaled', 'nginx:1.27', 7)), planned(hpa)], baseOpts);
    expect(actions(cs)).toEqual(['Deployment:unchanged', 'HorizontalPodAutoscaler:unchanged']);
    expect((await getDeployment('scaled')).spec.replicas).toBe(2);
    // The HPA controller scales through /scale; the HPA is now only in the cluster, not in the plan.
    await mergePatch(
      sb,
      '/apis/apps/v1/namespaces/scaled/deployments/web/scale',
      'horizontal-pod-autoscaler',
      {
        spec: { replicas: 5 },
      },
    );
    const again = await applyPlan(client, [planned(web('scaled', 'nginx:1.29', 2))], baseOpts);
    expect(actions(again)).toEqual(['Deployment:configured']);
    const live = await getDeployment('scaled');
    expect(live.spec.replicas).toBe(5);
    expect(live.spec.template.spec.containers[0]?.image).toBe('nginx:1.29');
  });

  it('applies a CRD and its custom resource in one plan, waiting for the CRD', async () => {
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'team-a' },
      spec: { size: 3 },
    };
    const cs = await applyPlan(client, [planned(widgetCrd()), planned(widget)], baseOpts);
    expect(actions(cs)).toEqual(['CustomResourceDefinition:created', 'Widget:created']);
    const w = (await sb.raw('GET', '/apis/example.com/v1/namespaces/team-a/widgets/w1')).json();
    expect(w.spec).toEqual({ size: 3, color: 'blue' });
    expect(actions(await applyPlan(client, [planned(widgetCrd()), planned(widget)], baseOpts))).toEqual([
      'CustomResourceDefinition:unchanged',
      'Widget:unchanged',
    ]);
  });

  it('refuses an immutable selector change without force, naming the field, and recreates with force', async () => {
    await applyPlan(client, [planned(namespace('immut'))], baseOpts);
    await applyPlan(client, [planned(web('immut'))], baseOpts);
    const before = await getDeployment('immut');
    const changed = web('immut');
    changed.spec.selector.matchLabels = { app: 'web2' };
    changed.spec.template.metadata.labels = { app: 'web2' };

    const err = await applyPlan(client, [planned(changed)], baseOpts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplyError);
    const e = err as ApplyError;
    expect(e.retry).toBe('terminal');
    expect(e.subject).toBe('Deployment/immut/web');
    expect(e.message).toMatch(/^Deployment\/immut\/web cannot be updated: immutable field spec\.selector/);
    expect(e.message).toContain('spec.force');
    expect((await getDeployment('immut')).metadata.uid).toBe(before.metadata.uid);

    const cs = await applyPlan(client, [planned(changed)], { ...baseOpts, force: true });
    expect(cs.changes).toEqual([expect.objectContaining({ action: 'configured', reason: 'recreated' })]);
    const after = await getDeployment('immut');
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
    expect(after.spec.selector).toEqual({ matchLabels: { app: 'web2' } });
  });

  it('recreates a StatefulSet whose spec update is forbidden, only with force', async () => {
    const sts = (serviceName: string) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'immut' },
      spec: {
        serviceName,
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'postgres:17' }] },
        },
      },
    });
    await applyPlan(client, [planned(sts('db'))], baseOpts);
    const err = await applyPlan(client, [planned(sts('db-headless'))], baseOpts).catch((e: unknown) => e);
    expect((err as ApplyError).message).toMatch(
      /^StatefulSet\/immut\/db cannot be updated: .*set spec\.force/,
    );
    const cs = await applyPlan(client, [planned(sts('db-headless'))], { ...baseOpts, force: true });
    expect(cs.changes[0]).toMatchObject({ action: 'configured', reason: 'recreated' });
    const live = (await sb.raw('GET', '/apis/apps/v1/namespaces/immut/statefulsets/db')).json();
    expect((live.spec as { serviceName: string }).serviceName).toBe('db-headless');
  });

  it('applies as an impersonated tenant who may not list autoscalers', async () => {
    const rbac = 'rbac.authorization.k8s.io/v1';
    await applyPlan(client, [planned(namespace('tenant'))], baseOpts);
    await applyPlan(
      client,
      [
        planned({
          apiVersion: rbac,
          kind: 'Role',
          metadata: { name: 'deployer', namespace: 'tenant' },
          rules: [
            { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'patch', 'create'] },
          ],
        }),
        planned({
          apiVersion: rbac,
          kind: 'RoleBinding',
          metadata: { name: 'deployer', namespace: 'tenant' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'tenant-bot' }],
        }),
      ],
      baseOpts,
    );
    const tenant = kubeClient(sb.kc, { impersonate: { user: 'tenant-bot' } });
    const cs = await applyPlan(tenant, [planned(web('tenant'))], baseOpts);
    expect(actions(cs)).toEqual(['Deployment:created']);
  });

  it('creates IfNotPresent objects once and never updates them; skips Ignore', async () => {
    const once = configMap('once', 'team-a', { v: '1' });
    const ignored = configMap('ignored', 'team-a', { v: '1' });
    const ann = (m: ReturnType<typeof configMap>, v: string) => ({
      ...m,
      metadata: { ...m.metadata, annotations: { [SSA_ANNOTATION]: v } },
    });
    const first = await applyPlan(
      client,
      [planned(ann(once, 'IfNotPresent')), planned(ann(ignored, 'Ignore'))],
      baseOpts,
    );
    expect(actions(first)).toEqual(['ConfigMap:created', 'ConfigMap:skipped']);
    const second = await applyPlan(
      client,
      [planned(ann(configMap('once', 'team-a', { v: '2' }), 'IfNotPresent'))],
      baseOpts,
    );
    expect(second.changes[0]).toMatchObject({
      action: 'skipped',
      reason: expect.stringContaining('IfNotPresent'),
    });
    const cm = (await sb.raw('GET', '/api/v1/namespaces/team-a/configmaps/once')).json();
    expect(cm.data).toEqual({ v: '1' });
    expect((await sb.raw('GET', '/api/v1/namespaces/team-a/configmaps/ignored')).status).toBe(404);
  });

  it('reports an invalid object as a terminal error and carries what the stage did apply', async () => {
    const bad = web('team-a');
    bad.metadata.name = 'bad';
    bad.spec.template.spec.containers = [{ name: 'Not_Valid', image: 'nginx' }];
    const plan: PlannedObject[] = [planned(configMap('ok', 'team-a', { a: 'b' })), planned(bad)];
    const err = await applyPlan(client, plan, baseOpts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplyError);
    const e = err as ApplyError;
    expect(e.retry).toBe('terminal');
    expect(e.message).toMatch(/^Deployment\/team-a\/bad dry-run failed: .*containers\[0\]\.name/);
    expect(e.changeSet.changes.map((c) => `${c.ref.name}:${c.action}`)).toEqual(['ok:created']);
  });

  it('stops before the next stage when a stage fails', async () => {
    const badNs = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad_Name' } };
    const err = await applyPlan(
      client,
      [planned(badNs), planned(configMap('never', 'team-a', { a: 'b' }))],
      baseOpts,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplyError);
    expect((err as ApplyError).changeSet.changes).toEqual([]);
    expect((await sb.raw('GET', '/api/v1/namespaces/team-a/configmaps/never')).status).toBe(404);
  });
});
