/**
 * Printers of the workload kinds (apps, batch, autoscaling, policy), ported from kubernetes
 * pkg/printers/internalversion/printers.go. Cells include the priority-1 (wide) columns, which the server
 * always prints.
 */
import {
  AGE_COLUMN,
  age,
  at,
  CONTAINERS,
  column,
  count,
  formatLabelSelector,
  formatLabels,
  humanDuration,
  IMAGES,
  int,
  intOrString,
  LABEL_SELECTORS,
  list,
  NAME_COLUMN,
  objectName as name,
  type Printer,
  parseTime,
  selectorString,
  since,
  templateCells,
  text,
} from './table-format.js';
import { HPA_PRINTER } from './table-pod.js';
import type { Obj } from './types.js';
import { meta } from './types.js';

/** Job condition lookup: the first condition of the type decides (printers.go hasJobCondition). */
function hasCondition(o: Obj, type: string): boolean {
  const c = list(at(o, 'status', 'conditions')).find((x) => at(x, 'type') === type);
  return c !== undefined && at(c, 'status') === 'True';
}

function replicas(o: Obj): number {
  const r = at(o, 'spec', 'replicas');
  return typeof r === 'number' ? r : 1;
}

function jobStatus(o: Obj): string {
  if (hasCondition(o, 'Complete')) return 'Complete';
  if (hasCondition(o, 'Failed')) return 'Failed';
  if (meta(o).deletionTimestamp) return 'Terminating';
  if (hasCondition(o, 'Suspended')) return 'Suspended';
  if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(o: Obj): string {
  const succeeded = int(at(o, 'status', 'succeeded'));
  const completions = at(o, 'spec', 'completions');
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  const parallelism = int(at(o, 'spec', 'parallelism'));
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(o: Obj, now: number): string {
  const start = parseTime(at(o, 'status', 'startTime'));
  if (start === undefined) return '';
  return humanDuration((parseTime(at(o, 'status', 'completionTime')) ?? now) - start);
}

/** Printers by `<group>/<Kind>`. */
export const WORKLOAD_PRINTERS: Readonly<Record<string, Printer>> = {
  'apps/Deployment': {
    columns: [
      NAME_COLUMN,
      column('Ready', 'string', 'Number of the pod with ready state'),
      column(
        'Up-to-date',
        'string',
        'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      ),
      column(
        'Available',
        'string',
        'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      ),
      AGE_COLUMN,
      CONTAINERS,
      IMAGES,
      column(
        'Selector',
        'string',
        'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
        1,
      ),
    ],
    cells: (o, now) => [
      name(o),
      `${int(at(o, 'status', 'readyReplicas'))}/${replicas(o)}`,
      int(at(o, 'status', 'updatedReplicas')),
      int(at(o, 'status', 'availableReplicas')),
      age(o, now),
      ...templateCells(at(o, 'spec', 'template')),
      selectorString(at(o, 'spec', 'selector')) ?? '<invalid>',
    ],
  },
  'apps/ReplicaSet': {
    columns: [
      NAME_COLUMN,
      column(
        'Desired',
        'integer',
        'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.',
      ),
      column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
      column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
      AGE_COLUMN,
      CONTAINERS,
      IMAGES,
      column(
        'Selector',
        'string',
        `Selector is a label query over pods that should match the replica count. ${LABEL_SELECTORS}`,
        1,
      ),
    ],
    cells: (o, now) => [
      name(o),
      replicas(o),
      int(at(o, 'status', 'replicas')),
      int(at(o, 'status', 'readyReplicas')),
      age(o, now),
      ...templateCells(at(o, 'spec', 'template')),
      formatLabelSelector(at(o, 'spec', 'selector')),
    ],
  },
  'apps/StatefulSet': {
    columns: [
      NAME_COLUMN,
      column('Ready', 'string', 'Number of the pod with ready state'),
      AGE_COLUMN,
      CONTAINERS,
      IMAGES,
    ],
    cells: (o, now) => [
      name(o),
      `${int(at(o, 'status', 'readyReplicas'))}/${replicas(o)}`,
      age(o, now),
      ...templateCells(at(o, 'spec', 'template')),
    ],
  },
  'apps/DaemonSet': {
    columns: [
      NAME_COLUMN,
      column(
        'Desired',
        'integer',
        'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).',
      ),
      column(
        'Current',
        'integer',
        'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
      ),
      column(
        'Ready',
        'integer',
        'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
      ),
      column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
      column(
        'Available',
        'integer',
        'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
      ),
      column(
        'Node Selector',
        'string',
        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
      ),
      AGE_COLUMN,
      CONTAINERS,
      IMAGES,
      column(
        'Selector',
        'string',
        `A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. ${LABEL_SELECTORS}`,
        1,
      ),
    ],
    cells: (o, now) => [
      name(o),
      ...[
        'desiredNumberScheduled',
        'currentNumberScheduled',
        'numberReady',
        'updatedNumberScheduled',
        'numberAvailable',
      ].map((f) => int(at(o, 'status', f))),
      formatLabels(at(o, 'spec', 'template', 'spec', 'nodeSelector')),
      age(o, now),
      ...templateCells(at(o, 'spec', 'template')),
      formatLabelSelector(at(o, 'spec', 'selector')),
    ],
  },
  'batch/Job': {
    columns: [
      NAME_COLUMN,
      column('Status', 'string', 'Status of the job.'),
      column('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
      column('Duration', 'string', 'Time required to complete the job.'),
      AGE_COLUMN,
      CONTAINERS,
      IMAGES,
      column(
        'Selector',
        'string',
        `A label query over pods that should match the pod count. Normally, the system sets this field for you. ${LABEL_SELECTORS}`,
        1,
      ),
    ],
    cells: (o, now) => [
      name(o),
      jobStatus(o),
      jobCompletions(o),
      jobDuration(o, now),
      age(o, now),
      ...templateCells(at(o, 'spec', 'template')),
      formatLabelSelector(at(o, 'spec', 'selector')),
    ],
  },
  'batch/CronJob': {
    columns: [
      NAME_COLUMN,
      column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
      column(
        'Timezone',
        'string',
        'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
      ),
      column(
        'Suspend',
        'boolean',
        'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.',
      ),
      column('Active', 'integer', 'A list of pointers to currently running jobs.'),
      column(
        'Last Schedule',
        'string',
        'Information when was the last time the job was successfully scheduled.',
      ),
      AGE_COLUMN,
      CONTAINERS,
      IMAGES,
      column(
        'Selector',
        'string',
        `A label query over pods that should match the pod count. Normally, the system sets this field for you. ${LABEL_SELECTORS}`,
        1,
      ),
    ],
    cells: (o, now) => {
      const jobSpec = at(o, 'spec', 'jobTemplate', 'spec');
      const last = at(o, 'status', 'lastScheduleTime');
      return [
        name(o),
        text(at(o, 'spec', 'schedule')),
        text(at(o, 'spec', 'timeZone')) || '<none>',
        at(o, 'spec', 'suspend') === true ? 'True' : 'False',
        count(at(o, 'status', 'active')),
        parseTime(last) === undefined ? '<none>' : since(last, now),
        age(o, now),
        ...templateCells(at(jobSpec, 'template')),
        formatLabelSelector(at(jobSpec, 'selector')),
      ];
    },
  },
  'autoscaling/HorizontalPodAutoscaler': HPA_PRINTER,
  'policy/PodDisruptionBudget': {
    columns: [
      NAME_COLUMN,
      column('Min Available', 'string', 'The minimum number of pods that must be available.'),
      column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
      column(
        'Allowed Disruptions',
        'integer',
        'Calculated number of pods that may be disrupted at this time.',
      ),
      AGE_COLUMN,
    ],
    cells: (o, now) => {
      const min = at(o, 'spec', 'minAvailable');
      const max = at(o, 'spec', 'maxUnavailable');
      return [
        name(o),
        min === undefined ? 'N/A' : intOrString(min),
        max === undefined ? 'N/A' : intOrString(max),
        int(at(o, 'status', 'disruptionsAllowed')),
        age(o, now),
      ];
    },
  },
};
