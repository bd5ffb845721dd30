/** Shared pieces of the CLI tests: the fixture repository, captured output, and a CommandIO that never exits. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { CommandIO } from '../../../src/cli/build.js';

export const FIXTURE = resolve(import.meta.dirname, '../../fixtures/cli/repo');
/** kubectl (for kustomize) from the project's tools first, as scripts/env.sh sets it. */
export const PATH_ENV = [resolve(import.meta.dirname, '../../../.tools/bin'), process.env.PATH ?? ''].join(
  delimiter,
);

/** A private copy of the fixture repository, so tests can change files. */
export async function copyFixture(): Promise<{ work: string; root: string; remove(): Promise<void> }> {
  const work = await mkdtemp(join(tmpdir(), 'steward-cli-'));
  const root = join(work, 'repo');
  await cp(FIXTURE, root, { recursive: true });
  return { work, root, remove: () => rm(work, { recursive: true, force: true }) };
}

/** Thrown by {@link captureIO}'s `exit`, which must not return. */
export class Exited extends Error {
  constructor(readonly code: number) {
    super(`exited with ${code}`);
  }
}

/** A CommandIO that records what a command prints and the exit code it ends with. */
export function captureIO(): CommandIO & { out: string; err: string; code: number | undefined } {
  const io = {
    out: '',
    err: '',
    code: undefined as number | undefined,
    pathEnv: PATH_ENV,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
    exit: (code: number): never => {
      io.code = code;
      throw new Exited(code);
    },
    setExitCode: (code: number) => {
      io.code = code;
    },
  };
  return io;
}

/** Runs a command to its end (or its usage error) and returns the captured output. */
export async function runCommandLine(
  cmd: { parseAsync(argv: readonly string[], opts: { from: 'user' }): Promise<unknown> },
  argv: readonly string[],
  io: ReturnType<typeof captureIO>,
): Promise<{ code: number | undefined; out: string; err: string }> {
  try {
    await cmd.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof Exited)) throw err;
  }
  return { code: io.code, out: io.out, err: io.err };
}
