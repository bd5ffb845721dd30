/**
 * Rules for the apps/v1 controllers, ported from kstatus (kubernetes-sigs/cli-utils
 * `pkg/kstatus/status/core.go`: `deploymentConditions`, `stsConditions`, `daemonsetConditions`,
 * `replicasetConditions`, `checkGenerationSet`). The checks and their order are kstatus'; the replica
 * count messages are spelled out ("1 of 3 updated replicas available" rather than "Available: 1/3") because
 * they end up in a Sync's Ready condition, read by people.
 */
import { condition, conditions, int, type KubeObject, optionalInt, str } from './fields.js';
import type { Verdict } from './types.js';

function inProgress(message: string): Verdict {
  return { status: 'InProgress', message };
}

/** The controller's default when spec.replicas is unset. */
function specReplicas(obj: KubeObject): number {
  return int(obj, 'spec.replicas', 1);
}

/**
 * kstatus' deployment rule. A ReplicaFailure condition (copied from the ReplicaSet, e.g. a quota refusing
 * pods) is appended to an in-progress message: kstatus ignores it, but in a namespace tenant it is the most
 * common reason a rollout never progresses, and without it the user sees only a count.
 */
export function deploymentRule(obj: KubeObject): Verdict {
  // Without progressDeadlineSeconds the controller never sets Progressing, so kstatus does not wait for it.
  let progressing = optionalInt(obj, 'spec.progressDeadlineSeconds') === undefined;
  let available = false;
  for (const c of conditions(obj)) {
    if (c.type === 'Progressing') {
      // kubernetes pkg/controller/deployment/progress.go sets this reason when the deadline passes.
      if (c.reason === 'ProgressDeadlineExceeded') {
        return {
          status: 'Failed',
          message: c.message ? `Progress deadline exceeded: ${c.message}` : 'Progress deadline exceeded',
        };
      }
      if (c.status === 'True' && c.reason === 'NewReplicaSetAvailable') progressing = true;
    }
    if (c.type === 'Available' && c.status === 'True') available = true;
  }

  const spec = specReplicas(obj);
  const replicas = int(obj, 'status.replicas', 0);
  const updated = int(obj, 'status.updatedReplicas', 0);
  const ready = int(obj, 'status.readyReplicas', 0);
  const availableReplicas = int(obj, 'status.availableReplicas', 0);

  const waiting = deploymentWaiting(
    spec,
    replicas,
    updated,
    ready,
    availableReplicas,
    progressing,
    available,
  );
  if (waiting === undefined) {
    return { status: 'Current', message: `Deployment is available. Replicas: ${replicas}` };
  }
  const failure = condition(obj, 'ReplicaFailure');
  const suffix = failure?.status === 'True' && failure.message ? ` (ReplicaFailure: ${failure.message})` : '';
  return inProgress(waiting + suffix);
}

function deploymentWaiting(
  spec: number,
  replicas: number,
  updated: number,
  ready: number,
  available: number,
  progressing: boolean,
  availableCondition: boolean,
): string | undefined {
  if (spec > replicas) return `${replicas} of ${spec} replicas created`;
  if (spec > updated) return `${updated} of ${spec} replicas updated`;
  if (replicas > spec) return `Pending termination: ${replicas - spec}`;
  if (updated > available) return `${available} of ${updated} updated replicas available`;
  if (spec > ready) return `${ready} of ${spec} replicas ready`;
  if (!progressing) return 'ReplicaSet not Available';
  if (!availableCondition) return 'Deployment not Available';
  return undefined;
}

/**
 * kstatus' StatefulSet rule. The StatefulSet controller sets no conditions, so only counts and revisions
 * tell; with the OnDelete strategy the user replaces pods by hand, so there is nothing to wait for.
 */
export function statefulSetRule(obj: KubeObject): Verdict {
  if (str(obj, 'spec.updateStrategy.type', '') === 'OnDelete') {
    return { status: 'Current', message: 'StatefulSet is using the ondelete update strategy' };
  }
  const spec = specReplicas(obj);
  const ready = int(obj, 'status.readyReplicas', 0);
  const current = int(obj, 'status.currentReplicas', 0);
  const updated = int(obj, 'status.updatedReplicas', 0);
  const replicas = int(obj, 'status.replicas', 0);
  const partition = int(obj, 'spec.updateStrategy.rollingUpdate.partition', -1);

  if (spec > replicas) return inProgress(`${replicas} of ${spec} replicas created`);
  if (spec > ready) return inProgress(`${ready} of ${spec} replicas ready`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  // A partitioned rollout updates only ordinals >= partition; the rest keep the old revision on purpose.
  if (partition !== -1) {
    if (updated < spec - partition) {
      return inProgress(`${updated} of ${spec - partition} replicas updated (partition ${partition})`);
    }
    return { status: 'Current', message: `Partition rollout complete. updated: ${updated}` };
  }
  if (spec > current) return inProgress(`${current} of ${spec} replicas at the current revision`);
  if (str(obj, 'status.currentRevision', '') !== str(obj, 'status.updateRevision', '')) {
    return inProgress('Waiting for updated revision to match current');
  }
  return { status: 'Current', message: `All replicas scheduled as expected. Replicas: ${replicas}` };
}

/**
 * kstatus' DaemonSet rule. Unlike the generic check it insists that generation and observedGeneration
 * exist: the DaemonSet controller always writes them, so their absence means it has not acted yet.
 */
export function daemonSetRule(obj: KubeObject): Verdict {
  if (optionalInt(obj, 'metadata.generation') === undefined) {
    return inProgress('DaemonSet metadata.generation not found');
  }
  if (optionalInt(obj, 'status.observedGeneration') === undefined) {
    return inProgress('DaemonSet status.observedGeneration not found');
  }
  const desired = int(obj, 'status.desiredNumberScheduled', -1);
  const current = int(obj, 'status.currentNumberScheduled', 0);
  const updated = int(obj, 'status.updatedNumberScheduled', 0);
  const available = int(obj, 'status.numberAvailable', 0);
  const ready = int(obj, 'status.numberReady', 0);

  if (desired === -1) return inProgress('Missing .status.desiredNumberScheduled');
  if (desired > current) return inProgress(`${current} of ${desired} pods scheduled`);
  if (desired > updated) return inProgress(`${updated} of ${desired} pods updated`);
  if (desired > available) return inProgress(`${available} of ${desired} pods available`);
  if (desired > ready) return inProgress(`${ready} of ${desired} pods ready`);
  return { status: 'Current', message: `All replicas scheduled as expected. Replicas: ${desired}` };
}

/** kstatus' ReplicaSet rule; the ReplicaFailure message is kept because it says why pods are missing. */
export function replicaSetRule(obj: KubeObject): Verdict {
  const failure = condition(obj, 'ReplicaFailure');
  if (failure?.status === 'True') {
    const detail = failure.message ? `: ${failure.message}` : '';
    return inProgress(`Replica Failure condition. Check Pods${detail}`);
  }
  const spec = specReplicas(obj);
  const replicas = int(obj, 'status.replicas', 0);
  const ready = int(obj, 'status.readyReplicas', 0);
  const available = int(obj, 'status.availableReplicas', 0);
  const labelled = int(obj, 'status.fullyLabeledReplicas', 0);

  if (spec > labelled) return inProgress(`${labelled} of ${spec} replicas labelled`);
  if (spec > available) return inProgress(`${available} of ${spec} replicas available`);
  if (spec > ready) return inProgress(`${ready} of ${spec} replicas ready`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  return { status: 'Current', message: `ReplicaSet is available. Replicas: ${replicas}` };
}
