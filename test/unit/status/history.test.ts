import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/metrics/metrics.js';
import type { ReconcileContext } from '../../../src/reconcile/context.js';
import { waitForHealthy } from '../../../src/reconcile/health-wait.js';
import { recordOutcome } from '../../../src/reconcile/observe.js';
import { parseSyncPath } from '../../../src/status/api.js';
import { cachedLoader } from '../../../src/status/cache.js';
import { ReconcileHistory } from '../../../src/status/history.js';

describe('ReconcileHistory', () => {
  it('keeps the last reconcile and phases per object, and forgets what is gone', () => {
    const h = new ReconcileHistory();
    const at = new Date('2026-01-01T00:00:00Z');
    h.reconciled({
      kind: 'Sync',
      namespace: 'a',
      name: 'x',
      result: 'failure',
      finishedAt: at,
      durationMs: 5,
    });
    h.reconciled({
      kind: 'Sync',
      namespace: 'a',
      name: 'x',
      result: 'success',
      finishedAt: at,
      durationMs: 7,
    });
    h.reconciled({
      kind: 'GitRepository',
      namespace: 'a',
      name: 'x',
      result: 'success',
      finishedAt: at,
      durationMs: 1,
    });
    h.progressivePhases({ namespace: 'a', name: 'x' }, [
      { group: 'flagger.app', kind: 'Canary', namespace: 'a', name: 'web', phase: 'Progressing' },
    ]);
    expect(h.lastOf('Sync/a/x')).toMatchObject({ result: 'success', durationMs: 7 });
    expect(h.phasesOf('Sync/a/x')).toHaveLength(1);
    h.retain(new Set(['GitRepository/a/x']));
    expect(h.lastOf('Sync/a/x')).toBeUndefined();
    expect(h.phasesOf('Sync/a/x')).toEqual([]);
    expect(h.lastOf('GitRepository/a/x')).toBeDefined();
  });
});

describe('recordOutcome', () => {
  it.each([
    ['success', 'success'],
    ['failure', 'failure'],
    [undefined, 'waiting'],
  ] as const)('tells the observer of a %s reconcile as %s', (result, want) => {
    const history = new ReconcileHistory();
    const finishedAt = new Date('2026-03-04T05:06:07Z');
    const ctx = {
      metrics: createMetrics({ defaultMetrics: false }),
      now: () => finishedAt,
      observer: history,
    } as unknown as ReconcileContext;
    recordOutcome(ctx, 'Sync', { namespace: 'team-a', name: 'app' }, [], result, Date.now() - 50);
    const got = history.lastOf('Sync/team-a/app');
    expect(got).toMatchObject({ kind: 'Sync', namespace: 'team-a', name: 'app', result: want, finishedAt });
    expect(got?.durationMs).toBeGreaterThanOrEqual(50);
    expect(got?.durationMs).toBeLessThan(5_000);
  });
});

describe('waitForHealthy onPhases', () => {
  const objects: Record<string, Record<string, unknown>> = {
    Canary: {
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { namespace: 'a', name: 'web', generation: 1 },
      status: { phase: 'Succeeded', observedGeneration: 1 },
    },
    Rollout: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { namespace: 'a', name: 'api', generation: 2 },
      status: { phase: 'Healthy', observedGeneration: '2' },
    },
    ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'a', name: 'cm' } },
  };
  const client = { get: async (ref: { kind: string }) => objects[ref.kind] } as unknown as Parameters<
    typeof waitForHealthy
  >[0];

  it('reports the phases of Canaries and Rollouts only', async () => {
    const seen: unknown[] = [];
    await waitForHealthy(
      client,
      [
        { group: 'flagger.app', version: 'v1beta1', kind: 'Canary', namespace: 'a', name: 'web' },
        { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'cm' },
        { group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout', namespace: 'a', name: 'api' },
      ],
      { timeoutMs: 1_000, pollMs: 10, onPhases: (p) => seen.push(p) },
    );
    expect(seen).toEqual([
      [
        { group: 'flagger.app', kind: 'Canary', namespace: 'a', name: 'web', phase: 'Succeeded' },
        { group: 'argoproj.io', kind: 'Rollout', namespace: 'a', name: 'api', phase: 'Healthy' },
      ],
    ]);
  });
});

describe('cachedLoader', () => {
  it('loads once per period, shares a load in flight, and does not keep failures', async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const load = cachedLoader(
      async () => {
        calls += 1;
        if (fail) throw new Error('down');
        return calls;
      },
      5_000,
      () => now,
    );
    expect(await Promise.all([load(), load()])).toEqual([1, 1]);
    now = 4_999;
    expect(await load()).toBe(1);
    now = 5_000;
    fail = true;
    await expect(load()).rejects.toThrow('down');
    fail = false;
    expect(await load()).toBe(3);
    expect(calls).toBe(3);
  });
});

describe('parseSyncPath', () => {
  it.each([
    ['team-a/app', { namespace: 'team-a', name: 'app' }],
    ['team-a/my%2Eapp', { namespace: 'team-a', name: 'my.app' }],
    ['team-a', undefined],
    ['team-a/app/extra', undefined],
    ['/app', undefined],
    ['team-a/', undefined],
    ['team-a/%E0%A4%A', undefined],
  ])('%s', (rest, want) => {
    expect(parseSyncPath(rest)).toEqual(want);
  });
});
