/**
 * A webhook receiver for the notification tests: a real HTTP server on 127.0.0.1 that records every request
 * (path, headers, raw body), checks generic-hmac signatures with the key it is given, and answers each path as
 * scripted: a list of statuses to answer first (then 200), or never (a hung endpoint).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
  /** For paths with an HMAC key: whether X-Signature is `sha256=<HMAC of the body>`. */
  signatureValid?: boolean;
  status: number;
  at: number;
}

export interface Recorder {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests answered (or, for hung paths, received) so far, to `path` or to all paths. */
  requests(path?: string): ReceivedRequest[];
  /** Answers the next requests to `path` with these statuses, then 200. */
  script(path: string, statuses: number[]): void;
  /** Never answers requests to `path` (the connection stays open until the client gives up). */
  hang(path: string): void;
  /** Checks X-Signature of requests to `path` against `key`. */
  hmacKey(path: string, key: string): void;
  stop(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const received: ReceivedRequest[] = [];
  const scripts = new Map<string, number[]>();
  const hung = new Set<string>();
  const keys = new Map<string, string>();
  const open = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const record: ReceivedRequest = {
        path,
        method: req.method ?? '',
        headers: req.headers,
        body,
        json,
        status: 0,
        at: Date.now(),
      };
      const key = keys.get(path);
      if (key !== undefined) record.signatureValid = verify(body, req.headers['x-signature'], key);
      received.push(record);
      if (hung.has(path)) {
        open.add(res);
        res.on('close', () => open.delete(res));
        return;
      }
      const status = scripts.get(path)?.shift() ?? 200;
      record.status = status;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'scripted failure');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: (path) => received.filter((r) => path === undefined || r.path === path),
    script: (path, statuses) => scripts.set(path, [...statuses]),
    hang: (path) => hung.add(path),
    hmacKey: (path, key) => keys.set(path, key),
    async stop() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function verify(body: string, header: string | string[] | undefined, key: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', key).update(body).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Waits until `check` returns a value, polling every 50 ms; fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
