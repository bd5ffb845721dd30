/**
 * Health evaluation, pure and kstatus-compatible: `evaluate` judges one live object, `summarize` and
 * `healthMessage` turn a Sync's results into its verdict.
 */
export { evaluate } from './evaluate.js';
export type { HealthIssue, HealthSummary } from './summary.js';
export { healthMessage, maxListedMessages, summarize } from './summary.js';
export type { EvaluateOptions, Health, HealthStatus } from './types.js';
