/**
 * apps/v1 Deployment and batch/v1 Job and CronJob (kubernetes/api apps/v1 and batch/v1 generated.proto), as
 * `kubectl create deployment|job|cronjob` sends them. Job's podFailurePolicy (11) and successPolicy (16) are not
 * described, so a Job using them is a 415 rather than a Job without them. See schemas.ts for `emit`.
 */
import { OBJECT_REFERENCE } from './core-v1.js';
import { INT_OR_STRING, LABEL_SELECTOR, OBJECT_META, TIME } from './meta.js';
import { POD_TEMPLATE_SPEC } from './pod.js';
import type { MessageDesc } from './schemas.js';
import { bool, int32, int64, msg, msgs, str, strs } from './schemas.js';

const APPS = 'k8s.io.api.apps.v1';
const BATCH = 'k8s.io.api.batch.v1';

// --- apps/v1 --------------------------------------------------------------------------------------------------

const DEPLOYMENT_STRATEGY: MessageDesc = {
  name: `${APPS}.DeploymentStrategy`,
  fields: [
    str(1, 'type'),
    msg(
      2,
      'rollingUpdate',
      {
        name: `${APPS}.RollingUpdateDeployment`,
        fields: [
          msg(1, 'maxUnavailable', INT_OR_STRING, 'pointer'),
          msg(2, 'maxSurge', INT_OR_STRING, 'pointer'),
        ],
      },
      'pointer',
    ),
  ],
};

const DEPLOYMENT_SPEC: MessageDesc = {
  name: `${APPS}.DeploymentSpec`,
  fields: [
    int32(1, 'replicas', 'pointer'),
    msg(2, 'selector', LABEL_SELECTOR, 'nullable'),
    msg(3, 'template', POD_TEMPLATE_SPEC),
    msg(4, 'strategy', DEPLOYMENT_STRATEGY),
    int32(5, 'minReadySeconds'),
    int32(6, 'revisionHistoryLimit', 'pointer'),
    bool(7, 'paused'),
    int32(9, 'progressDeadlineSeconds', 'pointer'),
    str(10, 'podReplacementPolicy', 'pointer'),
  ],
};

const DEPLOYMENT_CONDITION: MessageDesc = {
  name: `${APPS}.DeploymentCondition`,
  fields: [
    str(1, 'type', 'always'),
    str(2, 'status', 'always'),
    msg(6, 'lastUpdateTime', TIME, 'omitempty'),
    msg(7, 'lastTransitionTime', TIME, 'omitempty'),
    str(4, 'reason'),
    str(5, 'message'),
  ],
};

const DEPLOYMENT_STATUS: MessageDesc = {
  name: `${APPS}.DeploymentStatus`,
  fields: [
    int64(1, 'observedGeneration'),
    int32(2, 'replicas'),
    int32(3, 'updatedReplicas'),
    int32(7, 'readyReplicas'),
    int32(4, 'availableReplicas'),
    int32(5, 'unavailableReplicas'),
    int32(9, 'terminatingReplicas', 'pointer'),
    msgs(6, 'conditions', DEPLOYMENT_CONDITION),
    int32(8, 'collisionCount', 'pointer'),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const DEPLOYMENT: MessageDesc = {
  name: `${APPS}.Deployment`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    msg(2, 'spec', DEPLOYMENT_SPEC),
    msg(3, 'status', DEPLOYMENT_STATUS),
  ],
};

// --- batch/v1 -------------------------------------------------------------------------------------------------

const JOB_SPEC: MessageDesc = {
  name: `${BATCH}.JobSpec`,
  fields: [
    int32(1, 'parallelism', 'pointer'),
    int32(2, 'completions', 'pointer'),
    int64(3, 'activeDeadlineSeconds', 'pointer'),
    int32(7, 'backoffLimit', 'pointer'),
    int32(12, 'backoffLimitPerIndex', 'pointer'),
    int32(13, 'maxFailedIndexes', 'pointer'),
    msg(4, 'selector', LABEL_SELECTOR, 'pointer'),
    bool(5, 'manualSelector', 'pointer'),
    msg(6, 'template', POD_TEMPLATE_SPEC),
    int32(8, 'ttlSecondsAfterFinished', 'pointer'),
    str(9, 'completionMode', 'pointer'),
    bool(10, 'suspend', 'pointer'),
    str(14, 'podReplacementPolicy', 'pointer'),
    str(15, 'managedBy', 'pointer'),
  ],
};

const JOB_CONDITION: MessageDesc = {
  name: `${BATCH}.JobCondition`,
  fields: [
    str(1, 'type', 'always'),
    str(2, 'status', 'always'),
    msg(3, 'lastProbeTime', TIME, 'omitempty'),
    msg(4, 'lastTransitionTime', TIME, 'omitempty'),
    str(5, 'reason'),
    str(6, 'message'),
  ],
};

const JOB_STATUS: MessageDesc = {
  name: `${BATCH}.JobStatus`,
  fields: [
    msgs(1, 'conditions', JOB_CONDITION),
    msg(2, 'startTime', TIME, 'pointer'),
    msg(3, 'completionTime', TIME, 'pointer'),
    int32(4, 'active'),
    int32(5, 'succeeded'),
    int32(6, 'failed'),
    int32(11, 'terminating', 'pointer'),
    str(7, 'completedIndexes'),
    str(10, 'failedIndexes', 'pointer'),
    msg(
      8,
      'uncountedTerminatedPods',
      { name: `${BATCH}.UncountedTerminatedPods`, fields: [strs(1, 'succeeded'), strs(2, 'failed')] },
      'pointer',
    ),
    int32(9, 'ready', 'pointer'),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const JOB: MessageDesc = {
  name: `${BATCH}.Job`,
  fields: [msg(1, 'metadata', OBJECT_META), msg(2, 'spec', JOB_SPEC), msg(3, 'status', JOB_STATUS)],
};

const CRON_JOB_SPEC: MessageDesc = {
  name: `${BATCH}.CronJobSpec`,
  fields: [
    str(1, 'schedule', 'always'),
    str(8, 'timeZone', 'pointer'),
    int64(2, 'startingDeadlineSeconds', 'pointer'),
    str(3, 'concurrencyPolicy'),
    bool(4, 'suspend', 'pointer'),
    msg(5, 'jobTemplate', {
      name: `${BATCH}.JobTemplateSpec`,
      fields: [msg(1, 'metadata', OBJECT_META), msg(2, 'spec', JOB_SPEC)],
    }),
    int32(6, 'successfulJobsHistoryLimit', 'pointer'),
    int32(7, 'failedJobsHistoryLimit', 'pointer'),
  ],
};

const CRON_JOB_STATUS: MessageDesc = {
  name: `${BATCH}.CronJobStatus`,
  fields: [
    msgs(1, 'active', OBJECT_REFERENCE),
    msg(4, 'lastScheduleTime', TIME, 'pointer'),
    msg(5, 'lastSuccessfulTime', TIME, 'pointer'),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const CRON_JOB: MessageDesc = {
  name: `${BATCH}.CronJob`,
  fields: [msg(1, 'metadata', OBJECT_META), msg(2, 'spec', CRON_JOB_SPEC), msg(3, 'status', CRON_JOB_STATUS)],
};
