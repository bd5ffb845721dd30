/** The helm renderer: values, `helm template`, post-render, the chart check and the hook policy. */
export type { ChartLimits, ChartStats } from './chart-check.js';
export { checkChartDir, DEFAULT_CHART_LIMITS } from './chart-check.js';
export type { ClassifyOptions, HookClassification, HookDeletePolicy, HookEvent } from './hooks.js';
export {
  classifyHooks,
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  HOOK_WEIGHT_ANNOTATION,
  hookDeletePolicy,
  hookEvents,
  hookWeight,
} from './hooks.js';
export type { PostRenderLimits } from './post-render.js';
export { postRender } from './post-render.js';
export type { RenderChartInput } from './render-chart.js';
export { renderChart } from './render-chart.js';
export { findExternalRef } from './schema-refs.js';
export { helmSourceFiles } from './sources.js';
export type { Values } from './values-merge.js';
export { mergeValues } from './values-merge.js';
export { parseValuePath, setValuePath, ValuePathError } from './values-path.js';
export type { ResolvedValues, ResolveValuesOptions } from './values-resolve.js';
export { resolveHelmValues, resolveValues } from './values-resolve.js';
export { parseValuesText } from './values-yaml.js';
