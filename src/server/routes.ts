import type { IncomingHttpHeaders } from 'node:http';

/** A request as route handlers see it: the body already read (within the size limit). */
export interface HttpRequest {
  method: string;
  /** The path without the query string, not percent-decoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw bytes, so webhook handlers can verify an HMAC over exactly what was sent. */
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Handles one request. `signal` aborts if the client goes away first. */
export type RouteHandler = (req: HttpRequest, signal: AbortSignal) => HttpResponse | Promise<HttpResponse>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An extra endpoint served beside /metrics, /healthz and /readyz (the status API, receiver webhooks). */
export interface Route {
  method: HttpMethod;
  /** The exact path, or with `prefix` every path under it (e.g. `/hook/` for `/hook/<token>`). */
  path: string;
  prefix?: boolean;
  handler: RouteHandler;
}

export type RouteMatch = { route: Route } | { allow: HttpMethod[] } | undefined;

/**
 * Finds the route for a request. A path served under other methods yields the methods to list in a 405's Allow
 * header; HEAD is answered by GET routes (Node leaves out the body). Exact paths win over prefixes.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const byPath = routes.filter((r) => r.path === path);
  const candidates = byPath.length > 0 ? byPath : routes.filter((r) => r.prefix && path.startsWith(r.path));
  if (candidates.length === 0) return undefined;
  const wanted = method === 'HEAD' ? 'GET' : method;
  const route = candidates.find((r) => r.method === wanted);
  return route ? { route } : { allow: [...new Set(candidates.map((r) => r.method))] };
}

/** Splits a request target into path and query without resolving it against a base URL. */
export function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  if (q < 0) return { path: target, query: new URLSearchParams() };
  return { path: target.slice(0, q), query: new URLSearchParams(target.slice(q + 1)) };
}
