/**
 * `steward build <dir>`: renders a repository path exactly as the agent would (render, substitution, parse,
 * validation, plan) and prints the planned objects as one YAML stream, in apply order. No cluster needed.
 * Also the option handling `steward diff` shares: the Sync's settings on the command line, and the agent's.
 */
import { Command, InvalidArgumentError } from 'commander';
import { stringify } from 'yaml';
import type { Sync } from '../api/index.js';
import { parseDuration } from '../api/index.js';
import type { Config } from '../config/index.js';
import { loadConfig, parseConfig } from '../config/index.js';
import type { PlannedObject } from '../core/types.js';
import { ReconcileError } from '../core/types.js';
import type { KubeClient } from '../kube/index.js';
import type { LocalHelmInput } from '../reconcile/helm-local.js';
import { buildHelmLocal, loadObjects, loadSyncFile, objectsClient } from '../reconcile/helm-local.js';
import { allObjects } from '../reconcile/helm-plan.js';
import { readSubstitutionVars } from '../reconcile/sync-inputs.js';
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
  /** A Sync manifest whose spec (path, targetNamespace, postBuild, helm) and name stand in for the flags above. */
  syncFile?: string;
  /** A local chart directory, in place of the one a helm Sync's source names. */
  chart?: string;
  /** YAML files of the ConfigMaps and Secrets that valuesFrom and substituteFrom read (`build`: no cluster). */
  objects?: readonly string[];
}

/** Exit codes of `steward build`. */
export const BuildExit = { Ok: 0, Failed: 1, Usage: 2 } as const;

/** Renders and plans `args.dir` as the agent would and writes the YAML to `io.stdout`; returns the exit code. */
export async function runBuild(args: SyncArgs, io: CliIO): Promise<number> {
  try {
    const config = await agentConfig(args.config);
    const fromSync = args.syncFile
      ? await syncFileArgs(args, objectsClient(await loadObjects(args.objects ?? [])))
      : undefined;
    if (fromSync?.sync.spec.helm) {
      const built = await buildHelmLocal({
        ...helmInput(fromSync, config, io.pathEnv),
        client: fromSync.client,
      });
      io.stdout(objectsYaml(allObjects(built.plan)));
      return BuildExit.Ok;
    }
    const a = fromSync ? fromSync.args : args;
    const { yaml } = await buildLocal(a.dir, {
      path: a.path,
      ...renderSettings(config, io.pathEnv),
      vars: a.substitute,
      ...(a.targetNamespace ? { targetNamespace: a.targetNamespace } : {}),
      ...(a.sync ? { ownerLabels: ownerLabels(a.sync) } : {}),
    });
    io.stdout(yaml);
    return BuildExit.Ok;
  } catch (err) {
    io.stderr(`error: ${errorMessage(err)}\n`);
    return BuildExit.Failed;
  }
}

/** A Sync file read: the Sync, the flags it stands for, and the client its references are read with. */
export interface SyncFileArgs {
  sync: Sync;
  args: SyncArgs;
  vars: Record<string, string>;
  client: KubeClient;
}

/**
 * Reads `args.syncFile`: its path, targetNamespace, name and namespace replace the flags (the command line
 * refuses both), its postBuild variables (substituteFrom read with `client`) come under `--substitute`.
 */
export async function syncFileArgs(args: SyncArgs, client: KubeClient): Promise<SyncFileArgs> {
  const sync = await loadSyncFile(args.syncFile as string);
  const vars = { ...(await readSubstitutionVars(client, sync)), ...args.substitute };
  return {
    sync,
    client,
    vars,
    args: {
      ...args,
      path: sync.spec.path,
      substitute: vars,
      sync: { name: sync.metadata.name, namespace: sync.metadata.namespace },
      ...(sync.spec.targetNamespace ? { targetNamespace: sync.spec.targetNamespace } : {}),
    },
  };
}

/** What buildHelmLocal needs from a Sync file and the agent's config, but the client. */
export function helmInput(
  from: SyncFileArgs,
  config: Config,
  pathEnv: string,
): Omit<LocalHelmInput, 'client'> {
  return {
    sync: from.sync,
    config,
    pathEnv,
    vars: from.vars,
    ...(from.args.dir ? { dir: from.args.dir } : {}),
    ...(from.args.chart ? { chartDir: from.args.chart } : {}),
  };
}

/** Objects as one YAML stream, written out in full (aliases in the source become plain copies). */
function objectsYaml(objects: readonly PlannedObject[]): string {
  return objects.map((o) => `---\n${stringify(o.manifest, { aliasDuplicateObjects: false })}`).join('');
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
    .argument('[dir]', 'the repository root (what the GitRepository checks out); not needed with --chart')
    .option('--path <path>', "the Sync's spec.path inside <dir>", './')
    .option('--target-namespace <ns>', "the Sync's spec.targetNamespace")
    .option('--substitute <KEY=VALUE...>', 'postBuild.substitute variables (repeatable)', substitutePair)
    .option('--sync-name <name>', "the Sync's name (adds its owner labels)")
    .option('--sync-namespace <ns>', "the Sync's namespace (with --sync-name)")
    .option('--config <file>', "the agent's config file (render programs and limits); its defaults otherwise")
    .option(
      '--sync <file>',
      'a Sync manifest: its path, targetNamespace, postBuild, helm, name and namespace instead of the flags',
    )
    .option(
      '--chart <dir>',
      "with --sync: a local chart directory in place of the one the Sync's source names",
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
  sync?: string;
  chart?: string;
  objects?: string[];
}

/** The parsed options as SyncArgs; a usage error (through `cmd.error`) when only half a Sync is named. */
export function syncArgsOf(cmd: Command, dir: string | undefined, o: SyncOptionValues): SyncArgs {
  if ((o.syncName === undefined) !== (o.syncNamespace === undefined)) {
    cmd.error('error: --sync-name and --sync-namespace go together', { exitCode: BuildExit.Usage });
  }
  if (o.sync !== undefined) {
    const flags = ['path', 'targetNamespace', 'syncName', 'syncNamespace'].filter(
      (k) => cmd.getOptionValueSource(k) === 'cli',
    );
    if (flags.length > 0) {
      const names = flags.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      cmd.error(
        `error: --sync gives ${names.join(', ')} from the Sync file; leave ${flags.length > 1 ? 'them' : 'it'} out`,
        {
          exitCode: BuildExit.Usage,
        },
      );
    }
  } else if (o.chart !== undefined || o.objects !== undefined) {
    cmd.error('error: --chart and --objects go with --sync (the Sync says what to render and read)', {
      exitCode: BuildExit.Usage,
    });
  }
  if (dir === undefined && o.chart === undefined) {
    cmd.error("error: missing required argument 'dir'", { exitCode: BuildExit.Usage });
  }
  return {
    dir: dir ?? '',
    path: o.path,
    substitute: o.substitute ?? {},
    ...(o.targetNamespace ? { targetNamespace: o.targetNamespace } : {}),
    ...(o.syncName && o.syncNamespace ? { sync: { name: o.syncName, namespace: o.syncNamespace } } : {}),
    ...(o.config ? { config: o.config } : {}),
    ...(o.sync ? { syncFile: o.sync } : {}),
    ...(o.chart ? { chart: o.chart } : {}),
    ...(o.objects ? { objects: o.objects } : {}),
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
  return withIO(withSyncOptions(cmd), io)
    .option(
      '--objects <file...>',
      'with --sync: YAML files holding the ConfigMaps and Secrets that valuesFrom and substituteFrom read',
    )
    .action(async (dir: string | undefined, o: SyncOptionValues) => {
      io.setExitCode(await runBuild(syncArgsOf(cmd, dir, o), io));
    });
}
