/**
 * Pieces shared by the simulated controllers (workload simulator: THIS IS A SIMULATION, no pods run): the
 * status field order of each kind, condition bookkeeping as the controllers do it, and the pod-template hash.
 */
import { createHash } from 'node:crypto';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job';

/** DaemonSets are scheduled onto this many simulated nodes: the sandbox has no Node objects. */
export const SIMULATED_NODE_COUNT = 1;

/**
 * The status fields each simulated controller writes, in the order of the Go structs (k8s.io/api apps/v1 and
 * batch/v1 types.go), which is also the order they are serialised in. A write replaces the whole status.
 */
export const STATUS_FIELDS: Readonly<Record<WorkloadKind, readonly string[]>> = {
  Deployment: [
    'observedGeneration',
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
    'unavailableReplicas',
    'conditions',
    'collisionCount',
  ],
  StatefulSet: [
    'observedGeneration',
    'replicas',
    'readyReplicas',
    'currentReplicas',
    'updatedReplicas',
    'currentRevision',
    'updateRevision',
    'collisionCount',
    'availableReplicas',
  ],
  DaemonSet: [
    'currentNumberScheduled',
    'numberMisscheduled',
    'desiredNumberScheduled',
    'numberReady',
    'observedGeneration',
    'updatedNumberScheduled',
    'numberAvailable',
    'numberUnavailable',
  ],
  ReplicaSet: [
    'replicas',
    'fullyLabeledReplicas',
    'readyReplicas',
    'availableReplicas',
    'observedGeneration',
  ],
  Job: [
    'conditions',
    'startTime',
    'completionTime',
    'active',
    'succeeded',
    'failed',
    'terminating',
    'uncountedTerminatedPods',
    'ready',
  ],
};

/** Deep equality that ignores key order and undefined members, so the caller writes only real changes. */
export function statusEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => statusEquals(x, b[i]))
    );
  }
  if (!isObj(a) || !isObj(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => statusEquals(a[k], b[k]));
}

/**
 * A stable 10-character hash of a pod template, spelt like pod-template-hash: controller.ComputeHash renders a
 * uint32 in decimal and maps each digit through rand.SafeEncodeString (apimachinery util/rand), which is why
 * real hashes only use the characters 4-9, b, c, d, f. Here the uint32 comes from SHA-256 of canonical JSON.
 */
export function podTemplateHash(template: unknown): string {
  const n = createHash('sha256').update(canonicalJson(template)).digest().readUInt32BE(0);
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (const digit of String(n).padStart(10, '0')) out += alphabet[digit.charCodeAt(0) % alphabet.length];
  return out;
}

/** One simulation step's view of the clock and the workload's images. */
export interface Tick {
  /** Current time at second precision, as condition times are serialised. */
  now: string;
  /** Milliseconds since the generation last changed. */
  elapsed: number;
  /** Healthy pods have become ready. */
  settled: boolean;
  /** The pod template has an image whose pods never become ready. */
  failing: boolean;
  /** Progress deadline of a Deployment in milliseconds. */
  deadlineMs: number;
}

/** A condition as a controller decides it; times are filled in by {@link setCondition}. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** Shorthand for a {@link Condition}. */
export function cond(type: string, status: Condition['status'], reason: string, message: string): Condition {
  return { type, status, reason, message };
}

/**
 * Sets a condition the way the controllers do. apps/v1 (deployment_util.go SetDeploymentCondition): a changed
 * condition moves to the end with a new lastUpdateTime, keeping lastTransitionTime unless its status flipped.
 * batch/v1 (job/utils.go ensureJobConditionStatus): a changed condition is replaced in place with both times
 * new; a False condition is never added. An unchanged condition keeps its times.
 */
export function setCondition(list: Obj[], c: Condition, now: string, style: 'apps' | 'job'): Obj[] {
  const cur = list.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason && cur.message === c.message) return list;
  if (style === 'job') {
    const next = {
      type: c.type,
      status: c.status,
      lastProbeTime: now,
      lastTransitionTime: now,
      reason: c.reason,
      message: c.message,
    };
    if (cur) return list.map((x) => (x === cur ? next : x));
    return c.status === 'False' ? list : [...list, next];
  }
  const kept = cur && cur.status === c.status && typeof cur.lastTransitionTime === 'string';
  const lastTransitionTime = kept ? cur.lastTransitionTime : now;
  const next = {
    type: c.type,
    status: c.status,
    lastUpdateTime: now,
    lastTransitionTime,
    reason: c.reason,
    message: c.message,
  };
  return [...list.filter((x) => x !== cur), next];
}

/** The object-shaped members of status.conditions. */
export function conditionsOf(status: Obj): Obj[] {
  return Array.isArray(status.conditions) ? status.conditions.filter(isObj) : [];
}

/** Builds a status in the kind's field order, leaving out undefined members (Go omitempty). */
export function ordered(kind: WorkloadKind, fields: Obj): Obj {
  const out: Obj = {};
  for (const key of STATUS_FIELDS[kind]) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}

/** Go omitempty for counters: zero is left out. */
export const nz = (n: number): number | undefined => (n === 0 ? undefined : n);
/** Go omitempty for lists. */
export const nonEmpty = (l: Obj[]): Obj[] | undefined => (l.length > 0 ? l : undefined);
/** An integer field, or the API default when it is absent. */
export const int = (v: unknown, dflt: number): number =>
  typeof v === 'number' && Number.isInteger(v) ? v : dflt;

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function seconds(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObj(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
