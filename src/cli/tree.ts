/**
 * `steward tree sync <name>`: what a Sync applied, from its status.inventory, as a tree; a Sync it applied
 * (a platform Sync creating tenants' Syncs) is expanded in place, as `flux tree kustomization` does.
 */
import { Command } from 'commander';
import { API_GROUP } from '../core/constants.js';
import type { ObjectRef } from '../core/types.js';
import { refString } from '../core/types.js';
import { processIO, withIO } from './build.js';
import type { Cluster, ClusterIO } from './cluster.js';
import { about, runWithCluster } from './cluster.js';
import { ClusterExit, EXIT_CODES_HELP } from './exit-codes.js';
import { resolveKind } from './kinds.js';
import type { KubeArgs } from './kube-args.js';
import { kubeArgsOf, withKubeOptions } from './kube-args.js';
import type { OutputFormat } from './output.js';
import { outputOption, serialize } from './output.js';
import { kindNamed, readTarget, refOf, targetOf } from './target.js';
import type { TreeNode } from './tree-view.js';
import { groupByKind, inventoryRefs, renderTree, treeData } from './tree-view.js';

export interface TreeArgs extends KubeArgs {
  kind: string;
  name: string;
  output: OutputFormat;
}

// Syncs applying Syncs nest a few levels at most; the bound keeps a cycle or a runaway chain finite.
const MAX_DEPTH = 16;

/** Prints the tree; returns the exit code. */
export function runTree(args: TreeArgs, io: ClusterIO): Promise<number> {
  return runWithCluster(args, io, async (cluster) => {
    const target = targetOf(await kindNamed(cluster, args.kind), cluster.namespace, args.name);
    const obj = await readTarget(cluster, target);
    const refs = inventoryRefs(obj);
    if (refs === undefined) io.stderr(`${target.subject} has no inventory yet: it has applied nothing\n`);
    const seen = new Set([refString(refOf(target))]);
    const children = await expand(cluster, groupByKind(refs ?? []), seen, 1);
    const root: TreeNode = { ref: refOf(target), children };
    io.stdout(args.output === 'table' ? renderTree(root) : serialize(treeData(root), args.output));
    return ClusterExit.Ok;
  });
}

/** Nodes for `refs`, each Steward object that has an inventory of its own expanded below it. */
async function expand(
  cluster: Cluster,
  refs: readonly ObjectRef[],
  seen: Set<string>,
  depth: number,
): Promise<TreeNode[]> {
  const nodes: TreeNode[] = [];
  for (const ref of refs) {
    nodes.push({ ref, children: await childrenOf(cluster, ref, seen, depth) });
  }
  return nodes;
}

async function childrenOf(
  cluster: Cluster,
  ref: ObjectRef,
  seen: Set<string>,
  depth: number,
): Promise<TreeNode[]> {
  const key = refString(ref);
  if (ref.group !== API_GROUP || depth >= MAX_DEPTH || seen.has(key)) return [];
  seen.add(key);
  const kind = resolveKind(await cluster.stewardKinds(), ref.kind);
  if (!kind || kind.kind !== ref.kind) return [];
  const obj = await about(cluster, key, () => cluster.client.get(ref));
  const refs = obj ? inventoryRefs(obj) : undefined;
  return refs ? expand(cluster, groupByKind(refs), seen, depth + 1) : [];
}

/** The `steward tree` command. */
export function treeCommand(io: ClusterIO = processIO()): Command {
  const cmd = new Command('tree')
    .description('show what a Sync applied (its inventory) as a tree, grouped by kind; Syncs it applied nest')
    .argument('<kind>', 'sync')
    .argument('<name>', 'the Sync')
    .addOption(outputOption())
    .addHelpText('after', EXIT_CODES_HELP);
  return withIO(withKubeOptions(cmd), io).action(
    async (kind: string, name: string, o: Parameters<typeof kubeArgsOf>[0] & { output: OutputFormat }) => {
      io.setExitCode(await runTree({ ...kubeArgsOf(o), kind, name, output: o.output }, io));
    },
  );
}
