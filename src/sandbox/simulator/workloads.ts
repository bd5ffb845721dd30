/**
 * Workload simulator: THIS IS A SIMULATION, no pods run in the sandbox. Given a workload and the time since its
 * generation last changed, these pure functions return the status its real controller would write next, so
 * clients (kubectl rollout status, kstatus, Steward's health checks) see the same conversation as on a cluster.
 * The only memory between calls is the status itself, as with the real controllers.
 */
import type { Obj } from '../types.js';
import { isObj, meta } from '../types.js';
import { deploymentStatus } from './deployment.js';
import type { Tick, WorkloadKind } from './status-util.js';
import {
  cond,
  conditionsOf,
  int,
  nonEmpty,
  nz,
  ordered,
  podTemplateHash,
  SIMULATED_NODE_COUNT,
  seconds,
  setCondition,
  statusEquals,
} from './status-util.js';

export type { WorkloadKind } from './status-util.js';
export { podTemplateHash, SIMULATED_NODE_COUNT, STATUS_FIELDS, statusEquals } from './status-util.js';

/** Inputs besides the object: the clock and the simulator's settings, passed in so the functions stay pure. */
export interface SimulationContext {
  /** Current time, RFC 3339. Condition times are written at second precision, as the API serialises them. */
  now: string;
  /** When the object's metadata.generation last changed (creation counts). */
  changedAt: string;
  /** How long after changedAt healthy pods become ready. */
  settleMs: number;
  /** True for images whose pods never become ready (Jobs: whose pods fail). */
  failImage: (image: string) => boolean;
  /** Replaces spec.progressDeadlineSeconds * 1000. */
  progressDeadlineMs?: number;
}

/** How the server records the simulator's writes in managedFields (what kube-controller-manager does). */
export const STATUS_WRITER = {
  manager: 'kube-controller-manager',
  operation: 'Update',
  subresource: 'status',
} as const;

/**
 * The FieldsV1 set a status write owns. apps/v1 conditions are a map list keyed by `type`; Job conditions are
 * atomic (`+listType=atomic` in batch/v1), so the whole list is one leaf.
 */
export function statusFieldsV1(kind: WorkloadKind, status: Obj): Obj {
  const owned: Obj = {};
  for (const key of Object.keys(status).sort()) {
    const value = status[key];
    if (key !== 'conditions' || kind === 'Job' || !Array.isArray(value)) {
      owned[`f:${key}`] = {};
      continue;
    }
    const list: Obj = { '.': {} };
    for (const c of value) {
      if (!isObj(c) || typeof c.type !== 'string') continue;
      const fields = Object.keys(c)
        .sort()
        .map((f) => [`f:${f}`, {}]);
      list[`k:${JSON.stringify({ type: c.type })}`] = { '.': {}, ...Object.fromEntries(fields) };
    }
    owned['f:conditions'] = list;
  }
  return { 'f:status': owned };
}

/** The status the kind's controller would write next, or undefined when it would write nothing. */
export function simulateStatus(kind: WorkloadKind, obj: Obj, ctx: SimulationContext): Obj | undefined {
  const prev = isObj(obj.status) ? obj.status : {};
  const spec = isObj(obj.spec) ? obj.spec : {};
  const elapsed = Date.parse(ctx.now) - Date.parse(ctx.changedAt);
  const t: Tick = {
    now: seconds(ctx.now),
    elapsed,
    settled: elapsed >= ctx.settleMs,
    failing: templateImages(spec.template).some(ctx.failImage),
    deadlineMs: ctx.progressDeadlineMs ?? int(spec.progressDeadlineSeconds, 600) * 1000,
  };
  const next = SIMULATORS[kind](obj, spec, prev, t);
  return next === undefined || statusEquals(prev, next) ? undefined : next;
}

type Simulator = (obj: Obj, spec: Obj, prev: Obj, t: Tick) => Obj | undefined;

// pkg/controller/statefulset/stateful_set_control.go: OrderedReady creates one pod at a time and waits for it;
// RollingUpdate replaces the highest ordinal first and waits for it to be ready. StatefulSets have no
// failure condition, so a pod that never becomes ready leaves the rollout stuck, as on a cluster.
function statefulSetStatus(obj: Obj, spec: Obj, prev: Obj, t: Tick): Obj {
  const desired = int(spec.replicas, 1);
  const updateRevision = `${meta(obj).name ?? ''}-${podTemplateHash(spec.template)}`;
  const prevCurrent = typeof prev.currentRevision === 'string' ? prev.currentRevision : undefined;
  const prevReady = int(prev.readyReplicas, 0);
  const updating = prevCurrent !== undefined && prevCurrent !== updateRevision && int(prev.replicas, 0) > 0;
  let replicas = desired;
  let ready = desired;
  let current = desired;
  let updated = desired;
  let currentRevision = updateRevision;
  if (desired > 0 && (!t.settled || t.failing)) {
    if (updating) {
      ready = Math.max(0, Math.min(prevReady, desired - 1));
      current = desired - 1;
      updated = 1;
      currentRevision = prevCurrent;
    } else {
      ready = prevCurrent === updateRevision ? Math.min(prevReady, desired) : 0;
      replicas = spec.podManagementPolicy === 'Parallel' ? desired : Math.min(desired, ready + 1);
      current = replicas;
      updated = replicas;
    }
  }
  return ordered('StatefulSet', {
    observedGeneration: meta(obj).generation,
    replicas,
    readyReplicas: nz(ready),
    currentReplicas: nz(current),
    updatedReplicas: nz(updated),
    currentRevision,
    updateRevision,
    collisionCount: typeof prev.collisionCount === 'number' ? prev.collisionCount : 0,
    availableReplicas: ready,
  });
}

// pkg/controller/daemon/daemon_controller.go updateDaemonSetStatus, on SIMULATED_NODE_COUNT nodes. The default
// RollingUpdate (maxUnavailable 1, maxSurge 0) replaces the only pod, so none is ready until it settles.
function daemonSetStatus(obj: Obj, _spec: Obj, _prev: Obj, t: Tick): Obj {
  const nodes = SIMULATED_NODE_COUNT;
  const ready = t.settled && !t.failing ? nodes : 0;
  return ordered('DaemonSet', {
    currentNumberScheduled: nodes,
    numberMisscheduled: 0,
    desiredNumberScheduled: nodes,
    numberReady: ready,
    observedGeneration: meta(obj).generation,
    updatedNumberScheduled: nz(nodes),
    numberAvailable: nz(ready),
    numberUnavailable: nz(nodes - ready),
  });
}

// pkg/controller/replicaset/replica_set_utils.go calculateStatus. A template change does not restart running
// pods, so pods that were ready stay ready even when the new template's image would fail.
function replicaSetStatus(obj: Obj, spec: Obj, prev: Obj, t: Tick): Obj {
  const desired = int(spec.replicas, 1);
  const carried = Math.min(int(prev.readyReplicas, 0), desired);
  const ready = t.settled && !t.failing ? desired : carried;
  return ordered('ReplicaSet', {
    replicas: desired,
    fullyLabeledReplicas: nz(desired),
    readyReplicas: nz(ready),
    availableReplicas: nz(ready),
    observedGeneration: meta(obj).generation,
  });
}

// pkg/controller/job/job_controller.go: the interim SuccessCriteriaMet/FailureTarget condition goes in before the
// terminal Complete/Failed one, with the same reason and message. A finished Job is never synced again. The
// simulator treats a failing image as pods that exit non-zero until the backoff limit is spent.
function jobStatus(_obj: Obj, spec: Obj, prev: Obj, t: Tick): Obj | undefined {
  let conds = conditionsOf(prev);
  const finished = conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (finished) return undefined;
  const base = { terminating: 0, uncountedTerminatedPods: {}, ready: 0 };
  const wasSuspended = conds.some((c) => c.type === 'Suspended' && c.status === 'True');
  if (spec.suspend === true) {
    conds = setCondition(conds, cond('Suspended', 'True', 'JobSuspended', 'Job suspended'), t.now, 'job');
    return ordered('Job', { ...base, conditions: conds, startTime: prev.startTime });
  }
  if (wasSuspended) {
    conds = setCondition(conds, cond('Suspended', 'False', 'JobResumed', 'Job resumed'), t.now, 'job');
  }
  // Resuming a suspended Job restarts its clock (job_controller.go resets status.startTime).
  const startTime = typeof prev.startTime === 'string' && !wasSuspended ? prev.startTime : t.now;
  const parallelism = int(spec.parallelism, 1);
  const completions = typeof spec.completions === 'number' ? spec.completions : undefined;
  const goal = completions ?? 1;
  if (goal > 0 && !t.settled) {
    const active = Math.min(parallelism, completions ?? parallelism);
    return ordered('Job', { ...base, conditions: nonEmpty(conds), startTime, active: nz(active) });
  }
  const failed = goal > 0 && t.failing;
  const [types, reason, message] = failed
    ? [['FailureTarget', 'Failed'], 'BackoffLimitExceeded', 'Job has reached the specified backoff limit']
    : [['SuccessCriteriaMet', 'Complete'], 'CompletionsReached', 'Reached expected number of succeeded pods'];
  for (const type of types) conds = setCondition(conds, cond(type, 'True', reason, message), t.now, 'job');
  return failed
    ? ordered('Job', { ...base, conditions: conds, startTime, failed: int(spec.backoffLimit, 6) + 1 })
    : ordered('Job', { ...base, conditions: conds, startTime, completionTime: t.now, succeeded: nz(goal) });
}

const SIMULATORS: Readonly<Record<WorkloadKind, Simulator>> = {
  Deployment: deploymentStatus,
  StatefulSet: statefulSetStatus,
  DaemonSet: daemonSetStatus,
  ReplicaSet: replicaSetStatus,
  Job: jobStatus,
};

function templateImages(template: unknown): string[] {
  const podSpec = isObj(template) && isObj(template.spec) ? template.spec : {};
  const containers = [podSpec.initContainers, podSpec.containers].flatMap((l) => (Array.isArray(l) ? l : []));
  return containers.flatMap((c) => (isObj(c) && typeof c.image === 'string' ? [c.image] : []));
}
