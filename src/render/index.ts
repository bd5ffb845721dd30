/** The render stage: artifact path to YAML (kustomize or plain files), postBuild substitution, local builds. */
export type { BuildLimits, BuildLocalOptions, PlanRenderedOptions } from './build.js';
export { buildLocal, DEFAULT_BUILD_LIMITS, ownerLabels, planRendered } from './build.js';
export type {
  ChartLimits,
  HookClassification,
  PostRenderLimits,
  RenderChartInput,
  Values,
} from './helm/index.js';
export {
  checkChartDir,
  classifyHooks,
  hookDeletePolicy,
  mergeValues,
  postRender,
  renderChart,
  resolveHelmValues,
  resolveValues,
  setValuePath,
} from './helm/index.js';
export type { KustomizeCommand, RenderedFile, RenderInput, RenderResult } from './render.js';
export { render } from './render.js';
export type { SubstituteOptions } from './substitute.js';
export { substitute } from './substitute.js';
