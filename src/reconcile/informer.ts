/**
 * List-then-watch of one kind, re-listing when the watch ends or expires (client-go's reflector, small).
 * Calls back with every object it sees; deletions too.
 */
import type { KubeClient, Obj } from '../kube/index.js';

export type InformerEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface InformerOptions {
  labelSelector?: string;
  /** Pause after an error before re-listing. */
  retryMs: number;
  onError: (err: unknown) => void;
}

export function runInformer(
  client: KubeClient,
  apiVersion: string,
  kind: string,
  opts: InformerOptions,
  onEvent: (type: InformerEvent, obj: Obj) => void,
  signal: AbortSignal,
): Promise<void> {
  const loop = async () => {
    const known = new Map<string, Obj>();
    const keyOf = (o: Obj) => {
      const m = (o.metadata ?? {}) as { namespace?: string; name?: string };
      return `${m.namespace ?? ''}/${m.name ?? ''}`;
    };
    while (!signal.aborted) {
      try {
        const items = await client.list(
          apiVersion,
          kind,
          opts.labelSelector ? { labelSelector: opts.labelSelector } : {},
        );
        const seen = new Set<string>();
        let rv = '0';
        for (const o of items) {
          const k = keyOf(o);
          seen.add(k);
          known.set(k, o);
          onEvent('ADDED', o);
          const orv = String(
            (o.metadata as { resourceVersion?: string } | undefined)?.resourceVersion ?? '0',
          );
          if (Number(orv) > Number(rv)) rv = orv;
        }
        for (const [k, o] of known) {
          if (!seen.has(k)) {
            known.delete(k);
            onEvent('DELETED', o);
          }
        }
        await client.watch(
          apiVersion,
          kind,
          {
            ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
            resourceVersion: rv,
            timeoutSeconds: 300,
          },
          (type, obj) => {
            if (type === 'ERROR') return; // 410 and friends: the stream closes, and we re-list
            if (type === 'BOOKMARK') return;
            const k = keyOf(obj);
            if (type === 'DELETED') known.delete(k);
            else known.set(k, obj);
            onEvent(type as InformerEvent, obj);
          },
          signal,
        );
      } catch (err) {
        if (signal.aborted) return;
        opts.onError(err);
        await new Promise((r) => setTimeout(r, opts.retryMs));
      }
    }
  };
  return loop();
}
