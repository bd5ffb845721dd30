/**
 * The Pod and HorizontalPodAutoscaler printers, the two with real logic in them (kubernetes
 * pkg/printers/internalversion/printers.go printPod, printHorizontalPodAutoscaler, formatHPAMetrics).
 */
import {
  AGE_COLUMN,
  age,
  at,
  column,
  humanDuration,
  int,
  list,
  NAME_COLUMN,
  obj,
  type Printer,
  parseTime,
  text,
} from './table-format.js';
import type { Obj } from './types.js';
import { meta } from './types.js';

/** printers.go podSuccessConditions / podFailedConditions. */
const POD_DONE: Readonly<Record<string, Obj>> = {
  Succeeded: {
    type: 'Completed',
    status: 'True',
    reason: 'Succeeded',
    message: 'The pod has completed successfully.',
  },
  Failed: { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
};

function terminatedReason(t: Obj, prefix: string): string {
  if (text(t.reason)) return `${prefix}${text(t.reason)}`;
  return int(t.signal) !== 0 ? `${prefix}Signal:${int(t.signal)}` : `${prefix}ExitCode:${int(t.exitCode)}`;
}

function conditionTrue(status: Obj, type: string): boolean {
  return list(status.conditions).some((c) => at(c, 'type') === type && at(c, 'status') === 'True');
}

interface PodState {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestart: number;
}

/** The init-container pass of printPod; returns true while the pod is still initializing. */
function initContainers(
  spec: Obj,
  status: Obj,
  s: PodState,
): { initializing: boolean; restarts: number; last: number } {
  const inits = list(spec.initContainers);
  const sidecar = new Set(
    inits.filter((c) => at(c, 'restartPolicy') === 'Always').map((c) => text(at(c, 'name'))),
  );
  s.total += sidecar.size;
  let restarts = 0;
  let last = 0;
  let initializing = false;
  for (const [i, raw] of list(status.initContainerStatuses).entries()) {
    const c = obj(raw);
    const finished = parseTime(at(c, 'lastState', 'terminated', 'finishedAt')) ?? 0;
    s.restarts += int(c.restartCount);
    s.lastRestart = Math.max(s.lastRestart, finished);
    if (sidecar.has(text(c.name))) {
      restarts += int(c.restartCount);
      last = Math.max(last, finished);
    }
    const state = obj(c.state);
    if (state.terminated !== undefined && int(at(state, 'terminated', 'exitCode')) === 0) continue;
    if (sidecar.has(text(c.name)) && c.started === true) {
      if (c.ready === true) s.ready++;
      continue;
    }
    initializing = true;
    const waiting = text(at(state, 'waiting', 'reason'));
    if (state.terminated !== undefined) s.reason = terminatedReason(obj(state.terminated), 'Init:');
    else if (waiting && waiting !== 'PodInitializing') s.reason = `Init:${waiting}`;
    else s.reason = `Init:${i}/${inits.length}`;
    break;
  }
  return { initializing, restarts, last };
}

function podCells(o: Obj, now: number): unknown[] {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const phase = text(status.phase);
  const s: PodState = {
    reason: text(status.reason) || phase,
    ready: 0,
    total: list(spec.containers).length,
    restarts: 0,
    lastRestart: 0,
  };
  if (
    list(status.conditions).some(
      (c) => at(c, 'type') === 'PodScheduled' && at(c, 'reason') === 'SchedulingGated',
    )
  ) {
    s.reason = 'SchedulingGated';
  }
  const init = initContainers(spec, status, s);
  if (!init.initializing || conditionTrue(status, 'Initialized')) {
    s.restarts = init.restarts;
    s.lastRestart = init.last;
    let hasRunning = false;
    for (const raw of [...list(status.containerStatuses)].reverse()) {
      const c = obj(raw);
      const state = obj(c.state);
      s.restarts += int(c.restartCount);
      s.lastRestart = Math.max(s.lastRestart, parseTime(at(c, 'lastState', 'terminated', 'finishedAt')) ?? 0);
      const waiting = text(at(state, 'waiting', 'reason'));
      if (waiting) s.reason = waiting;
      else if (state.terminated !== undefined) s.reason = terminatedReason(obj(state.terminated), '');
      else if (c.ready === true && state.running !== undefined) {
        hasRunning = true;
        s.ready++;
      }
    }
    if (s.reason === 'Completed' && hasRunning)
      s.reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }
  if (meta(o).deletionTimestamp && status.reason === 'NodeLost') s.reason = 'Unknown';
  else if (meta(o).deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') s.reason = 'Terminating';
  const restarts =
    s.restarts !== 0 && s.lastRestart > 0
      ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)`
      : String(s.restarts);
  const gates = list(spec.readinessGates);
  const trueGates = gates.filter((g) => conditionTrue(status, text(at(g, 'conditionType')))).length;
  return [
    text(meta(o).name),
    `${s.ready}/${s.total}`,
    s.reason,
    restarts,
    age(o, now),
    text(at(status, 'podIPs', 0, 'ip')) || '<none>',
    text(spec.nodeName) || '<none>',
    text(status.nominatedNodeName) || '<none>',
    gates.length === 0 ? '<none>' : `${trueGates}/${gates.length}`,
  ];
}

/** The Pod printer. */
export const POD_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    column(
      'IP',
      'string',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      1,
    ),
    column('Node', 'string', 'NodeName indicates in which node this pod is scheduled.', 1),
    column(
      'Nominated Node',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node.',
      1,
    ),
    column(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness.',
      1,
    ),
  ],
  cells: podCells,
  conditions: (o) => {
    const done = POD_DONE[text(at(o, 'status', 'phase'))];
    return done ? [done] : undefined;
  },
};

/** One metric of formatHPAMetrics: `cpu: 50%/80%`, `<unknown>/100 (avg)`, … */
function hpaMetric(spec: Obj, status: Obj | undefined): string {
  const type = text(spec.type);
  const key = type.charAt(0).toLowerCase() + type.slice(1);
  const src = obj(spec[key]);
  const cur = obj(at(status, key, 'current'));
  const target = obj(src.target);
  const known = status !== undefined && obj(status)[key] !== undefined;
  const q = (v: unknown): string => (typeof v === 'number' ? String(v) : text(v));
  switch (type) {
    case 'External':
    case 'Object':
      if (target.averageValue !== undefined) {
        return `${known && cur.averageValue !== undefined ? q(cur.averageValue) : '<unknown>'}/${q(target.averageValue)} (avg)`;
      }
      return `${known ? q(cur.value) : '<unknown>'}/${q(target.value)}`;
    case 'Pods':
      return `${known ? q(cur.averageValue) : '<unknown>'}/${q(target.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const rname = text(src.name);
      if (target.averageValue !== undefined)
        return `${rname}: ${known ? q(cur.averageValue) : '<unknown>'}/${q(target.averageValue)}`;
      const current =
        known && cur.averageUtilization !== undefined ? `${int(cur.averageUtilization)}%` : '<unknown>';
      const want = target.averageUtilization !== undefined ? `${int(target.averageUtilization)}%` : '<auto>';
      return `${rname}: ${current}/${want}`;
    }
    default:
      return '<unknown type>';
  }
}

function hpaMetrics(o: Obj): string {
  const specs = list(at(o, 'spec', 'metrics')).map(obj);
  if (specs.length === 0) return '<none>';
  const statuses = list(at(o, 'status', 'currentMetrics')).map(obj);
  const all = specs.map((s, i) => hpaMetric(s, statuses[i]));
  return all.length > 2 ? `${all.slice(0, 2).join(', ')} + ${all.length - 2} more...` : all.join(', ');
}

/** The HorizontalPodAutoscaler printer. */
export const HPA_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      'Reference',
      'string',
      'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
    ),
    column(
      'Targets',
      'string',
      'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).',
    ),
    column(
      'MinPods',
      'string',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    ),
    column(
      'MaxPods',
      'string',
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.',
    ),
    column(
      'Replicas',
      'string',
      'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.',
    ),
    AGE_COLUMN,
  ],
  cells: (o, now) => {
    const min = at(o, 'spec', 'minReplicas');
    return [
      text(meta(o).name),
      `${text(at(o, 'spec', 'scaleTargetRef', 'kind'))}/${text(at(o, 'spec', 'scaleTargetRef', 'name'))}`,
      hpaMetrics(o),
      typeof min === 'number' ? String(min) : '<unset>',
      int(at(o, 'spec', 'maxReplicas')),
      int(at(o, 'status', 'currentReplicas')),
      age(o, now),
    ];
  },
};
