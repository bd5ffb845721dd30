/**
 * `steward reconcile <kind> <name>`: asks the agent to reconcile one object now and waits for the outcome,
 * as `flux reconcile` does; `--with-source` first reconciles the object's spec.sourceRef.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../api/index.js';
import { processIO, withIO } from './build.js';
import type { ClusterIO } from './cluster.js';
import { runWithCluster } from './cluster.js';
import { CliError, ClusterExit, EXIT_CODES_HELP } from './exit-codes.js';
import type { KubeArgs } from './kube-args.js';
import { kubeArgsOf, withKubeOptions } from './kube-args.js';
import type { WaitLimit } from './reconcile-request.js';
import { reconcileAndWait } from './reconcile-request.js';
import { kindNamed, readTarget, targetOf } from './target.js';

export interface ReconcileArgs extends KubeArgs {
  kind: string;
  name: string;
  /** Reconcile the object's spec.sourceRef first and wait for it. */
  withSource: boolean;
  limit: WaitLimit;
}

/** Default of `--timeout`, Flux's. */
export const DEFAULT_WAIT_TIMEOUT = '5m';

/** Requests the reconcile(s), waits, prints the outcome; returns the exit code. */
export function runReconcile(args: ReconcileArgs, io: ClusterIO): Promise<number> {
  return runWithCluster(args, io, async (cluster) => {
    const target = targetOf(await kindNamed(cluster, args.kind), cluster.namespace, args.name);
    if (args.withSource) {
      const ref = sourceRefOf(await readTarget(cluster, target));
      if (!ref) throw new CliError(ClusterExit.Usage, `${target.subject} has no spec.sourceRef`);
      const source = targetOf(
        await kindNamed(cluster, ref.kind),
        ref.namespace ?? target.namespace,
        ref.name,
      );
      const code = await reconcileAndWait(cluster, source, io, args.limit);
      if (code !== ClusterExit.Ok) return code;
    }
    return reconcileAndWait(cluster, target, io, args.limit);
  });
}

function sourceRefOf(
  obj: Record<string, unknown>,
): { kind: string; name: string; namespace?: string } | undefined {
  const spec = obj.spec as
    | { sourceRef?: { kind?: unknown; name?: unknown; namespace?: unknown } }
    | undefined;
  const ref = spec?.sourceRef;
  if (typeof ref?.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  return {
    kind: ref.kind,
    name: ref.name,
    ...(typeof ref.namespace === 'string' ? { namespace: ref.namespace } : {}),
  };
}

/** The `--timeout` option: a Go duration, parsed to a WaitLimit. */
export function timeoutOption(): Option {
  return new Option('--timeout <duration>', 'how long to wait for the reconcile (Go duration: 30s, 5m)')
    .default(
      { timeoutMs: parseDuration(DEFAULT_WAIT_TIMEOUT), timeout: DEFAULT_WAIT_TIMEOUT },
      DEFAULT_WAIT_TIMEOUT,
    )
    .argParser(parseLimit);
}

function parseLimit(value: string): WaitLimit {
  try {
    const timeoutMs = parseDuration(value);
    if (timeoutMs <= 0) throw new Error('must be positive');
    return { timeoutMs, timeout: value };
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

/** The `steward reconcile` command. */
export function reconcileCommand(io: ClusterIO = processIO()): Command {
  const cmd = new Command('reconcile')
    .description(
      'ask the agent to reconcile an object now and wait for the outcome (Ready, revision, message)',
    )
    .argument('<kind>', 'a Steward kind (sync, gitrepository, ...)')
    .argument('<name>', 'the object')
    .option('--with-source', "reconcile the object's spec.sourceRef first and wait for it", false)
    .addOption(timeoutOption())
    .addHelpText('after', EXIT_CODES_HELP);
  return withIO(withKubeOptions(cmd), io).action(
    async (
      kind: string,
      name: string,
      o: { withSource: boolean; timeout: WaitLimit } & Parameters<typeof kubeArgsOf>[0],
    ) => {
      const args: ReconcileArgs = {
        ...kubeArgsOf(o),
        kind,
        name,
        withSource: o.withSource,
        limit: o.timeout,
      };
      io.setExitCode(await runReconcile(args, io));
    },
  );
}
