/** `steward diff`: what the agent's apply and prune stages would change, read from a server-side dry run. */
export { diffObject, type ObjectDiff, type ObjectDiffContext } from './object.js';
export { type DiffPlanOptions, diffPlan } from './plan.js';
export { type PruneOutcome, type PrunePreview, previewPrune } from './prune.js';
export { type ClusterBuildOptions, planForCluster } from './render.js';
export { DiffExit, type DiffExitCode, type DiffReport, formatReport } from './report.js';
export { MASK, MASK_AFTER, MASK_BEFORE, maskSecretPair } from './secret.js';
export { diffLines, type Edit, type UnifiedOptions, unifiedDiff } from './unified.js';
export { canonicalYaml, objectDiff } from './yaml.js';
