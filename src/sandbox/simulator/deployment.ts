/**
 * The simulated Deployment controller (workload simulator: THIS IS A SIMULATION, no pods run). It models the
 * ReplicaSets a rollout moves between as pod counts: old pods (all ready) and new pods (ready once settled).
 * The only memory between calls is the status itself, as with the real controller: the ReplicaSet being rolled
 * out to is read back from the Progressing message (`ReplicaSet "web-5d4f8b7c9f" is progressing.`).
 */
import type { Obj } from '../types.js';
import { isObj, meta } from '../types.js';
import type { Condition, Tick } from './status-util.js';
import { cond, conditionsOf, int, nz, ordered, podTemplateHash, setCondition } from './status-util.js';

// The Deployment controller's own opt-out: progressDeadlineSeconds = MaxInt32 means "no deadline"
// (deployment/util/deployment_util.go HasProgressDeadline).
const NO_DEADLINE = 2147483647;
const RS_IN_MESSAGE = /^(?:ReplicaSet|Created new replica set|Found new replica set) "([^"]+)"/;

/** Pods of the old ReplicaSets (all ready, in this model) and of the new one. */
interface Pods {
  old: number;
  new: number;
  newReady: number;
}

const AVAILABLE = cond(
  'Available',
  'True',
  'MinimumReplicasAvailable',
  'Deployment has minimum availability.',
);
const UNAVAILABLE = cond(
  'Available',
  'False',
  'MinimumReplicasUnavailable',
  'Deployment does not have minimum availability.',
);
const PAUSED = cond('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused');
const RESUMED = cond('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed');

/**
 * The next Deployment status. pkg/controller/deployment: sync.go calculateStatus (counts, Available),
 * progress.go syncRolloutStatus (Progressing), sync.go checkPausedConditions (DeploymentPaused/Resumed),
 * rolling.go and recreate.go (how far a rollout gets while new pods are not ready).
 */
export function deploymentStatus(obj: Obj, spec: Obj, prev: Obj, t: Tick): Obj {
  const desired = int(spec.replicas, 1);
  const rsName = `${meta(obj).name ?? ''}-${podTemplateHash(spec.template)}`;
  const strategy = fenceposts(spec, desired);
  const prevConds = conditionsOf(prev);
  const prevProgressing = prevConds.find((c) => c.type === 'Progressing');
  const prevRs = RS_IN_MESSAGE.exec(String(prevProgressing?.message ?? ''))?.[1];
  const sameRs = prevRs === rsName;
  const hasDeadline = spec.progressDeadlineSeconds !== NO_DEADLINE;
  const paused = spec.paused === true;

  if (!paused && hasDeadline && prevProgressing?.reason === 'DeploymentPaused') {
    // Resuming is written on its own before any rollout step; observedGeneration catches up on the next sync.
    return { ...prev, conditions: setCondition(prevConds, RESUMED, t.now, 'apps') };
  }

  const known = sameRs || (paused && prevRs === undefined);
  const pods = podsFor(desired, strategy, prev, t, known, paused);
  const replicas = pods.old + pods.new;
  const available = pods.old + pods.newReady;
  const minAvailable = desired - strategy.maxUnavailable;
  let conds = setCondition(prevConds, available >= minAvailable ? AVAILABLE : UNAVAILABLE, t.now, 'apps');
  const complete = pods.new === desired && replicas === desired && available === desired;
  // progress.go: a finished rollout is not re-estimated until a new ReplicaSet appears.
  const finished = prevProgressing?.reason === 'NewReplicaSetAvailable' && sameRs && replicas === pods.new;
  const timedOut =
    t.elapsed > t.deadlineMs || (sameRs && prevProgressing?.reason === 'ProgressDeadlineExceeded');
  if (!hasDeadline) {
    conds = conds.filter((c) => c.type !== 'Progressing');
  } else if (paused && prevProgressing?.reason !== 'DeploymentPaused') {
    conds = setCondition(conds, PAUSED, t.now, 'apps');
  } else if (!paused && !finished) {
    conds = setCondition(conds, progressing(rsName, complete, timedOut), t.now, 'apps');
  }
  return ordered('Deployment', {
    observedGeneration: meta(obj).generation,
    replicas: nz(replicas),
    updatedReplicas: nz(pods.new),
    readyReplicas: nz(available),
    availableReplicas: nz(available),
    unavailableReplicas: nz(Math.max(0, replicas - available)),
    conditions: conds.length > 0 ? conds : undefined,
    collisionCount: prev.collisionCount,
  });
}

function progressing(rsName: string, complete: boolean, timedOut: boolean): Condition {
  const rs = `ReplicaSet "${rsName}"`;
  if (complete)
    return cond('Progressing', 'True', 'NewReplicaSetAvailable', `${rs} has successfully progressed.`);
  if (timedOut)
    return cond('Progressing', 'False', 'ProgressDeadlineExceeded', `${rs} has timed out progressing.`);
  return cond('Progressing', 'True', 'ReplicaSetUpdated', `${rs} is progressing.`);
}

/**
 * Where the rollout stands. `known` says the previous status counts pods of this template's ReplicaSet (or of
 * a paused Deployment, which keeps whatever runs): its non-updated pods are old and ready. Otherwise the
 * template changed: every ready pod counts as old and pods that were not ready are replaced. A paused
 * Deployment does not roll out, so a changed template leaves it with no updated pods (sync.go sync).
 */
function podsFor(desired: number, s: Strategy, prev: Obj, t: Tick, known: boolean, paused: boolean): Pods {
  const replicas = int(prev.replicas, 0);
  const updated = int(prev.updatedReplicas, 0);
  const available = int(prev.availableReplicas, 0);
  const old = known ? Math.max(0, replicas - updated) : available;
  const newReady = known ? Math.max(0, available - old) : 0;
  if (paused) return { old, new: known ? updated : 0, newReady };
  if (desired === 0 || (t.settled && !t.failing)) return { old: 0, new: desired, newReady: desired };
  if (old === 0 || !s.rolling) return { old: 0, new: desired, newReady: Math.min(newReady, desired) };
  return rollingFixpoint(desired, s, old, newReady);
}

interface Strategy {
  rolling: boolean;
  maxSurge: number;
  maxUnavailable: number;
}

// deployment/util/deployment_util.go ResolveFenceposts and MaxUnavailable: surge rounds up, unavailable
// rounds down, both zero means one unavailable; Recreate and zero replicas allow none.
function fenceposts(spec: Obj, desired: number): Strategy {
  const strategy = isObj(spec.strategy) ? spec.strategy : {};
  if (strategy.type === 'Recreate') return { rolling: false, maxSurge: 0, maxUnavailable: 0 };
  const ru = isObj(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  const maxSurge = scaledValue(ru.maxSurge ?? '25%', desired, true);
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { rolling: true, maxSurge, maxUnavailable: desired === 0 ? 0 : Math.min(maxUnavailable, desired) };
}

function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const pct = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  if (!pct) return 0;
  const x = (Number(pct[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

// rolling.go: reconcileNewReplicaSet scales the new ReplicaSet up within maxSurge, reconcileOldReplicaSets
// scales old ones down while availability stays >= replicas - maxUnavailable. New pods that never become ready
// leave the rollout where this loop stops.
function rollingFixpoint(desired: number, s: Strategy, old0: number, newReady: number): Pods {
  let old = old0;
  let nw = newReady;
  for (let i = 0; i < 2 * desired + 2; i++) {
    const up = Math.max(0, Math.min(desired + s.maxSurge - (old + nw), desired - nw));
    nw += up;
    const down = Math.max(0, Math.min(old, old + newReady - (desired - s.maxUnavailable)));
    old -= down;
    if (up === 0 && down === 0) break;
  }
  return { old, new: nw, newReady };
}
