/**
 * Runs `kustomize build` (as `kubectl kustomize`) on a directory the scanner has already checked. The process
 * gets the source root as its working directory, no environment but PATH and a throwaway HOME (so no agent
 * credentials reach it or any plugin), a time limit and an output cap.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecaError, execa } from 'execa';
import { Reasons, ReconcileError } from '../core/types.js';
import { buildFailed } from '../plan/errors.js';
import { decodeUtf8 } from '../plan/text.js';

/** The kustomize command line, e.g. `{ command: 'kubectl', args: ['kustomize'] }`. */
export interface KustomizeCommand {
  command: string;
  args: readonly string[];
  /** PATH for the process, which inherits nothing else; without it `command` must be an absolute path. */
  pathEnv?: string;
}

/** One kustomize run on a vetted directory. */
export interface KustomizeRun {
  rootReal: string;
  /** Directory to build, relative to the root. */
  dir: string;
  kustomize: KustomizeCommand;
  timeoutMs: number;
  maxOutputBytes: number;
  enableHelm: boolean;
  /** Where the throwaway HOME is created. */
  tmpDir: string;
  signal?: AbortSignal;
}

/** Enough of kustomize's stderr to explain a failure, not enough to flood a status condition. */
const MAX_ERROR_CHARS = 2000;
const STDERR_CAP = 256 * 1024;

/** Runs kustomize and returns its YAML output. */
export async function runKustomize(run: KustomizeRun): Promise<string> {
  const home = await mkdtemp(join(run.tmpDir, 'steward-kustomize-'));
  const target = run.dir === '.' ? '.' : `./${run.dir}`;
  const args = [...run.kustomize.args, target, '--load-restrictor', 'LoadRestrictionsNone'];
  if (run.enableHelm) args.push('--enable-helm');
  const label = `kustomize build ${target}`;
  // Its own process group, so that a timeout also ends what it started (helm, plugins): a child holding the
  // output pipe open would otherwise keep the render waiting past its deadline.
  const subprocess = execa(run.kustomize.command, args, {
    cwd: run.rootReal,
    env: { PATH: run.kustomize.pathEnv ?? '', HOME: home },
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
  let stdout: Uint8Array;
  try {
    stdout = (await subprocess).stdout;
  } catch (e) {
    throw explain(e, run, label, stopped);
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', onAbort);
    await rm(home, { recursive: true, force: true });
  }
  // Kustomize passes bytes through from its inputs, which the scanner has checked; this catches the rest.
  const decoded = decodeUtf8(stdout);
  if (!decoded.ok) {
    throw buildFailed(`${label}:${decoded.problem.line}: output is ${decoded.problem.message}`, run.dir);
  }
  return decoded.text;
}

function explain(
  e: unknown,
  run: KustomizeRun,
  label: string,
  stopped?: 'timeout' | 'cancelled',
): ReconcileError {
  const transient = (message: string) =>
    new ReconcileError(Reasons.BuildFailed, 'transient', message, run.dir, { cause: e });
  // A slow node can make a render time out once; a render that always does will keep failing visibly.
  if (stopped === 'timeout') return transient(`${label} timed out after ${run.timeoutMs} ms`);
  if (stopped === 'cancelled') return transient(`${label} was cancelled`);
  if (!(e instanceof ExecaError)) return transient(`${label} could not run`);
  // With `encoding: 'buffer'` the outputs are bytes; ExecaError's default typing says strings.
  const out: unknown = e.stdout;
  const err: unknown = e.stderr;
  if (e.isMaxBuffer) {
    const stdout = out instanceof Uint8Array ? out.byteLength : 0;
    return stdout >= run.maxOutputBytes
      ? buildFailed(`${label} produced more than ${run.maxOutputBytes} bytes of output`, run.dir)
      : buildFailed(`${label} wrote more than ${STDERR_CAP} bytes of errors`, run.dir);
  }
  // Killed from outside (out of memory) or never started (command missing): the agent, not the revision.
  if (e.signal) return transient(`${label} was killed by ${e.signal}`);
  if (e.exitCode === undefined) return transient(`${label} could not run: ${e.code ?? 'spawn failed'}`);
  const stderr = err instanceof Uint8Array ? new TextDecoder().decode(err) : '';
  return buildFailed(`${label} failed: ${cleanStderr(stderr, run.rootReal)}`, run.dir);
}

/**
 * Where kustomize starts printing an object it failed on: `missing metadata.name in object {{v1 Secret} {{ }
 * map[labels] map[annotations]}}` prints every label and annotation (a kubectl last-applied-configuration
 * annotation holds a Secret's data), `node contents:` and `value: {...}` print the YAML node, Go's `%#v`
 * prints `map[string]interface {}{...}` and `%v` a map as `map[key:value]`. Their content is the tenant's
 * data and cannot be delimited reliably (a value can hold braces), so everything from the first one on is cut.
 */
const OBJECT_DUMP =
  / in object \{|node contents:|\bvalue: \{|map\[[^\]\s]*:|(?:map\[[^\]]*\])?interface \{\}\{/;

/**
 * Drops kubectl's `error: ` prefix, the agent's own paths, which say nothing to the tenant, and object dumps,
 * which can hold secrets; what is left before a dump names the file and the reason.
 */
export function cleanStderr(stderr: string, rootReal: string): string {
  let text = stderr
    .replaceAll(`${rootReal}/`, '')
    .replaceAll(rootReal, '.')
    .trim()
    .replace(/^error: /, '');
  const dump = OBJECT_DUMP.exec(text);
  if (dump) text = `${text.slice(0, dump.index).trimEnd()} (object contents omitted)`.trimStart();
  if (text === '') return 'no error output';
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
