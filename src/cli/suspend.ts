/**
 * `steward suspend` and `steward resume`: set spec.suspend (the agent then leaves the object alone, and
 * what it applied stays), or remove it and, as `flux resume` does, request a reconcile and wait for it.
 */
import { Command } from 'commander';
import { processIO, withIO } from './build.js';
import type { ClusterIO } from './cluster.js';
import { about, runWithCluster } from './cluster.js';
import { ClusterExit, EXIT_CODES_HELP } from './exit-codes.js';
import type { KubeArgs } from './kube-args.js';
import { kubeArgsOf, withKubeOptions } from './kube-args.js';
import { timeoutOption } from './reconcile.js';
import type { WaitLimit } from './reconcile-request.js';
import { reconcileAndWait } from './reconcile-request.js';
import { kindNamed, readTarget, targetOf } from './target.js';

export interface SuspendArgs extends KubeArgs {
  kind: string;
  name: string;
}

export interface ResumeArgs extends SuspendArgs {
  /** Wait for the reconcile that resuming requests (default); without it, only resume. */
  wait: boolean;
  limit: WaitLimit;
}

/** Sets spec.suspend to true; returns the exit code. */
export function runSuspend(args: SuspendArgs, io: ClusterIO): Promise<number> {
  return runWithCluster(args, io, async (cluster) => {
    const t = targetOf(await kindNamed(cluster, args.kind), cluster.namespace, args.name);
    await readTarget(cluster, t); // a missing object is "not found", not a failed patch
    await about(cluster, t.subject, () =>
      cluster.mergePatch(t.kind, t.namespace, t.name, { spec: { suspend: true } }),
    );
    io.stdout(`${t.subject} suspended\n`);
    return ClusterExit.Ok;
  });
}

/** Removes spec.suspend and requests a reconcile in the same patch, then waits for it unless told not to. */
export function runResume(args: ResumeArgs, io: ClusterIO): Promise<number> {
  return runWithCluster(args, io, async (cluster) => {
    const t = targetOf(await kindNamed(cluster, args.kind), cluster.namespace, args.name);
    if (args.wait) return reconcileAndWait(cluster, t, io, args.limit, { resuming: true });
    await readTarget(cluster, t);
    await about(cluster, t.subject, () =>
      cluster.mergePatch(t.kind, t.namespace, t.name, { spec: { suspend: null } }),
    );
    io.stdout(`${t.subject} resumed\n`);
    return ClusterExit.Ok;
  });
}

type Parsed = Parameters<typeof kubeArgsOf>[0];

/** The `steward suspend` command. */
export function suspendCommand(io: ClusterIO = processIO()): Command {
  const cmd = new Command('suspend')
    .description('stop the agent reconciling an object (sets spec.suspend); what it applied stays')
    .argument('<kind>', 'a Steward kind (sync, gitrepository, ...)')
    .argument('<name>', 'the object')
    .addHelpText('after', EXIT_CODES_HELP);
  return withIO(withKubeOptions(cmd), io).action(async (kind: string, name: string, o: Parsed) => {
    io.setExitCode(await runSuspend({ ...kubeArgsOf(o), kind, name }, io));
  });
}

/** The `steward resume` command. */
export function resumeCommand(io: ClusterIO = processIO()): Command {
  const cmd = new Command('resume')
    .description('resume a suspended object (removes spec.suspend), reconcile it and wait for the outcome')
    .argument('<kind>', 'a Steward kind (sync, gitrepository, ...)')
    .argument('<name>', 'the object')
    .option('--no-wait', 'resume without waiting for the reconcile')
    .addOption(timeoutOption())
    .addHelpText('after', EXIT_CODES_HELP);
  return withIO(withKubeOptions(cmd), io).action(
    async (kind: string, name: string, o: Parsed & { wait: boolean; timeout: WaitLimit }) => {
      const args: ResumeArgs = { ...kubeArgsOf(o), kind, name, wait: o.wait, limit: o.timeout };
      io.setExitCode(await runResume(args, io));
    },
  );
}
