/**
 * The trigger's cluster adapter: JSON merge patches (RFC 7386) and label-selected lists over the agent's
 * kubeconfig. A merge patch, not a server-side apply: the annotation is the user's contract with the
 * controller (Flux's requestedAt), and an apply would make Steward an owner of that field and would create
 * the object if it had been deleted in the meantime.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { errorFromResponse } from '../kube/errors.js';
import type { KubeClient } from '../kube/index.js';
import { KubeError } from '../kube/index.js';
import { objectPath } from '../kube/paths.js';
import { Transport } from '../kube/transport.js';
import type { ObjectKey, ObjectPatcher } from './trigger.js';

export interface KubePatcherOptions {
  userAgent: string;
  /** Per attempt; a webhook call waits for its writes, and Git hosts give up after about 10 s. */
  timeoutMs?: number;
}

/** An {@link ObjectPatcher} over `client` (discovery, lists) and a transport of the same kubeconfig (patches). */
export function kubePatcher(kc: KubeConfig, client: KubeClient, opts: KubePatcherOptions): ObjectPatcher {
  const transport = new Transport(kc, {
    userAgent: opts.userAgent,
    impersonate: undefined,
    timeoutMs: opts.timeoutMs ?? 5_000,
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterSeconds: 2 },
  });
  return {
    async mergePatch(ref: ObjectKey, patch: object) {
      const info = await client.discover(ref.apiVersion, ref.kind);
      if (!info) {
        throw new KubeError(
          404,
          'NotFound',
          `no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`,
        );
      }
      const path = objectPath(
        ref.apiVersion,
        info.plural,
        info.namespaced,
        ref.namespace || undefined,
        ref.name,
      );
      const res = await transport.request('PATCH', path, {
        body: JSON.stringify(patch),
        contentType: 'application/merge-patch+json',
      });
      if (res.status === 404) return false;
      if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body, res.retryAfter);
      return true;
    },
    async listNames(apiVersion, kind, namespace, labelSelector) {
      const items = await client.list(apiVersion, kind, { namespace, labelSelector });
      return items.map((o) => String((o.metadata as { name?: unknown } | undefined)?.name ?? ''));
    },
  };
}
