/**
 * ImageRepositories, ImagePolicies and ImageUpdateAutomations as the status API shows them. Deliberately left
 * out: every secretRef, and an automation's commit message template and template values (a value may be
 * private: a ticket system's token, an internal URL); the author is left out too, it says nothing about health.
 * Flux shows the same status fields through `flux get images`; the branch an automation writes to is resolved
 * here as its reconciler resolves it, so a reader need not look up the GitRepository.
 */
import { field, isRecord, str } from '../health/fields.js';
import { objectKey } from './history.js';
import type {
  ImageObjectState,
  ImagePolicyView,
  ImageRepositoryView,
  ImageUpdateAutomationView,
} from './model.js';
import {
  conditionTrue,
  type KubeObject,
  lastReconcileView,
  nameOf,
  optionalString,
  readyView,
  suspended,
} from './read.js';
import type { HistoryView } from './sync-view.js';

type History = Pick<HistoryView, 'lastOf'>;

function state(kind: string, obj: KubeObject, history: History): ImageObjectState {
  const { namespace, name } = nameOf(obj);
  return {
    ready: readyView(obj),
    reconciling: conditionTrue(obj, 'Reconciling'),
    stalled: conditionTrue(obj, 'Stalled'),
    suspended: suspended(obj),
    lastReconcile: lastReconcileView(history.lastOf(objectKey(kind, namespace, name))),
  };
}

/** A non-negative integer field, or null. */
function count(obj: KubeObject, path: string): number | null {
  const v = field(obj, path);
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

export function imageRepositoryView(obj: KubeObject, history: History): ImageRepositoryView {
  return {
    ...nameOf(obj),
    image: str(obj, 'spec.image', ''),
    canonicalName: optionalString(obj, 'status.canonicalImageName'),
    tagCount: count(obj, 'status.lastScanResult.tagCount'),
    lastScanTime: optionalString(obj, 'status.lastScanResult.scanTime'),
    interval: optionalString(obj, 'spec.interval'),
    ...state('ImageRepository', obj, history),
  };
}

/** `name:tag[@digest]` of an image reference in status; null when it lacks a name or tag. */
export function imageRefText(ref: unknown): string | null {
  if (!isRecord(ref)) return null;
  const name = str(ref, 'name', '');
  const tag = str(ref, 'tag', '');
  if (name === '' || tag === '') return null;
  const digest = str(ref, 'digest', '');
  return `${name}:${tag}${digest ? `@${digest}` : ''}`;
}

/** The policy that applies; the schema allows exactly one, and alphabetical and numerical default to asc. */
function policyOf(obj: KubeObject): ImagePolicyView['policy'] {
  const range = optionalString(obj, 'spec.policy.semver.range');
  if (range !== null) return { kind: 'semver', range, order: null };
  for (const kind of ['alphabetical', 'numerical'] as const) {
    if (!isRecord(field(obj, `spec.policy.${kind}`))) continue;
    const order = str(obj, `spec.policy.${kind}.order`, 'asc') === 'desc' ? 'desc' : 'asc';
    return { kind, range: null, order };
  }
  return { kind: null, range: null, order: null };
}

export function imagePolicyView(obj: KubeObject, history: History): ImagePolicyView {
  return {
    ...nameOf(obj),
    repository: str(obj, 'spec.imageRepositoryRef.name', ''),
    policy: policyOf(obj),
    pick: imageRefText(field(obj, 'status.latestRef')),
    previousPick: imageRefText(field(obj, 'status.observedPreviousRef')),
    ...state('ImagePolicy', obj, history),
  };
}

/** The branch a GitRepository follows (`spec.ref.branch`), by namespace and name; null when unknown. */
export type BranchOf = (namespace: string, name: string) => string | null;

export function imageUpdateAutomationView(
  obj: KubeObject,
  history: History,
  branchOf: BranchOf,
): ImageUpdateAutomationView {
  const { namespace, name } = nameOf(obj);
  const source = {
    kind: str(obj, 'spec.sourceRef.kind', 'GitRepository'),
    namespace: str(obj, 'spec.sourceRef.namespace', namespace),
    name: str(obj, 'spec.sourceRef.name', ''),
  };
  const checkoutBranch =
    optionalString(obj, 'spec.git.checkout.ref.branch') ?? branchOf(source.namespace, source.name);
  return {
    namespace,
    name,
    source,
    path: str(obj, 'spec.update.path', './'),
    checkoutBranch,
    pushBranch: optionalString(obj, 'spec.git.push.branch') ?? checkoutBranch,
    lastRunTime: optionalString(obj, 'status.lastAutomationRunTime'),
    lastPushCommit: optionalString(obj, 'status.lastPushCommit'),
    lastPushTime: optionalString(obj, 'status.lastPushTime'),
    ...state('ImageUpdateAutomation', obj, history),
  };
}
