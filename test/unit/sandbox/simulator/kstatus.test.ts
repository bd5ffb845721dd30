/**
 * What a real client concludes from the simulated status: a small port of kubernetes-sigs/cli-utils kstatus
 * (pkg/kstatus/status/{status.go,generic.go,core.go}) for the simulated kinds, run over whole timelines.
 */
import { describe, expect, it } from 'vitest';
import type { WorkloadKind } from '../../../../src/sandbox/simulator/workloads.js';
import type { Obj } from '../../../../src/sandbox/types.js';
import { deployment, drive, podTemplate } from './harness.js';

type KStatus = 'InProgress' | 'Current' | 'Failed' | 'Terminating';
interface Result {
  status: KStatus;
  message: string;
}

const num = (o: Obj, key: string, dflt: number): number =>
  typeof o[key] === 'number' ? (o[key] as number) : dflt;
const conds = (s: Obj): Obj[] => (Array.isArray(s.conditions) ? (s.conditions as Obj[]) : []);
const inProgress = (message: string): Result => ({ status: 'InProgress', message });

function kstatus(kind: WorkloadKind, obj: Obj): Result {
  const meta = obj.metadata as Obj;
  const spec = (obj.spec ?? {}) as Obj;
  const s = (obj.status ?? {}) as Obj;
  if (meta.deletionTimestamp) return { status: 'Terminating', message: 'Resource scheduled for deletion' };
  // generic.go checkGeneration: only when observedGeneration is present
  if (typeof s.observedGeneration === 'number' && s.observedGeneration !== meta.generation) {
    return inProgress(
      `${kind} generation is ${meta.generation}, but latest observed generation is ${s.observedGeneration}`,
    );
  }
  if (kind === 'Deployment') {
    let progressing = spec.progressDeadlineSeconds === undefined;
    let available = false;
    for (const c of conds(s)) {
      if (c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') {
        return { status: 'Failed', message: 'Progress deadline exceeded' };
      }
      if (c.type === 'Progressing' && c.status === 'True' && c.reason === 'NewReplicaSetAvailable')
        progressing = true;
      if (c.type === 'Available' && c.status === 'True') available = true;
    }
    const want = num(spec, 'replicas', 1);
    const [replicas, updated, ready, avail] = [
      'replicas',
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
    ].map((k) => num(s, k, 0)) as [number, number, number, number];
    if (want > replicas) return inProgress(`Replicas: ${replicas}/${want}`);
    if (want > updated) return inProgress(`Updated: ${updated}/${want}`);
    if (replicas > want) return inProgress(`Pending termination: ${replicas - want}`);
    if (updated > avail) return inProgress(`Available: ${avail}/${updated}`);
    if (want > ready) return inProgress(`Ready: ${ready}/${want}`);
    if (!progressing) return inProgress('ReplicaSet not Available');
    if (!available) return inProgress('Deployment not Available');
    return { status: 'Current', message: `Deployment is available. Replicas: ${replicas}` };
  }
  if (kind === 'StatefulSet') {
    const want = num(spec, 'replicas', 1);
    if (want > num(s, 'replicas', 0)) return inProgress(`Replicas: ${num(s, 'replicas', 0)}/${want}`);
    if (want > num(s, 'readyReplicas', 0)) return inProgress(`Ready: ${num(s, 'readyReplicas', 0)}/${want}`);
    if (num(s, 'replicas', 0) > want) return inProgress('Pending termination');
    if (want > num(s, 'currentReplicas', 0))
      return inProgress(`current: ${num(s, 'currentReplicas', 0)}/${want}`);
    if (s.currentRevision !== s.updateRevision)
      return inProgress('Waiting for updated revision to match current');
    return {
      status: 'Current',
      message: `All replicas scheduled as expected. Replicas: ${num(s, 'replicas', 0)}`,
    };
  }
  if (kind === 'DaemonSet') {
    if (typeof s.observedGeneration !== 'number')
      return inProgress('DaemonSet status.observedGeneration not found');
    const desired = num(s, 'desiredNumberScheduled', -1);
    if (desired === -1) return inProgress('Missing .status.desiredNumberScheduled');
    for (const k of ['currentNumberScheduled', 'updatedNumberScheduled', 'numberAvailable', 'numberReady']) {
      if (desired > num(s, k, 0)) return inProgress(`${k}: ${num(s, k, 0)}/${desired}`);
    }
    return { status: 'Current', message: `All replicas scheduled as expected. Replicas: ${desired}` };
  }
  if (kind === 'ReplicaSet') {
    const want = num(spec, 'replicas', 1);
    for (const k of ['fullyLabeledReplicas', 'availableReplicas', 'readyReplicas']) {
      if (want > num(s, k, 0)) return inProgress(`${k}: ${num(s, k, 0)}/${want}`);
    }
    return { status: 'Current', message: `ReplicaSet is available. Replicas: ${num(s, 'replicas', 0)}` };
  }
  const completions = num(spec, 'completions', num(spec, 'parallelism', 1));
  for (const c of conds(s)) {
    if (c.type === 'Complete' && c.status === 'True') {
      return {
        status: 'Current',
        message: `Job Completed. succeeded: ${num(s, 'succeeded', 0)}/${completions}`,
      };
    }
    if (c.type === 'Failed' && c.status === 'True') {
      return { status: 'Failed', message: `Job Failed. failed: ${num(s, 'failed', 0)}/${completions}` };
    }
  }
  if (typeof s.startTime !== 'string') return inProgress('Job not started');
  return { status: 'Current', message: 'Job in progress' };
}

/** The statuses a watcher sees, consecutive repeats folded, and the last message. */
function observe(kind: WorkloadKind, timeline: Obj[]): { seen: KStatus[]; last: string } {
  const results = timeline.map((o) => kstatus(kind, o));
  const seen = results.map((r) => r.status).filter((r, i, all) => r !== all[i - 1]);
  return { seen, last: results.at(-1)?.message ?? '' };
}

const workload = (kind: WorkloadKind, image: string, spec: Obj = {}): Obj => ({
  metadata: { name: kind.toLowerCase(), namespace: 'shop', generation: 1 },
  spec: { replicas: 2, template: podTemplate('app', image), ...spec },
});
const job = (image: string): Obj => ({
  metadata: { name: 'migrate', namespace: 'shop', generation: 1 },
  spec: { completions: 1, parallelism: 1, backoffLimit: 2, template: podTemplate('migrate', image) },
});

describe('kstatus over simulated timelines', () => {
  it.each([
    {
      name: 'a healthy Deployment',
      kind: 'Deployment' as const,
      start: deployment('nginx:1'),
      expected: ['InProgress', 'Current'],
      last: 'Deployment is available. Replicas: 3',
    },
    {
      name: 'a Deployment that never becomes ready',
      kind: 'Deployment' as const,
      start: deployment('nginx:broken'),
      expected: ['InProgress', 'Failed'],
      last: 'Progress deadline exceeded',
    },
    {
      name: 'a Deployment scaled to zero from creation',
      kind: 'Deployment' as const,
      start: deployment('nginx:broken', { replicas: 0 }),
      // InProgress only until the controller's first write: zero replicas are complete at once
      expected: ['InProgress', 'Current'],
      last: 'Deployment is available. Replicas: 0',
    },
    {
      name: 'a healthy StatefulSet',
      kind: 'StatefulSet' as const,
      start: workload('StatefulSet', 'postgres:16'),
      expected: ['InProgress', 'Current'],
      last: 'All replicas scheduled as expected. Replicas: 2',
    },
    {
      name: 'a healthy DaemonSet',
      kind: 'DaemonSet' as const,
      start: workload('DaemonSet', 'agent:1'),
      expected: ['InProgress', 'Current'],
      last: 'All replicas scheduled as expected. Replicas: 1',
    },
    {
      name: 'a healthy ReplicaSet',
      kind: 'ReplicaSet' as const,
      start: workload('ReplicaSet', 'redis:7'),
      expected: ['InProgress', 'Current'],
      last: 'ReplicaSet is available. Replicas: 2',
    },
    {
      name: 'a Job that succeeds',
      kind: 'Job' as const,
      start: job('migrate:1'),
      expected: ['InProgress', 'Current'],
      last: 'Job Completed. succeeded: 1/1',
    },
    {
      name: 'a Job whose pods fail',
      kind: 'Job' as const,
      start: job('migrate:broken'),
      expected: ['InProgress', 'Current', 'Failed'],
      last: 'Job Failed. failed: 3/1',
    },
  ])('$name: $expected', ({ kind, start, expected, last }) => {
    const result = observe(kind, drive(kind, start, { untilMs: 6000, progressDeadlineMs: 4000 }));
    expect(result.seen).toEqual(expected);
    expect(result.last).toBe(last);
  });

  it.each([
    { image: 'nginx:2', expected: ['InProgress', 'Current', 'InProgress', 'Current'] },
    { image: 'nginx:broken', expected: ['InProgress', 'Current', 'InProgress', 'Failed'] },
  ])('a Deployment updated to $image: $expected', ({ image, expected }) => {
    const spec = { ...(deployment(image).spec as Obj) };
    const timeline = drive('Deployment', deployment('nginx:1'), {
      untilMs: 12_000,
      progressDeadlineMs: 4000,
      edits: [{ atMs: 5000, spec }],
    });
    expect(observe('Deployment', timeline).seen).toEqual(expected);
  });

  it('a StatefulSet updated to a new template waits for the revision to roll', () => {
    const start = workload('StatefulSet', 'postgres:16');
    const spec = { ...(workload('StatefulSet', 'postgres:17').spec as Obj) };
    const timeline = drive('StatefulSet', start, { untilMs: 8000, edits: [{ atMs: 4000, spec }] });
    expect(observe('StatefulSet', timeline).seen).toEqual(['InProgress', 'Current', 'InProgress', 'Current']);
  });
});
