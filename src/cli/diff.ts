/**
 * `steward diff <dir>`: renders as `steward build` does (with the cluster's discovery for scope, as the agent),
 * then asks the cluster for a server-side dry-run apply of each object and prints what would change. Exit
 * codes as `kubectl diff`: 0 no difference, 1 differences, 2 an error.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { Command } from 'commander';
import type { DiffReport } from '../diff/index.js';
import { DiffExit, diffPlan, formatReport, planForCluster, previewPrune } from '../diff/index.js';
import { kubeClient } from '../kube/index.js';
import type { KubeClient } from '../kube/types.js';
import { buildHelmLocal } from '../reconcile/helm-local.js';
import { ownerLabels } from '../render/index.js';
import type { CliIO, CommandIO, SyncArgs, SyncOptionValues } from './build.js';
import {
  agentConfig,
  errorMessage,
  helmInput,
  processIO,
  renderSettings,
  syncArgsOf,
  syncFileArgs,
  withIO,
  withSyncOptions,
} from './build.js';

/** `steward diff`'s arguments: the Sync's settings and the cluster to ask. */
export interface DiffArgs extends SyncArgs {
  /** The kubeconfig file; the default loading rules ($KUBECONFIG, ~/.kube/config, in-cluster) otherwise. */
  kubeconfig?: string;
}

/** CliIO plus how to reach the cluster. */
export interface DiffIO extends CliIO {
  connect(kubeconfig: string | undefined): KubeClient;
}

/** Diffs the render of `args.dir` against the cluster; writes the diff to `io.stdout` and returns the exit code. */
export async function runDiff(args: DiffArgs, io: DiffIO): Promise<number> {
  let report: DiffReport;
  try {
    const config = await agentConfig(args.config);
    const client = io.connect(args.kubeconfig);
    const fromSync = args.syncFile ? await syncFileArgs(args, client) : undefined;
    const a = fromSync ? fromSync.args : args;
    // A chart's hooks are not diffed: they are not kept in the cluster, and run again when the release changes.
    const planned = fromSync?.sync.spec.helm
      ? (await buildHelmLocal({ ...helmInput(fromSync, config, io.pathEnv), client })).plan.main
      : await planForCluster(client, a.dir, {
          path: a.path,
          ...renderSettings(config, io.pathEnv),
          vars: a.substitute,
          ...(a.targetNamespace ? { targetNamespace: a.targetNamespace } : {}),
          ...(a.sync ? { ownerLabels: ownerLabels(a.sync) } : {}),
        });
    const opts = { fieldManager: config.fieldManager, knownControllers: config.knownControllers };
    report = {
      objects: await diffPlan(client, planned, opts),
      ...(a.sync ? { prune: await previewPrune(client, planned, a.sync) } : {}),
    };
  } catch (err) {
    io.stderr(`error: ${errorMessage(err)}\n`);
    return DiffExit.Error;
  }
  const { out, err, exitCode } = formatReport(report);
  io.stdout(out);
  io.stderr(err);
  return exitCode;
}

/** Connects with a kubeconfig file, or with client-node's default loading rules. */
export function connectWith(kubeconfig: string | undefined): KubeClient {
  const kc = new KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault();
  return kubeClient(kc, { userAgent: 'steward-diff' });
}

/** The `steward diff` command. */
export function diffCommand(io: CommandIO & Partial<Pick<DiffIO, 'connect'>> = processIO()): Command {
  const cmd = new Command('diff').description(
    'show what the agent would change in the cluster: a server-side dry-run apply of the render, per object',
  );
  return withIO(withSyncOptions(cmd), io)
    .option(
      '--kubeconfig <file>',
      'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, then in-cluster)',
    )
    .action(async (dir: string | undefined, o: SyncOptionValues & { kubeconfig?: string }) => {
      const args: DiffArgs = {
        ...syncArgsOf(cmd, dir, o),
        ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
      };
      io.setExitCode(await runDiff(args, { ...io, connect: io.connect ?? connectWith }));
    });
}
