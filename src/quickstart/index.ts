/** The quick start: the sandbox, a local Git server with the example app, and the agent, in one process. */
export type { QuickstartErrorCode } from './errors.js';
export { QuickstartError } from './errors.js';
export type { GitHttpGate, GitHttpServer, GitHttpServerOptions } from './git-http.js';
export { initBareRepo, startGitHttpServer } from './git-http.js';
export type { InstructionsInput } from './instructions.js';
export { quickstartInstructions } from './instructions.js';
export type { Quickstart, QuickstartOptions } from './quickstart.js';
export { GIT_POLL_INTERVAL, QUICKSTART_NAMES, startQuickstart } from './quickstart.js';
