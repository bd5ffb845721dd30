/** The planning core: pure functions from rendered YAML to the ordered objects to apply and prune. */
export { builtinGroupKindNamespaced, builtinNamespaced } from './builtin-scope.js';
export { diffInventory, inventoryOf } from './inventory.js';
export { compareRefs, sortForApply, sortForDelete, stageOf } from './order.js';
export type { OriginFile, ParseLimits, ParseOrigin, SourcedManifest } from './parse.js';
export { parseManifests } from './parse.js';
export type { PlanOptions } from './plan.js';
export { plan } from './plan.js';
export { validateManifests } from './validate.js';
