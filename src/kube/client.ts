/**
 * The raw Kubernetes client: client-node's KubeConfig for credentials and TLS, JSON bodies in and out.
 * Generated models are never used (they drop unknown fields). Server-side apply sends the manifest as JSON
 * under `application/apply-patch+yaml` (JSON is YAML), exactly as rendered.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Manifest, ObjectRef } from '../core/types.js';
import { DiscoveryCache } from './discovery.js';
import { errorFromResponse, KubeError } from './errors.js';
import { apiVersionOf, collectionPath, objectPath, withQuery } from './paths.js';
import { secretRedactor } from './redact.js';
import { type HttpResponse, type RetryPolicy, Transport } from './transport.js';
import type { KubeClient, Obj, ResourceInfo } from './types.js';

export interface KubeClientOptions {
  /** Sent as User-Agent; shows in audit logs. */
  userAgent?: string;
  /** Act as this user (tenancy: a Sync applies as its tenant's service account). */
  impersonate?: { user: string; groups?: string[] };
  /** Per request attempt. Default 30 s. */
  timeoutMs?: number;
  /** Retry policy for throttling, 5xx and network errors. Default: 5 attempts, 200 ms doubling to 5 s. */
  retry?: Partial<RetryPolicy>;
}

const PAGE_SIZE = '500';
// Retries after a 409 on a status replace: another writer raced us between read and write.
const STATUS_CONFLICT_RETRIES = 3;

/** Builds a {@link KubeClient} over the current context of `kc`. */
export function kubeClient(kc: KubeConfig, opts: KubeClientOptions = {}): KubeClient {
  const transport = new Transport(kc, {
    userAgent: opts.userAgent ?? 'steward',
    impersonate: opts.impersonate,
    timeoutMs: opts.timeoutMs ?? 30_000,
    retry: { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterSeconds: 10, ...opts.retry },
  });
  const discovery = new DiscoveryCache(transport);

  /** Resolves a kind to its resource, or throws the API server's "no matches for kind" as a 404. */
  async function resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const info = await discovery.lookup(apiVersion, kind);
    if (!info)
      throw new KubeError(404, 'NotFound', `no matches for kind "${kind}" in version "${apiVersion}"`);
    return info;
  }

  async function pathOf(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    sub?: string,
  ): Promise<string> {
    const info = await resource(apiVersion, kind);
    if (info.namespaced && !namespace) {
      throw new KubeError(400, 'BadRequest', `${kind} "${name}" is namespaced but has no namespace`);
    }
    return objectPath(apiVersion, info.plural, info.namespaced, namespace, name, sub);
  }

  async function json(method: string, path: string, body?: unknown, contentType?: string): Promise<Obj> {
    const init =
      body === undefined
        ? {}
        : { body: JSON.stringify(body), contentType: contentType ?? 'application/json' };
    const res = await transport.request(method, path, init);
    return parse(res);
  }

  const client: KubeClient = {
    discover: (apiVersion, kind) => discovery.lookup(apiVersion, kind),

    async get(ref: ObjectRef) {
      const apiVersion = apiVersionOf(ref.group, ref.version);
      const info = await discovery.lookup(apiVersion, ref.kind);
      // An unserved kind has no objects: a CR whose CRD is gone is as absent as a deleted one.
      if (!info) return undefined;
      const path = objectPath(apiVersion, info.plural, info.namespaced, ref.namespace || undefined, ref.name);
      const res = await transport.request('GET', path);
      if (res.status === 404) return undefined;
      return parse(res);
    },

    async list(apiVersion, kind, o = {}) {
      const info = await resource(apiVersion, kind);
      const base = collectionPath(apiVersion, info.plural, info.namespaced, o.namespace);
      const items: Obj[] = [];
      let cont: string | undefined;
      do {
        const page = await json(
          'GET',
          withQuery(base, { labelSelector: o.labelSelector, limit: PAGE_SIZE, continue: cont }),
        );
        // Built-in list items carry no kind/apiVersion (kubernetes#3030); callers get complete objects.
        for (const item of Array.isArray(page.items) ? page.items : [])
          items.push({ apiVersion, kind, ...item });
        const meta = page.metadata as { continue?: unknown } | undefined;
        cont = typeof meta?.continue === 'string' && meta.continue !== '' ? meta.continue : undefined;
      } while (cont !== undefined);
      return items;
    },

    async apply(manifest: Manifest, o) {
      const { apiVersion, kind, metadata } = manifest;
      const path = await pathOf(apiVersion, kind, metadata.namespace, metadata.name);
      const query = {
        fieldManager: o.fieldManager,
        force: o.force ? 'true' : undefined,
        dryRun: o.dryRun ? 'All' : undefined,
      };
      try {
        return await json('PATCH', withQuery(path, query), manifest, 'application/apply-patch+yaml');
      } catch (err) {
        // Redact at the boundary: no caller should ever hold a message with a Secret value in it.
        if (err instanceof KubeError) throw err.mapMessages(secretRedactor(manifest));
        throw err;
      }
    },

    async patchStatus(apiVersion, kind, namespace, name, status, fieldManager) {
      const path = await pathOf(apiVersion, kind, namespace, name, 'status');
      const body = { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, status };
      const query = { fieldManager, force: 'true' };
      return json('PATCH', withQuery(path, query), body, 'application/apply-patch+yaml');
    },

    async replaceStatus(apiVersion, kind, namespace, name, status, fieldManager) {
      const objPath = await pathOf(apiVersion, kind, namespace, name);
      for (let attempt = 1; ; attempt++) {
        const live = await json('GET', objPath);
        try {
          return await json('PUT', withQuery(`${objPath}/status`, { fieldManager }), { ...live, status });
        } catch (err) {
          if (!(err instanceof KubeError) || err.code !== 409 || attempt >= STATUS_CONFLICT_RETRIES)
            throw err;
        }
      }
    },

    async delete(ref, o = {}) {
      const apiVersion = apiVersionOf(ref.group, ref.version);
      const info = await discovery.lookup(apiVersion, ref.kind);
      if (!info) return 'notfound';
      const path = objectPath(apiVersion, info.plural, info.namespaced, ref.namespace || undefined, ref.name);
      const body = {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: o.propagationPolicy ?? 'Background',
      };
      const res = await transport.request('DELETE', path, {
        body: JSON.stringify(body),
        contentType: 'application/json',
      });
      if (res.status === 404) return 'notfound';
      parse(res);
      return 'deleted';
    },

    async watch(apiVersion, kind, o, onEvent, signal) {
      const info = await resource(apiVersion, kind);
      const path = withQuery(collectionPath(apiVersion, info.plural, info.namespaced, o.namespace), {
        watch: 'true',
        allowWatchBookmarks: 'true',
        labelSelector: o.labelSelector,
        resourceVersion: o.resourceVersion,
        timeoutSeconds: String(o.timeoutSeconds ?? 300),
      });
      await transport.stream(
        path,
        (line) => {
          let ev: unknown;
          try {
            ev = JSON.parse(line);
          } catch {
            return; // client-go and client-node drop unparseable lines too.
          }
          if (typeof ev !== 'object' || ev === null) return;
          const { type, object } = ev as { type?: unknown; object?: unknown };
          if (typeof type === 'string' && typeof object === 'object' && object !== null) {
            onEvent(type, object as Obj);
          }
        },
        signal,
      );
    },

    async createEvent(event) {
      const apiVersion = typeof event.apiVersion === 'string' ? event.apiVersion : 'v1';
      const meta = (event.metadata ?? {}) as { namespace?: string };
      const info = await resource(apiVersion, 'Event');
      await json(
        'POST',
        collectionPath(apiVersion, info.plural, info.namespaced, meta.namespace ?? 'default'),
        {
          kind: 'Event',
          ...event,
          apiVersion,
        },
      );
    },
  };
  return client;
}

function parse(res: HttpResponse): Obj {
  if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body, res.retryAfter);
  try {
    const v: unknown = JSON.parse(res.body);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
  } catch {
    // fall through
  }
  throw new KubeError(
    res.status,
    'InvalidResponse',
    'the server answered with a body that is not a JSON object',
  );
}
