/**
 * Runs a renderer program (kustomize, helm) in its own process group with nothing of the agent's but what the
 * caller passes: stdin closed, stdout and stderr capped, and the whole group SIGKILLed when the time limit passes
 * or the caller aborts. A child holding the output pipe open (a plugin, helm under kustomize) would otherwise
 * keep the render waiting past its deadline, and helm 4 ignores SIGTERM while rendering.
 */
import { ExecaError, execa } from 'execa';

/** Enough of a renderer's stderr to explain a failure. */
export const STDERR_CAP = 256 * 1024;

/** One bounded run. `env` is the whole environment: nothing is inherited. */
export interface BoundedRun {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
}

/** Why a run failed, for the caller to word: the exit with the program's stderr, or how it was stopped. */
export type RunFailure =
  | { kind: 'exit'; exitCode: number; stderr: string }
  | { kind: 'timeout' | 'cancelled' | 'output-cap' | 'stderr-cap' }
  | { kind: 'killed'; signal: string }
  | { kind: 'spawn'; code: string };

/** Thrown by {@link runBounded}; carries no output but the program's stderr on an exit. */
export class BoundedRunError extends Error {
  override readonly name = 'BoundedRunError';
  constructor(
    readonly failure: RunFailure,
    options?: ErrorOptions,
  ) {
    super(`${failure.kind}`, options);
  }
}

/** Runs the program and returns its stdout bytes; throws BoundedRunError. */
export async function runBounded(run: BoundedRun): Promise<Uint8Array> {
  const subprocess = execa(run.command, run.args, {
    cwd: run.cwd,
    env: run.env,
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
    throw new BoundedRunError(failureOf(e, run.maxOutputBytes, stopped), { cause: e });
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', onAbort);
  }
}

function failureOf(e: unknown, maxOutputBytes: number, stopped?: 'timeout' | 'cancelled'): RunFailure {
  if (stopped) return { kind: stopped };
  if (!(e instanceof ExecaError)) return { kind: 'spawn', code: 'unknown' };
  // With `encoding: 'buffer'` the outputs are bytes; ExecaError's default typing says strings.
  const out: unknown = e.stdout;
  const err: unknown = e.stderr;
  if (e.isMaxBuffer) {
    const stdout = out instanceof Uint8Array ? out.byteLength : 0;
    return { kind: stdout >= maxOutputBytes ? 'output-cap' : 'stderr-cap' };
  }
  if (e.signal) return { kind: 'killed', signal: e.signal };
  if (e.exitCode === undefined) return { kind: 'spawn', code: e.code ?? 'spawn failed' };
  const stderr = err instanceof Uint8Array ? new TextDecoder().decode(err) : '';
  return { kind: 'exit', exitCode: e.exitCode, stderr };
}
