import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../metrics/metrics.js';
import { BodyTooLargeError, readBody } from './body.js';
import { type HttpRequest, type HttpResponse, matchRoute, type Route, splitTarget } from './routes.js';

export type { HttpMethod, HttpRequest, HttpResponse, Route, RouteHandler } from './routes.js';

/**
 * Webhook payloads (GitHub push events, Alertmanager batches) stay well under this; anything larger is refused
 * before it is buffered.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface HttpTimeouts {
  /** Time allowed to receive the request headers (slowloris guard). */
  headersMs: number;
  /** Time allowed to receive the whole request. */
  requestMs: number;
  /** How long an idle keep-alive connection stays open between scrapes. */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = Object.freeze({
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
});

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; the started server reports the one it got. */
  port: number;
  metrics: Pick<Metrics, 'registry'>;
  /** Readiness as /readyz reports it: false until caches are synced and the agent can do useful work. */
  ready: () => boolean;
  /** Extra endpoints: the status API, receiver webhooks. They cannot replace the built-in paths. */
  routes?: readonly Route[];
  maxBodyBytes?: number;
  timeouts?: Partial<HttpTimeouts>;
  /** Told of handler failures; the client only gets a bare 500, since error text may carry internals. */
  onError?: (err: unknown, req: { method: string; path: string }) => void;
}

export interface RunningHttpServer {
  port: number;
  /** Stops accepting connections, closes idle keep-alive ones, and resolves when in-flight requests are done. */
  close(): Promise<void>;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/**
 * Serves the agent's HTTP surface on node:http: /metrics, /healthz, /readyz and any extra routes. Plain node:http
 * because the surface is a handful of fixed paths; a framework would add dependencies and hide the timeouts this
 * server must set.
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const routes = [...builtinRoutes(opts), ...(opts.routes ?? [])];
  for (const extra of opts.routes ?? []) {
    if (extra.path === '/metrics' || extra.path === '/healthz' || extra.path === '/readyz') {
      throw new Error(`route ${extra.method} ${extra.path} would shadow a built-in endpoint`);
    }
  }

  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Node checks the two timeouts above only this often (30 s by default), which would let a slow client
      // hold a connection up to 30 s past its deadline.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(timeouts.headersMs / 2))),
    },
    (req, res) => {
      handle(req, res, routes, maxBodyBytes, opts.onError).catch((err: unknown) => {
        // Handler errors are caught inside; what reaches here is the request stream failing, which is only
        // worth reporting if the client is still there to have seen it.
        if (res.destroyed) return;
        opts.onError?.(err, { method: req.method ?? '', path: splitTarget(req.url ?? '/').path });
        if (!res.headersSent) res.writeHead(500, TEXT);
        res.end();
      });
    },
  );
  server.maxHeadersCount = 100;

  await listen(server, opts.host, opts.port);
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function builtinRoutes(opts: HttpServerOptions): Route[] {
  const { registry } = opts.metrics;
  return [
    {
      method: 'GET',
      path: '/metrics',
      handler: async () => ({
        status: 200,
        headers: { 'content-type': registry.contentType },
        body: await registry.metrics(),
      }),
    },
    { method: 'GET', path: '/healthz', handler: () => ({ status: 200, headers: TEXT, body: 'ok\n' }) },
    {
      method: 'GET',
      path: '/readyz',
      handler: () =>
        isReady(opts.ready)
          ? { status: 200, headers: TEXT, body: 'ok\n' }
          : { status: 503, headers: TEXT, body: 'not ready\n' },
    },
  ];
}

function isReady(ready: () => boolean): boolean {
  try {
    return ready();
  } catch {
    // A readiness probe that cannot tell is not ready; the probe itself must never fail the request.
    return false;
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly Route[],
  maxBodyBytes: number,
  onError: HttpServerOptions['onError'],
): Promise<void> {
  const method = req.method ?? 'GET';
  const { path, query } = splitTarget(req.url ?? '/');
  const match = matchRoute(routes, method, path);
  if (!match) return send(res, { status: 404, headers: TEXT, body: 'not found\n' });
  if ('allow' in match) {
    const allow = match.allow.includes('GET') ? [...match.allow, 'HEAD'] : match.allow;
    return send(res, {
      status: 405,
      headers: { ...TEXT, allow: allow.join(', ') },
      body: 'method not allowed\n',
    });
  }

  let body: Buffer;
  try {
    body = await readBody(req, maxBodyBytes);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    // Closing the connection spares us reading the rest of an upload we refused.
    return send(res, {
      status: 413,
      headers: { ...TEXT, connection: 'close' },
      body: 'request body too large\n',
    });
  }

  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  const request: HttpRequest = { method, path, query, headers: req.headers, body };
  let response: HttpResponse;
  try {
    response = await match.route.handler(request, gone.signal);
  } catch (err) {
    onError?.(err, { method, path });
    response = { status: 500, headers: TEXT, body: 'internal error\n' };
  }
  send(res, response);
}

function send(res: ServerResponse, response: HttpResponse): void {
  if (res.destroyed) return;
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
