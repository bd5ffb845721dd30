/** Watches for deletions during a test, re-watching after stream ends, so a test can assert nothing was deleted. */
import type { KubeClient } from '../../src/kube/index.js';

export interface DeletionTarget {
  apiVersion: string;
  kind: string;
  /** Watch one namespace; without it the watch is cluster-wide. */
  namespace?: string;
  /** Record only the object of this name. */
  name?: string;
}

/** Records `Kind/name` of every DELETED event of the targets until `signal` aborts; watch errors go to `errors`. */
export function watchDeletions(
  client: KubeClient,
  signal: AbortSignal,
  targets: readonly DeletionTarget[],
): { deleted: string[]; errors: string[] } {
  const out = { deleted: [] as string[], errors: [] as string[] };
  const run = async ({ apiVersion, kind, namespace, name }: DeletionTarget) => {
    let rv: string | undefined;
    while (!signal.aborted) {
      try {
        await client.watch(
          apiVersion,
          kind,
          { ...(namespace ? { namespace } : {}), ...(rv ? { resourceVersion: rv } : {}), timeoutSeconds: 60 },
          (type, obj) => {
            const meta = (obj.metadata ?? {}) as { name?: string; resourceVersion?: string };
            if (type === 'ERROR') out.errors.push(`${kind}: ${JSON.stringify(obj)}`);
            else rv = meta.resourceVersion ?? rv;
            if (type === 'DELETED' && (name === undefined || meta.name === name))
              out.deleted.push(`${kind}/${meta.name}`);
          },
          signal,
        );
      } catch (err) {
        if (!signal.aborted) out.errors.push(`${kind}: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  for (const t of targets) void run(t);
  return out;
}
