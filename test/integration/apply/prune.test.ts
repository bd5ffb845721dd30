/** Pruning against the sandbox: only stale objects Steward still owns go, in delete order; failures are kept. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, planPrune, prune } from '../../../src/apply/index.js';
import { FIELD_MANAGER, PRUNE_ANNOTATION, PRUNE_DISABLED } from '../../../src/core/constants.js';
import type { Inventory, PlannedObject } from '../../../src/core/types.js';
import { inventoryId } from '../../../src/core/types.js';
import { type KubeClient, kubeClient } from '../../../src/kube/index.js';
import { widgetCrd } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';
import { addFault, configMap, namespace, OWNER_LABELS, planned } from './helpers.js';

let sb: SandboxHandle;
let client: KubeClient;

beforeAll(async () => {
  sb = await startSandbox();
  client = kubeClient(sb.kc, { retry: { attempts: 2, baseDelayMs: 10 } });
});
afterEach(async () => {
  await sb.raw('DELETE', '/sandbox/v1/faults');
});
afterAll(async () => sb.stop());

const opts = { fieldManager: FIELD_MANAGER, force: false, knownControllers: [], waitTimeoutMs: 10_000 };

function inventory(plan: readonly PlannedObject[]): Inventory {
  return { entries: plan.map((p) => ({ id: inventoryId(p.ref), v: p.ref.version })) };
}

const exists = async (path: string) => (await sb.raw('GET', path)).status === 200;

describe('prune', () => {
  it('deletes stale objects it owns, and skips those without owner labels or with prune disabled', async () => {
    const keep = planned(configMap('keep', 'default', { a: '1' }));
    const stale = planned(configMap('stale', 'default', { a: '1' }));
    const taken = planned(configMap('taken', 'default', { a: '1' }));
    const kept = planned(configMap('kept', 'default', { a: '1' }));
    kept.manifest.metadata.annotations = { [PRUNE_ANNOTATION]: PRUNE_DISABLED };
    const previous = [keep, stale, taken, kept];
    await applyPlan(client, previous, opts);
    // Someone else took `taken` over: its owner labels now name another Sync.
    await sb.raw('PATCH', '/api/v1/namespaces/default/configmaps/taken', {
      body: { metadata: { labels: { [Object.keys(OWNER_LABELS)[0] as string]: 'other' } } },
      contentType: 'application/merge-patch+json',
    });

    const refs = planPrune(inventory(previous), inventory([keep]));
    expect(refs.map((r) => r.name).sort()).toEqual(['kept', 'stale', 'taken']);
    const result = await prune(client, refs, { ownerLabels: OWNER_LABELS });
    const byName = Object.fromEntries(result.changes.map((c) => [c.ref.name, c]));
    expect(byName.stale).toMatchObject({ action: 'deleted' });
    expect(byName.taken).toMatchObject({ action: 'skipped', reason: expect.stringContaining('not owned') });
    expect(byName.kept).toMatchObject({
      action: 'skipped',
      reason: `${PRUNE_ANNOTATION}: ${PRUNE_DISABLED}`,
    });
    expect(result.failed).toEqual([]);
    expect(await exists('/api/v1/namespaces/default/configmaps/stale')).toBe(false);
    expect(await exists('/api/v1/namespaces/default/configmaps/taken')).toBe(true);
    expect(await exists('/api/v1/namespaces/default/configmaps/kept')).toBe(true);
    expect(await exists('/api/v1/namespaces/default/configmaps/keep')).toBe(true);
  });

  it('reports an object that is already gone as skipped', async () => {
    const gone = planned(configMap('gone', 'default', { a: '1' }));
    const result = await prune(client, [gone.ref], { ownerLabels: OWNER_LABELS });
    expect(result.changes).toEqual([{ ref: gone.ref, action: 'skipped', reason: 'already deleted' }]);
  });

  it('deletes custom resources before their CRD and namespaces last', async () => {
    const widget = planned({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'doomed' },
      spec: { size: 1 },
    });
    const plan = [planned(widgetCrd()), planned(namespace('doomed')), widget];
    await applyPlan(client, plan, opts);
    const order = planPrune(inventory(plan), { entries: [] }).map((r) => r.kind);
    expect(order).toEqual(['Widget', 'CustomResourceDefinition', 'Namespace']);
    const result = await prune(client, planPrune(inventory(plan), { entries: [] }), {
      ownerLabels: OWNER_LABELS,
    });
    expect(result.changes.map((c) => `${c.ref.kind}:${c.action}`)).toEqual([
      'Widget:deleted',
      'CustomResourceDefinition:deleted',
      'Namespace:deleted',
    ]);
  });

  it('keeps a ref whose delete fails in `failed`, and still deletes the others', async () => {
    const a = planned(configMap('fail-a', 'default', { a: '1' }));
    const b = planned(configMap('fail-b', 'default', { a: '1' }));
    await applyPlan(client, [a, b], opts);
    await addFault(sb, {
      verb: 'delete',
      path: '/api/v1/namespaces/default/configmaps/fail-a',
      action: { type: 'status', code: 403, message: 'configmaps "fail-a" is forbidden: nope' },
    });
    const result = await prune(client, [a.ref, b.ref], { ownerLabels: OWNER_LABELS });
    expect(result.failed).toEqual([a.ref]);
    expect(result.errors[0]?.message).toMatch(/^ConfigMap\/default\/fail-a delete failed: .*forbidden/);
    expect(result.errors[0]?.reason).toBe('PruneFailed');
    expect(result.changes).toEqual([{ ref: b.ref, action: 'deleted' }]);
    expect(await exists('/api/v1/namespaces/default/configmaps/fail-a')).toBe(true);
  });
});
