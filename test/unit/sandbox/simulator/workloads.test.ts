import { describe, expect, it } from 'vitest';
import { STATUS_FIELDS, simulateStatus } from '../../../../src/sandbox/simulator/workloads.js';
import type { Obj } from '../../../../src/sandbox/types.js';
import {
  at,
  condition,
  contextOf,
  deployment,
  drive,
  lastStatus,
  loadFixtures,
  podTemplate,
} from './harness.js';

const fixtures = loadFixtures();
const never = () => false;

describe('simulateStatus on the fixtures', () => {
  it.each(fixtures)('$file: $description', (f) => {
    const ctx = contextOf(f.context);
    const got = simulateStatus(f.kind, f.object, ctx);
    expect(got ?? null).toEqual(f.expected);
    if (!got) return;
    // written in Go struct order, as kube-apiserver serialises the status
    expect(Object.keys(got)).toEqual(STATUS_FIELDS[f.kind].filter((k) => k in got));
    // the controller does not write again until something moves
    expect(simulateStatus(f.kind, { ...f.object, status: got }, ctx)).toBeUndefined();
  });

  it('has one fixture per state the brief names', () => {
    const names = fixtures.map((f) => f.file);
    for (const state of [
      'progressing',
      'available',
      'never-ready',
      'deadline-exceeded',
      'paused',
      'scaled-to-zero',
    ]) {
      expect(names).toContain(`deployment-${state}.yaml`);
    }
    expect(names).toEqual(expect.arrayContaining(['job-complete.yaml', 'job-failed.yaml']));
  });
});

describe('Deployment rollouts', () => {
  // rolling.go outcomes of a rollout whose new pods never become ready, for the default and explicit strategies
  it.each([
    { replicas: 1, strategy: undefined, counts: [2, 1, 1, 1] },
    { replicas: 3, strategy: undefined, counts: [4, 1, 3, 1] },
    { replicas: 4, strategy: undefined, counts: [5, 2, 3, 2] },
    { replicas: 10, strategy: undefined, counts: [13, 5, 8, 5] },
    { replicas: 3, strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, counts: [3, 1, 2, 1] },
    { replicas: 3, strategy: { type: 'Recreate' }, counts: [3, 3, 0, 3] },
  ])('$replicas replicas, strategy $strategy: replicas/updated/available/unavailable $counts', (c) => {
    const spec: Obj = { replicas: c.replicas, ...(c.strategy ? { strategy: c.strategy } : {}) };
    const seen = drive('Deployment', deployment('nginx:1', spec), {
      untilMs: 10_000,
      edits: [
        {
          atMs: 5000,
          spec: { ...spec, progressDeadlineSeconds: 600, template: podTemplate('web', 'nginx:broken') },
        },
      ],
    });
    const s = lastStatus(seen);
    const [replicas, updated, available, unavailable] = c.counts;
    expect([s.replicas, s.updatedReplicas, s.availableReplicas ?? 0, s.unavailableReplicas ?? 0]).toEqual([
      replicas,
      updated,
      available,
      unavailable,
    ]);
    expect(s.readyReplicas ?? 0).toBe(available);
  });

  it('moves lastTransitionTime only when a status flips, lastUpdateTime on every change', () => {
    const seen = drive('Deployment', deployment('nginx:1'), { untilMs: 3000, settleMs: 2000 });
    const first = seen[1]?.status as Obj;
    const last = lastStatus(seen);
    expect(condition(first, 'Progressing')).toMatchObject({
      status: 'True',
      lastTransitionTime: at(0).replace('.000', ''),
    });
    // Progressing stayed True (ReplicaSetUpdated -> NewReplicaSetAvailable): transition kept, update moved
    expect(condition(last, 'Progressing')).toMatchObject({
      reason: 'NewReplicaSetAvailable',
      lastTransitionTime: '2026-03-02T10:00:00Z',
      lastUpdateTime: '2026-03-02T10:00:02Z',
    });
    // Available flipped False -> True: both times moved
    expect(condition(last, 'Available')).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-03-02T10:00:02Z',
      lastUpdateTime: '2026-03-02T10:00:02Z',
    });
  });

  it.each([
    {
      name: 'spec.progressDeadlineSeconds',
      spec: { progressDeadlineSeconds: 10 },
      deadline: undefined,
      at: 10_250,
    },
    { name: 'the progressDeadlineMs override', spec: {}, deadline: 3000, at: 3250 },
  ])('reports ProgressDeadlineExceeded after $name', (c) => {
    const seen = drive('Deployment', deployment('nginx:broken', c.spec), {
      untilMs: 12_000,
      ...(c.deadline ? { progressDeadlineMs: c.deadline } : {}),
    });
    const failedAt = seen.find((o) => condition(o.status as Obj, 'Progressing')?.status === 'False');
    expect(condition(failedAt?.status as Obj, 'Progressing')).toMatchObject({
      reason: 'ProgressDeadlineExceeded',
      lastTransitionTime: at(c.at).replace(/\.\d+Z$/, 'Z'),
    });
  });

  it('drops the Progressing condition when progressDeadlineSeconds is MaxInt32', () => {
    const s = simulateStatus('Deployment', deployment('nginx:1', { progressDeadlineSeconds: 2147483647 }), {
      now: at(5000),
      changedAt: at(0),
      settleMs: 1000,
      failImage: never,
    });
    expect(s?.conditions).toEqual([expect.objectContaining({ type: 'Available', status: 'True' })]);
  });

  it('writes DeploymentResumed on its own when a paused Deployment is resumed, then rolls out', () => {
    const seen = drive('Deployment', deployment('nginx:1'), {
      untilMs: 8000,
      edits: [
        { atMs: 3000, spec: { ...(deployment('nginx:1').spec as Obj), paused: true } },
        { atMs: 4000, spec: deployment('nginx:2').spec as Obj },
      ],
    });
    const reasons = seen.map((o) => condition(o.status as Obj, 'Progressing')?.reason);
    expect(reasons.filter((r, i) => r !== undefined && r !== reasons[i - 1])).toEqual([
      'ReplicaSetUpdated',
      'NewReplicaSetAvailable',
      'DeploymentPaused',
      'DeploymentResumed',
      'ReplicaSetUpdated',
      'NewReplicaSetAvailable',
    ]);
    const resumed = seen.find(
      (o) => condition(o.status as Obj, 'Progressing')?.reason === 'DeploymentResumed',
    );
    expect(resumed?.status).toMatchObject({ observedGeneration: 2 });
    expect(condition(resumed?.status as Obj, 'Progressing')).toMatchObject({
      status: 'Unknown',
      message: 'Deployment is resumed',
    });
  });

  it('keeps the counts of a paused Deployment whose template changed, with no updated pods', () => {
    const seen = drive('Deployment', deployment('nginx:1'), {
      untilMs: 6000,
      edits: [{ atMs: 3000, spec: { ...(deployment('nginx:2').spec as Obj), paused: true } }],
    });
    expect(lastStatus(seen)).toMatchObject({
      observedGeneration: 2,
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(lastStatus(seen).updatedReplicas).toBeUndefined();
  });
});

describe('StatefulSet, DaemonSet, ReplicaSet and Job', () => {
  const sts = (policy?: string): Obj => ({
    metadata: { name: 'db', generation: 1 },
    spec: {
      replicas: 3,
      template: podTemplate('db', 'postgres:broken'),
      ...(policy ? { podManagementPolicy: policy } : {}),
    },
  });
  it.each([
    { policy: undefined, replicas: 1 },
    { policy: 'Parallel', replicas: 3 },
  ])('a never-ready StatefulSet ($policy) creates $replicas pod(s) and stays unready', (c) => {
    const s = simulateStatus('StatefulSet', sts(c.policy), {
      now: at(60_000),
      changedAt: at(0),
      settleMs: 1000,
      failImage: (i) => i.endsWith(':broken'),
    });
    expect(s).toMatchObject({ replicas: c.replicas, availableReplicas: 0, currentReplicas: c.replicas });
    expect(s?.readyReplicas).toBeUndefined();
  });

  it('a never-ready DaemonSet has its one pod scheduled and unavailable', () => {
    const ds: Obj = {
      metadata: { name: 'agent', generation: 3 },
      spec: { template: podTemplate('agent', 'agent:broken') },
    };
    expect(
      simulateStatus('DaemonSet', ds, {
        now: at(9000),
        changedAt: at(0),
        settleMs: 1000,
        failImage: () => true,
      }),
    ).toEqual({
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: 0,
      observedGeneration: 3,
      updatedNumberScheduled: 1,
      numberUnavailable: 1,
    });
  });

  it('keeps ready ReplicaSet pods ready when the template changes to a failing image', () => {
    const rs: Obj = {
      metadata: { name: 'cache', generation: 2 },
      spec: { replicas: 2, template: podTemplate('cache', 'redis:broken') },
      status: {
        replicas: 2,
        fullyLabeledReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        observedGeneration: 1,
      },
    };
    const s = simulateStatus('ReplicaSet', rs, {
      now: at(9000),
      changedAt: at(0),
      settleMs: 1000,
      failImage: () => true,
    });
    expect(s).toEqual({
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 2,
    });
  });

  it('suspends and resumes a Job with the job controller conditions', () => {
    const job = (suspend: boolean): Obj => ({
      metadata: { name: 'migrate', generation: 1 },
      spec: { suspend, completions: 2, parallelism: 2, template: podTemplate('migrate', 'migrate:1') },
    });
    const suspended = simulateStatus('Job', job(true), {
      now: at(0),
      changedAt: at(0),
      settleMs: 1000,
      failImage: never,
    });
    expect(suspended?.conditions).toEqual([
      expect.objectContaining({
        type: 'Suspended',
        status: 'True',
        reason: 'JobSuspended',
        message: 'Job suspended',
      }),
    ]);
    expect(suspended?.startTime).toBeUndefined();
    const resumed = simulateStatus(
      'Job',
      { ...job(false), status: suspended },
      {
        now: at(5000),
        changedAt: at(5000),
        settleMs: 1000,
        failImage: never,
      },
    );
    expect(resumed).toMatchObject({ startTime: '2026-03-02T10:00:05Z', active: 2 });
    expect(resumed?.conditions).toEqual([
      expect.objectContaining({
        type: 'Suspended',
        status: 'False',
        reason: 'JobResumed',
        message: 'Job resumed',
      }),
    ]);
  });
});
