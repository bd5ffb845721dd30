/**
 * `steward build <dir>`: renders a repository path exactly as the agent would (render, substitution, parse,
 * validation, plan) and prints the planned objects as one YAML stream, in apply order. No cluster needed.
 * Also the option handling `steward diff` shares: the Sync's settings on the command line, and the agent's.
 */
import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../api/index.js';
import type { Config } from '../config/index.js';
import { loadConfig, parseConfig } from '../config/index.js';
import { ReconcileError } from '../core/types.js';
import type { BuildLimits, KustomizeCommand } from '../render/index.js';
import { buildLocal, ownerLabels } from '../render/index.js';

/** What a command prints and the environment it needs; tests pass their own. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** PATH for kustomize, which inherits nothing else from the environment. */
  pathEnv: string;
}

/** CliIO plus how commander ends a run on a usage error, and how a finished run reports its exit code. */
export interface CommandIO extends CliIO {
  exit(code: number): never;
  setExitCode(code: number): void;
}

/** The process's own streams and environment: used only by the command entry points. */
export function processIO(): CommandIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    pathEnv: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    exit: (code) => process.exit(code),
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

/** What a Sync's spec contributes to a render, from the command line. */
export interface SyncArgs {
  /** The repository root. */
  dir: string;
  /** spec.path inside `dir`. */
  path: string;
  targetNamespace?: string;
  /** postBuild.substitute. */
  substitute: Readonly<Record<string, string>>;
  /** The Sync's name and namespace: owner labels are added, and `diff` previews pruning. */
  sync?: { name: string; namespace: string };
  /** The agent's config file (render programs and limits, field manager, known controllers). */
  config?: string;
}

/** Exit codes of `steward build`. */
export const BuildExit = { Ok: 0, Failed: 1, Usage: 2 } as const;

/** Renders and plans `args.dir` as the agent would and writes the YAML to `io.stdout`; returns the exit code. */
export async function runBuild(args: SyncArgs, io: CliIO): Promise<number> {
  try {
    const config = await agentConfig(args.config);
    const { yaml } = await buildLocal(args.dir, {
      path: args.path,
      ...renderSettings(config, io.pathEnv),
      vars: args.substitute,
      ...(args.targetNamespace ? { targetNamespace: args.targetNamespace } : {}),
      ...(args.sync ? { ownerLabels: ownerLabels(args.sync) } : {}),
    });
    io.stdout(yaml);
    return BuildExit.Ok;
  } catch (err) {
    io.stderr(`error: ${errorMessage(err)}\n`);
    return BuildExit.Failed;
  }
}

/** The agent's settings: from its config file, or its defaults. */
export async function agentConfig(file: string | undefined): Promise<Config> {
  return file ? loadConfig(file) : parseConfig('', '(defaults)');
}

/** The kustomize command and limits the agent's `buildSync` uses with this config. */
export function renderSettings(
  config: Config,
  pathEnv: string,
): { kustomize: KustomizeCommand; limits: BuildLimits } {
  const r = config.render;
  return {
    kustomize: { command: r.kustomizePath, args: [...r.kustomizeArgs], pathEnv },
    limits: {
      maxObjects: r.maxObjects,
      maxAliases: 100,
      maxDepth: 64,
      timeoutMs: parseDuration(r.timeout),
      maxOutputBytes: r.maxOutputBytes,
      maxFileBytes: r.maxFileBytes,
    },
  };
}

/** A one-line account of an error: the subject (file or object) when the message does not name it already. */
export function errorMessage(err: unknown): string {
  if (err instanceof ReconcileError && err.subject && !err.message.includes(err.subject)) {
    return `${err.subject}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Adds the options `build` and `diff` share to `cmd`. */
export function withSyncOptions(cmd: Command): Command {
  return cmd
    .argument('<dir>', 'the repository root (what the GitRepository checks out)')
    .option('--path <path>', "the Sync's spec.path inside <dir>", './')
    .option('--target-namespace <ns>', "the Sync's spec.targetNamespace")
    .option('--substitute <KEY=VALUE...>', 'postBuild.substitute variables (repeatable)', substitutePair)
    .option('--sync-name <name>', "the Sync's name (adds its owner labels)")
    .option('--sync-namespace <ns>', "the Sync's namespace (with --sync-name)")
    .option(
      '--config <file>',
      "the agent's config file (render programs and limits); its defaults otherwise",
    );
}

/** The options of {@link withSyncOptions} as commander parses them. */
export interface SyncOptionValues {
  path: string;
  targetNamespace?: string;
  substitute?: Record<string, string>;
  syncName?: string;
  syncNamespace?: string;
  config?: string;
}

/** The parsed options as SyncArgs; a usage error (through `cmd.error`) when only half a Sync is named. */
export function syncArgsOf(cmd: Command, dir: string, o: SyncOptionValues): SyncArgs {
  if ((o.syncName === undefined) !== (o.syncNamespace === undefined)) {
    cmd.error('error: --sync-name and --sync-namespace go together', { exitCode: BuildExit.Usage });
  }
  return {
    dir,
    path: o.path,
    substitute: o.substitute ?? {},
    ...(o.targetNamespace ? { targetNamespace: o.targetNamespace } : {}),
    ...(o.syncName && o.syncNamespace ? { sync: { name: o.syncName, namespace: o.syncNamespace } } : {}),
    ...(o.config ? { config: o.config } : {}),
  };
}

function substitutePair(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got "${value}"`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Wires a command's output and usage errors to `io`: usage errors exit 2, as kubectl's do. */
export function withIO(cmd: Command, io: CommandIO): Command {
  return cmd
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride((err) => io.exit(err.exitCode === 0 ? 0 : BuildExit.Usage));
}

/** The `steward build` command. */
export function buildCommand(io: CommandIO = processIO()): Command {
  const cmd = new Command('build').description(
    'render a repository path as the agent would and print the objects as YAML, in apply order',
  );
  return withIO(withSyncOptions(cmd), io).action(async (dir: string, o: SyncOptionValues) => {
    io.setExitCode(await runBuild(syncArgsOf(cmd, dir, o), io));
  });
}
