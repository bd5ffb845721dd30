/**
 * Rules for core, batch, policy and apiextensions kinds, ported from kstatus
 * (kubernetes-sigs/cli-utils `pkg/kstatus/status/core.go`), with its messages. Where Steward differs from
 * kstatus the function's comment says so and why.
 */
import { condition, conditions, field, int, isRecord, type KubeObject, str } from './fields.js';
import { conditionText } from './generic.js';
import type { EvaluateOptions, Verdict } from './types.js';

/** kstatus gives a Pod this long to be scheduled before calling it unschedulable (`ScheduleWindow`). */
export const scheduleWindowMs = 15_000;

/** Secrets, ConfigMaps, CronJobs: nothing to wait for once they exist. */
export function alwaysReady(): Verdict {
  return { status: 'Current', message: 'Resource is always ready' };
}

/** The disruption controller sets no conditions, so an observed generation is all there is to see. */
export function podDisruptionBudgetRule(): Verdict {
  return { status: 'Current', message: 'AllowedDisruptions has been computed.' };
}

/**
 * kstatus counts a Pod that ran to completion, even unsuccessfully, as Current: such pods usually belong
 * to Jobs, whose own rule judges success. Crash-looping containers fail fast.
 */
export function podRule(obj: KubeObject, options: EvaluateOptions): Verdict {
  const phase = str(obj, 'status.phase', '');
  switch (phase) {
    case 'Succeeded':
      return { status: 'Current', message: 'Pod has completed successfully' };
    case 'Failed':
      return { status: 'Current', message: 'Pod has completed, but not successfully' };
    case 'Running': {
      if (condition(obj, 'Ready')?.status === 'True') return { status: 'Current', message: 'Pod is Ready' };
      const looping = crashLoopingContainers(obj);
      if (looping.length > 0) {
        return { status: 'Failed', message: `Containers in CrashLoop state: ${looping.join(',')}` };
      }
      return { status: 'InProgress', message: 'Pod is running but is not Ready' };
    }
    case 'Pending': {
      const scheduled = condition(obj, 'PodScheduled');
      if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
        return unschedulable(obj, options);
      }
      return { status: 'InProgress', message: 'Pod is in the Pending phase' };
    }
    case '':
      return { status: 'InProgress', message: 'Pod phase not available' };
    default:
      // kstatus returns an error here, which its poller reports as Unknown.
      return { status: 'Unknown', message: `unknown phase ${phase}` };
  }
}

function unschedulable(obj: KubeObject, options: EvaluateOptions): Verdict {
  const created = Date.parse(str(obj, 'metadata.creationTimestamp', ''));
  const pastWindow =
    options.now !== undefined &&
    !Number.isNaN(created) &&
    options.now.getTime() - created >= scheduleWindowMs;
  if (pastWindow) return { status: 'Failed', message: 'Pod could not be scheduled' };
  return { status: 'InProgress', message: 'Pod has not been scheduled' };
}

function crashLoopingContainers(obj: KubeObject): string[] {
  const statuses = field(obj, 'status.containerStatuses');
  if (!Array.isArray(statuses)) return [];
  const names: string[] = [];
  for (const item of statuses) {
    if (!isRecord(item)) continue;
    if (str(item, 'state.waiting.reason', '') === 'CrashLoopBackOff' && typeof item.name === 'string') {
      names.push(item.name);
    }
  }
  return names;
}

/**
 * kstatus waits only for a LoadBalancer's cluster IP, not for its ingress: on clusters without a load
 * balancer controller (kind, bare metal, the sandbox) the ingress never comes and a Sync would never be
 * healthy.
 */
export function serviceRule(obj: KubeObject): Verdict {
  if (str(obj, 'spec.type', 'ClusterIP') === 'LoadBalancer' && str(obj, 'spec.clusterIP', '') === '') {
    return { status: 'InProgress', message: 'ClusterIP not set. Service type: LoadBalancer' };
  }
  return { status: 'Current', message: 'Service is ready' };
}

export function persistentVolumeClaimRule(obj: KubeObject): Verdict {
  const phase = str(obj, 'status.phase', 'unknown');
  if (phase !== 'Bound') return { status: 'InProgress', message: `PVC is not Bound. phase: ${phase}` };
  return { status: 'Current', message: 'PVC is Bound' };
}

/**
 * Complete is Current and Failed is Failed, as in kstatus. Unlike kstatus, a started Job that is still
 * running is InProgress, not Current: a Sync that applies a migration Job with `wait` means "wait until it
 * has run", as Argo CD and `helm --wait-for-jobs` do. A suspended Job stays Current (kstatus): it will not
 * finish until someone resumes it, and waiting would only time out.
 */
export function jobRule(obj: KubeObject): Verdict {
  const parallelism = int(obj, 'spec.parallelism', 1);
  const completions = int(obj, 'spec.completions', parallelism);
  const succeeded = int(obj, 'status.succeeded', 0);
  const active = int(obj, 'status.active', 0);
  const failed = int(obj, 'status.failed', 0);
  // kubernetes pkg/controller/job/utils.go: Complete and Failed are terminal and exclusive.
  for (const c of conditions(obj)) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') {
      return { status: 'Current', message: `Job Completed. succeeded: ${succeeded}/${completions}` };
    }
    if (c.type === 'Failed') {
      return {
        status: 'Failed',
        message: `Job Failed. failed: ${failed}/${completions}: ${conditionText(c)}`,
      };
    }
    if (c.type === 'Suspended') return { status: 'Current', message: 'Job is suspended' };
  }
  if (str(obj, 'status.startTime', '') === '') return { status: 'InProgress', message: 'Job not started' };
  return {
    status: 'InProgress',
    message: `Job in progress. success:${succeeded}, active: ${active}, failed: ${failed}`,
  };
}

/**
 * kstatus' CRD rule, made independent of condition order: a refused name fails the CRD even when the API
 * server lists Established first.
 */
export function customResourceDefinitionRule(obj: KubeObject): Verdict {
  const names = condition(obj, 'NamesAccepted');
  if (names?.status === 'False') return { status: 'Failed', message: conditionText(names) };
  const established = condition(obj, 'Established');
  if (established?.status === 'False' && established.reason !== 'Installing') {
    return { status: 'Failed', message: conditionText(established) };
  }
  if (established?.status === 'True') return { status: 'Current', message: 'CRD is established' };
  return { status: 'InProgress', message: 'Install in progress' };
}

/**
 * Not in kstatus, which calls every Namespace Current. A Namespace whose phase is Terminating is being
 * emptied by the namespace controller, and anything applied into it will be refused.
 */
export function namespaceRule(obj: KubeObject): Verdict {
  const phase = str(obj, 'status.phase', '');
  if (phase === 'Terminating') return { status: 'Terminating', message: 'Namespace is Terminating' };
  return { status: 'Current', message: phase ? `Namespace is ${phase}` : 'Resource is current' };
}
