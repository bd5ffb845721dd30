/**
 * Flux's reconcile-request contract, from the client's side: write a new value to the
 * `steward.dev/reconcile-requested-at` annotation, then wait until the object's status reports that value
 * in `lastHandledReconcileAt`, and read the outcome from its Ready condition.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RECONCILE_REQUEST_ANNOTATION } from '../core/constants.js';
import type { Obj } from '../kube/index.js';
import type { Cluster, ClusterIO } from './cluster.js';
import { about } from './cluster.js';
import { CliError, ClusterExit } from './exit-codes.js';
import { conditionOf, isSuspended, revisionOf } from './object-view.js';
import { oneLine } from './table.js';
import type { Target } from './target.js';
import { readTarget } from './target.js';

/** How long to wait for the request to be handled. */
export interface WaitLimit {
  timeoutMs: number;
  /** The timeout as the user wrote it, for messages. */
  timeout: string;
}

// One GET per half second: quick to notice the outcome, negligible load on the API server.
const POLL_MS = 500;

/** `now` as Go's time.RFC3339Nano writes it in UTC (the value `flux reconcile` writes): no trailing zeros. */
export function requestTimestamp(now: Date): string {
  return now.toISOString().replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

/** The request value the object's reconciler last handled, if any. */
export function handledAt(obj: Obj): string | undefined {
  const status = obj.status as { lastHandledReconcileAt?: unknown } | undefined;
  return typeof status?.lastHandledReconcileAt === 'string' ? status.lastHandledReconcileAt : undefined;
}

/** What became of a handled request: Ready or not, in one line naming the object. */
export function outcomeOf(subject: string, obj: Obj): { ready: boolean; text: string } {
  const ready = conditionOf(obj, 'Ready');
  if (!ready) return { ready: false, text: `${subject} has no Ready condition` };
  const message = oneLine(ready.message);
  if (ready.status !== 'True') {
    return { ready: false, text: `${subject} is not Ready (${ready.reason || ready.status}): ${message}` };
  }
  const revision = revisionOf(obj);
  const rev = revision && !message.includes(revision) ? ` (revision ${revision})` : '';
  return { ready: true, text: `${subject} is Ready: ${message}${rev}` };
}

/**
 * Requests a reconcile of `t` (with `extraPatch` merged into the same patch, as `resume` does) and waits
 * for it; prints the outcome and returns the exit code. A suspended object is refused unless `resuming`:
 * its reconciler would never handle the request.
 */
export async function reconcileAndWait(
  cluster: Cluster,
  t: Target,
  io: ClusterIO,
  limit: WaitLimit,
  o: { resuming?: boolean } = {},
): Promise<number> {
  const live = await readTarget(cluster, t);
  if (isSuspended(live) && !o.resuming) {
    const ns = t.namespace ? ` -n ${t.namespace}` : '';
    throw new CliError(
      ClusterExit.Failed,
      `${t.subject} is suspended: resume it with "steward resume ${t.kind.singular} ${t.name}${ns}"`,
    );
  }
  const at = requestTimestamp(io.now?.() ?? new Date());
  const patch = {
    metadata: { annotations: { [RECONCILE_REQUEST_ANNOTATION]: at } },
    ...(o.resuming ? { spec: { suspend: null } } : {}),
  };
  await about(cluster, t.subject, () => cluster.mergePatch(t.kind, t.namespace, t.name, patch));
  io.stdout(`${t.subject}: ${o.resuming ? 'resumed, reconcile' : 'reconcile'} requested at ${at}\n`);
  const handled = await waitForHandled(cluster, t, at, limit, io);
  const outcome = outcomeOf(t.subject, handled);
  if (!outcome.ready) {
    io.stderr(`error: ${outcome.text}\n`);
    return ClusterExit.Failed;
  }
  io.stdout(`${outcome.text}\n`);
  return ClusterExit.Ok;
}

/** Reads `t` until its status reports request `at` as handled; a CliError (exit 1) at the time limit. */
async function waitForHandled(
  cluster: Cluster,
  t: Target,
  at: string,
  limit: WaitLimit,
  io: ClusterIO,
): Promise<Obj> {
  const deadline = Date.now() + limit.timeoutMs;
  for (;;) {
    const obj = await readTarget(cluster, t);
    if (handledAt(obj) === at) return obj;
    const left = deadline - Date.now();
    if (left <= 0 || io.signal?.aborted) {
      const ready = conditionOf(obj, 'Ready');
      const last = ready ? `; Ready is ${ready.status} (${ready.reason}): ${oneLine(ready.message)}` : '';
      throw new CliError(
        ClusterExit.Failed,
        `${t.subject}: timed out after ${limit.timeout} waiting for the reconcile requested at ${at} to be handled${last}`,
      );
    }
    await sleep(Math.min(POLL_MS, left), undefined, io.signal ? { signal: io.signal } : {}).catch(() => {});
  }
}
