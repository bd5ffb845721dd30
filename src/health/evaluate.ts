/**
 * Health of one live object, kstatus-compatible: the same order as kstatus `Compute`
 * (kubernetes-sigs/cli-utils `pkg/kstatus/status/status.go`): generic rules first, then the kind's rule,
 * then the fallback for kinds without one.
 */
import {
  alwaysReady,
  customResourceDefinitionRule,
  jobRule,
  namespaceRule,
  persistentVolumeClaimRule,
  podDisruptionBudgetRule,
  podRule,
  serviceRule,
} from './core.js';
import { displayName, groupKind, str } from './fields.js';
import { checkGeneric, readyOrCurrent } from './generic.js';
import { canaryRule, rolloutRule } from './progressive.js';
import type { EvaluateOptions, Health, KindRule, Verdict } from './types.js';
import { daemonSetRule, deploymentRule, replicaSetRule, statefulSetRule } from './workloads.js';

/** Keyed like kstatus `legacyTypes`: `<group>/<kind>`, bare kind for the core group. */
const rules: ReadonlyMap<string, KindRule> = new Map<string, KindRule>([
  ['Service', serviceRule],
  ['Pod', podRule],
  ['Secret', alwaysReady],
  ['ConfigMap', alwaysReady],
  ['PersistentVolumeClaim', persistentVolumeClaimRule],
  ['Namespace', namespaceRule],
  ['apps/StatefulSet', statefulSetRule],
  ['apps/DaemonSet', daemonSetRule],
  ['extensions/DaemonSet', daemonSetRule],
  ['apps/Deployment', deploymentRule],
  ['extensions/Deployment', deploymentRule],
  ['apps/ReplicaSet', replicaSetRule],
  ['extensions/ReplicaSet', replicaSetRule],
  ['policy/PodDisruptionBudget', podDisruptionBudgetRule],
  ['batch/CronJob', alwaysReady],
  ['batch/Job', jobRule],
  ['apiextensions.k8s.io/CustomResourceDefinition', customResourceDefinitionRule],
  ['flagger.app/Canary', canaryRule],
  ['argoproj.io/Rollout', rolloutRule],
]);

/** Kinds whose `status.phase` is reported with every result, whichever rule decided it. */
const phaseKinds: ReadonlySet<string> = new Set(['flagger.app/Canary', 'argoproj.io/Rollout']);

/**
 * The health of a live object, or NotFound for `undefined` (the object does not exist). Pure: the object
 * must carry its full status, and the only outside input is `options.now`.
 */
export function evaluate(obj: Record<string, unknown> | undefined, options: EvaluateOptions = {}): Health {
  if (obj === undefined) return { status: 'NotFound', message: 'Resource not found' };
  if (str(obj, 'kind', '') === '') return { status: 'Unknown', message: 'Resource has no kind' };
  const key = groupKind(obj);
  const verdict: Verdict = checkGeneric(obj) ?? (rules.get(key) ?? readyOrCurrent)(obj, options);
  const health: Health = { status: verdict.status, message: `${displayName(obj)}: ${verdict.message}` };
  const phase = str(obj, 'status.phase', '');
  if (phaseKinds.has(key) && phase !== '') health.phase = phase;
  return health;
}
