/**
 * `steward get <kind> [name]`: Steward's objects as `flux get` shows them (READY, REVISION, SUSPENDED, AGE,
 * STATUS), or as JSON or YAML. The kinds come from discovery of group steward.dev, so a kind added later
 * works without a code change; `get all` lists every one.
 */
import { Command } from 'commander';
import type { Obj } from '../kube/index.js';
import { processIO, withIO } from './build.js';
import type { Cluster, ClusterIO } from './cluster.js';
import { about, runWithCluster } from './cluster.js';
import { CliError, ClusterExit, EXIT_CODES_HELP } from './exit-codes.js';
import type { StewardKindInfo } from './kinds.js';
import { knownKindsHint } from './kinds.js';
import type { KubeArgs } from './kube-args.js';
import { kubeArgsOf, withKubeOptions } from './kube-args.js';
import { objectTable } from './object-view.js';
import type { OutputFormat } from './output.js';
import { listOf, outputOption, serialize } from './output.js';
import { formatTable } from './table.js';
import { kindNamed, readTarget, targetOf } from './target.js';

export interface GetArgs extends KubeArgs {
  /** A Steward kind (plural, singular, Kind or short name), or `all`. */
  kind: string;
  name?: string;
  output: OutputFormat;
}

/** Prints the objects `args` selects; returns the exit code. */
export function runGet(args: GetArgs, io: ClusterIO): Promise<number> {
  return runWithCluster(args, io, async (cluster) => {
    if (args.name !== undefined && args.allNamespaces) {
      throw new CliError(ClusterExit.Usage, 'an object cannot be retrieved by name across all namespaces');
    }
    if (args.name !== undefined) return getOne(cluster, args, args.name, io);
    const kinds = args.kind === 'all' ? await allKinds(cluster) : [await kindNamed(cluster, args.kind)];
    const namespace = args.allNamespaces ? undefined : cluster.namespace;
    const lists: { kind: StewardKindInfo; items: Obj[] }[] = [];
    for (const kind of kinds) {
      const where = namespace ? `${kind.plural} in namespace ${namespace}` : kind.plural;
      const items = await about(cluster, where, () =>
        cluster.client.list(kind.apiVersion, kind.kind, namespace ? { namespace } : {}),
      );
      lists.push({ kind, items });
    }
    printLists(lists, args, namespace, io);
    return ClusterExit.Ok;
  });
}

/** Every Steward kind served; a usage error when there is none (the CRDs are not installed). */
async function allKinds(cluster: Cluster): Promise<StewardKindInfo[]> {
  const kinds = await about(cluster, 'discovery of Steward kinds', () => cluster.stewardKinds());
  if (kinds.length === 0) throw new CliError(ClusterExit.Usage, knownKindsHint(kinds));
  return kinds;
}

async function getOne(cluster: Cluster, args: GetArgs, name: string, io: ClusterIO): Promise<number> {
  if (args.kind === 'all') throw new CliError(ClusterExit.Usage, '"all" takes no object name');
  const kind = await kindNamed(cluster, args.kind);
  const obj = await readTarget(cluster, targetOf(kind, cluster.namespace, name));
  if (args.output !== 'table') io.stdout(serialize(obj, args.output));
  else {
    const { header, rows } = objectTable([obj], { allNamespaces: false, now: io.now?.() ?? new Date() });
    io.stdout(formatTable(header, rows));
  }
  return ClusterExit.Ok;
}

function printLists(
  lists: readonly { kind: StewardKindInfo; items: Obj[] }[],
  args: GetArgs,
  namespace: string | undefined,
  io: ClusterIO,
): void {
  if (args.output !== 'table') {
    io.stdout(serialize(listOf(lists.flatMap((l) => l.items)), args.output));
    return;
  }
  const shown = lists.filter((l) => l.items.length > 0);
  if (shown.length === 0) {
    io.stderr(namespace ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
    return;
  }
  const now = io.now?.() ?? new Date();
  const all = args.kind === 'all';
  const tables = shown.map(({ kind, items }) => {
    // Several kinds in one listing: name each row as `kind/name`, as `kubectl get all` and `flux get all` do.
    const { header, rows } = objectTable(items, {
      allNamespaces: args.allNamespaces === true,
      now,
      ...(all ? { namePrefix: `${kind.singular}/` } : {}),
    });
    return formatTable(header, rows);
  });
  io.stdout(tables.join('\n'));
}

/** The `steward get` command. */
export function getCommand(io: ClusterIO = processIO()): Command {
  const cmd = new Command('get')
    .description("list Steward's objects, or show one: Ready, revision, suspended, age, status message")
    .argument('<kind>', 'a Steward kind (syncs, sync, gitrepositories, gitrepo, ...), or "all"')
    .argument('[name]', 'one object')
    .addOption(outputOption())
    .addHelpText('after', EXIT_CODES_HELP);
  return withIO(withKubeOptions(cmd, { allNamespaces: true }), io).action(
    async (
      kind: string,
      name: string | undefined,
      o: { output: OutputFormat } & Parameters<typeof kubeArgsOf>[0],
    ) => {
      const args: GetArgs = { ...kubeArgsOf(o), kind, output: o.output, ...(name ? { name } : {}) };
      io.setExitCode(await runGet(args, io));
    },
  );
}
