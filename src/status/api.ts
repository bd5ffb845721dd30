/**
 * The read-only JSON status API (docs/status.md), served on the metrics port. Only GET (and HEAD) are routed,
 * so the server answers every other method with 405 and an Allow header.
 */
import type { HttpResponse, Route } from '../server/server.js';
import type { StatusSnapshot } from './model.js';
import type { StatusService } from './service.js';

export const API_PREFIX = '/api/v1';

const JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  // A status view is stale in seconds; no proxy or browser may keep one.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function jsonResponse(status: number, body: unknown): HttpResponse {
  return { status, headers: { ...JSON_HEADERS }, body: `${JSON.stringify(body)}\n` };
}

function notFound(message: string): HttpResponse {
  return jsonResponse(404, { error: 'NotFound', message });
}

/** `<namespace>/<name>` after the prefix, percent-decoded; undefined for anything else. */
export function parseSyncPath(rest: string): { namespace: string; name: string } | undefined {
  const parts = rest.split('/');
  if (parts.length !== 2) return undefined;
  try {
    const [namespace = '', name = ''] = parts.map(decodeURIComponent);
    return namespace && name ? { namespace, name } : undefined;
  } catch {
    return undefined; // malformed percent-encoding
  }
}

/** The API's routes; every request builds a fresh snapshot from the agent's caches. */
export function statusApiRoutes(service: StatusService): Route[] {
  const get = (path: string, pick: (s: StatusSnapshot) => unknown): Route => ({
    method: 'GET',
    path,
    handler: async () => jsonResponse(200, pick(await service.snapshot())),
  });
  const syncPrefix = `${API_PREFIX}/syncs/`;
  return [
    get(`${API_PREFIX}/status`, (s) => s),
    get(`${API_PREFIX}/syncs`, (s) => ({ generatedAt: s.generatedAt, items: s.syncs })),
    get(`${API_PREFIX}/sources`, (s) => ({ generatedAt: s.generatedAt, items: s.sources })),
    get(`${API_PREFIX}/images`, (s) => ({ generatedAt: s.generatedAt, ...s.images })),
    get(`${API_PREFIX}/events`, (s) => ({ generatedAt: s.generatedAt, items: s.events })),
    {
      method: 'GET',
      path: syncPrefix,
      prefix: true,
      handler: async (req) => {
        const key = parseSyncPath(req.path.slice(syncPrefix.length));
        if (!key) return notFound('expected /api/v1/syncs/<namespace>/<name>');
        const sync = (await service.snapshot()).syncs.find(
          (s) => s.namespace === key.namespace && s.name === key.name,
        );
        return sync ? jsonResponse(200, sync) : notFound(`Sync ${key.namespace}/${key.name} not found`);
      },
    },
  ];
}
