/**
 * Runs the helm program with nothing of the agent's: the environment is PATH, HOME and helm's three
 * directories (all inside a throwaway directory), stdin is closed, and the process group is killed when the
 * time limit passes or stdout goes over its cap, so a template that loops or prints without end cannot hold
 * the render or the agent's memory.
 */
import { runBounded } from '../bounded-exec.js';

export type { RunFailure as HelmFailure } from '../bounded-exec.js';
export { BoundedRunError as HelmRunError, STDERR_CAP } from '../bounded-exec.js';

/** What to run, and its limits. */
export interface HelmRun {
  command: string;
  args: readonly string[];
  /** PATH for the process; without it `command` must be an absolute path. */
  pathEnv: string;
  /** HOME, HELM_CONFIG_HOME, HELM_CACHE_HOME, HELM_DATA_HOME. */
  homes: { home: string; config: string; cache: string; data: string };
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
}

/** Runs helm and returns its stdout bytes; throws HelmRunError. */
export function runHelm(run: HelmRun): Promise<Uint8Array> {
  return runBounded({
    command: run.command,
    args: run.args,
    cwd: run.cwd,
    env: {
      PATH: run.pathEnv,
      HOME: run.homes.home,
      HELM_CONFIG_HOME: run.homes.config,
      HELM_CACHE_HOME: run.homes.cache,
      HELM_DATA_HOME: run.homes.data,
    },
    timeoutMs: run.timeoutMs,
    maxOutputBytes: run.maxOutputBytes,
    ...(run.signal ? { signal: run.signal } : {}),
  });
}
