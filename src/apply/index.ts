/** The apply and prune stages: staged server-side apply with dry-run drift detection, and safe pruning. */
export { type ApplyPlanOptions, applyPlan } from './apply.js';
export { changedPaths, isUnchanged, jsonEqual, normalizeForCompare } from './compare.js';
export { crdPending } from './crd-wait.js';
export { ApplyError, isImmutableError, retryOf } from './errors.js';
export {
  type FieldPath,
  leafPaths,
  ownedLeafPaths,
  type PathElement,
  pathString,
  stripPaths,
} from './fields.js';
export { desiredManifest, ssaSkipReason } from './object.js';
export {
  deleteOrder,
  type PruneOptions,
  type PruneResult,
  planPrune,
  prune,
  pruneSafety,
  skipReason,
} from './prune.js';
export { scaleTargetsOf, withoutReplicas, workloadKey } from './scale-targets.js';
