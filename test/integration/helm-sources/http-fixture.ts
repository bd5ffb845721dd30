/**
 * A tiny HTTP server whose answers each test writes itself: a custom index, a chart on a second host, a body
 * that never ends, a server that never answers. Every request is logged with whether it carried credentials.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Logged {
  path: string;
  authorization: string | undefined;
  /** Bytes the handler managed to write before the client went away (streaming routes). */
  written?: number;
}

export type Route = (req: IncomingMessage, res: ServerResponse, log: Logged) => void | Promise<void>;

export interface FixtureServer {
  url: string;
  origin: string;
  requests: Logged[];
  route(path: string, handler: Route): void;
  stop(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, Route>();
  const requests: Logged[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const log: Logged = { path, authorization: req.headers.authorization };
    requests.push(log);
    const handler = routes.get(path);
    if (handler === undefined) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(handler(req, res, log)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    origin,
    requests,
    route: (path, handler) => routes.set(path, handler),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A route answering `body` with 200. */
export function body(bytes: Buffer | string, type = 'application/octet-stream'): Route {
  return (_req, res) => {
    res
      .writeHead(200, { 'content-type': type, 'content-length': String(Buffer.byteLength(bytes)) })
      .end(bytes);
  };
}

/**
 * A route streaming `total` bytes of YAML comments in 64 KiB chunks without a Content-Length, waiting for the
 * client to read each one, and recording how many bytes it got out before the client hung up.
 */
export function endless(total: number): Route {
  return async (_req, res, log) => {
    res.writeHead(200, { 'content-type': 'application/x-yaml' });
    const chunk = Buffer.from(`# ${'x'.repeat(64 * 1024 - 3)}\n`);
    log.written = 0;
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    while (log.written < total && !closed) {
      const more = res.write(chunk);
      log.written += chunk.byteLength;
      if (!more) await new Promise((r) => res.once('drain', r).once('close', r));
    }
    res.end();
  };
}
