/**
 * Runs `kustomize build` (as `kubectl kustomize`) on a directory the scanner has already checked. The process
 * gets the source root as its working directory, no environment but PATH and a throwaway HOME (so no agent
 * credentials reach it or any plugin), a time limit and an output cap.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Reasons, ReconcileError } from '../core/types.js';
import { buildFailed } from '../plan/errors.js';
import { decodeUtf8 } from '../plan/text.js';
import { BoundedRunError, runBounded, STDERR_CAP } from './bounded-exec.js';

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

/** Runs kustomize and returns its YAML output. */
export async function runKustomize(run: KustomizeRun): Promise<string> {
  const home = await mkdtemp(join(run.tmpDir, 'steward-kustomize-'));
  const target = run.dir === '.' ? '.' : `./${run.dir}`;
  const args = [...run.kustomize.args, target, '--load-restrictor', 'LoadRestrictionsNone'];
  if (run.enableHelm) args.push('--enable-helm');
  const label = `kustomize build ${target}`;
  let stdout: Uint8Array;
  try {
    stdout = await runBounded({
      command: run.kustomize.command,
      args,
      cwd: run.rootReal,
      env: { PATH: run.kustomize.pathEnv ?? '', HOME: home },
      timeoutMs: run.timeoutMs,
      maxOutputBytes: run.maxOutputBytes,
      ...(run.signal ? { signal: run.signal } : {}),
    });
  } catch (e) {
    throw explain(e, run, label);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
  // Kustomize passes bytes through from its inputs, which the scanner has checked; this catches the rest.
  const decoded = decodeUtf8(stdout);
  if (!decoded.ok) {
    throw buildFailed(`${label}:${decoded.problem.line}: output is ${decoded.problem.message}`, run.dir);
  }
  return decoded.text;
}

function explain(e: unknown, run: KustomizeRun, label: string): ReconcileError {
  const transient = (message: string) =>
    new ReconcileError(Reasons.BuildFailed, 'transient', message, run.dir, { cause: e });
  if (!(e instanceof BoundedRunError)) return transient(`${label} could not run`);
  const f = e.failure;
  switch (f.kind) {
    // A slow node can make a render time out once; a render that always does will keep failing visibly.
    case 'timeout':
      return transient(`${label} timed out after ${run.timeoutMs} ms`);
    case 'cancelled':
      return transient(`${label} was cancelled`);
    case 'output-cap':
      return buildFailed(`${label} produced more than ${run.maxOutputBytes} bytes of output`, run.dir);
    case 'stderr-cap':
      return buildFailed(`${label} wrote more than ${STDERR_CAP} bytes of errors`, run.dir);
    // Killed from outside (out of memory) or never started (command missing): the agent, not the revision.
    case 'killed':
      return transient(`${label} was killed by ${f.signal}`);
    case 'spawn':
      return f.code === 'unknown'
        ? transient(`${label} could not run`)
        : transient(`${label} could not run: ${f.code}`);
    case 'exit':
      return buildFailed(`${label} failed: ${cleanStderr(f.stderr, run.rootReal)}`, run.dir);
  }
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
