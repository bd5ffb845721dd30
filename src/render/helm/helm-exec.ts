/**
 * Runs the helm program with nothing of the agent's: the environment is PATH, HOME and helm's three
 * directories (all inside a throwaway directory), stdin is closed, and the process group is killed when the
 * time limit passes or stdout goes over its cap, so a template that loops or prints without end cannot hold
 * the render or the agent's memory.
 */
import { ExecaError, execa } from 'execa';

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

/** Enough of helm's stderr to explain a failure. */
export const STDERR_CAP = 256 * 1024;

/** Why a run failed, for the caller to word: the exit with helm's stderr, or how it was stopped. */
export type HelmFailure =
  | { kind: 'exit'; exitCode: number; stderr: string }
  | { kind: 'timeout' | 'cancelled' | 'output-cap' | 'stderr-cap' }
  | { kind: 'killed'; signal: string }
  | { kind: 'spawn'; code: string };

/** Thrown by {@link runHelm}; carries no output but helm's stderr on an exit. */
export class HelmRunError extends Error {
  override readonly name = 'HelmRunError';
  constructor(
    readonly failure: HelmFailure,
    options?: ErrorOptions,
  ) {
    super(`helm ${failure.kind}`, options);
  }
}

/** Runs helm and returns its stdout bytes; throws HelmRunError. */
export async function runHelm(run: HelmRun): Promise<Uint8Array> {
  // Its own process group, so that a kill also reaches anything helm started.
  const subprocess = execa(run.command, run.args, {
    cwd: run.cwd,
    env: {
      PATH: run.pathEnv,
      HOME: run.homes.home,
      HELM_CONFIG_HOME: run.homes.config,
      HELM_CACHE_HOME: run.homes.cache,
      HELM_DATA_HOME: run.homes.data,
    },
    extendEnv: false,
    stdin: 'ignore',
    encoding: 'buffer',
    stripFinalNewline: false,
    maxBuffer: { stdout: run.maxOutputBytes, stderr: STDERR_CAP },
    detached: true,
  });
  const killGroup = () => {
    if (subprocess.pid === undefined) return;
    try {
      process.kill(-subprocess.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  };
  let stopped: 'timeout' | 'cancelled' | undefined;
  const timer = setTimeout(() => {
    stopped = 'timeout';
    killGroup();
  }, run.timeoutMs);
  const onAbort = () => {
    stopped ??= 'cancelled';
    killGroup();
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });
  if (run.signal?.aborted) onAbort();
  try {
    return (await subprocess).stdout;
  } catch (e) {
    throw new HelmRunError(failureOf(e, run, stopped), { cause: e });
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', onAbort);
  }
}

function failureOf(e: unknown, run: HelmRun, stopped?: 'timeout' | 'cancelled'): HelmFailure {
  if (stopped) return { kind: stopped };
  if (!(e instanceof ExecaError)) return { kind: 'spawn', code: 'unknown' };
  // With `encoding: 'buffer'` the outputs are bytes; ExecaError's default typing says strings.
  const out: unknown = e.stdout;
  const err: unknown = e.stderr;
  if (e.isMaxBuffer) {
    const stdout = out instanceof Uint8Array ? out.byteLength : 0;
    return { kind: stdout >= run.maxOutputBytes ? 'output-cap' : 'stderr-cap' };
  }
  if (e.signal) return { kind: 'killed', signal: e.signal };
  if (e.exitCode === undefined) return { kind: 'spawn', code: e.code ?? 'spawn failed' };
  const stderr = err instanceof Uint8Array ? new TextDecoder().decode(err) : '';
  return { kind: 'exit', exitCode: e.exitCode, stderr };
}
