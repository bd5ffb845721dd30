/**
 * The webhook server on ports.webhook: POST /hook/<digest> and nothing else. A server of its own rather than
 * routes on the metrics server, because this port is the one reachable from outside the cluster and must not
 * serve /metrics; and node:http directly, because the body cap and the read timeouts are the point of it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import { BodyTooLargeError, readBody } from '../server/body.js';
import type { Answer } from './answer.js';
import { ANSWERS, answerBeforeBody, answerCall } from './answer.js';
import type { ReceiverEntry } from './types.js';

export interface WebhookServerOptions {
  host: string;
  /** 0 picks a free port; the started server reports the one it got. */
  port: number;
  /** Larger bodies get 413; a declared Content-Length over it is refused before any byte is read. */
  maxBodyBytes: number;
  /** Time allowed to receive the headers, and the whole request (config receivers.readTimeout). */
  readTimeoutMs: number;
  /** The Receiver served at a path, if any. */
  lookup: (path: string) => ReceiverEntry | undefined;
  /** Requests the reconciles of a verified call; false when any of them could not be requested. */
  trigger: (entry: ReceiverEntry) => Promise<boolean>;
  metrics: Pick<Metrics, 'receiverRequest'>;
  log: Logger;
}

export interface RunningWebhookServer {
  port: number;
  /** Stops accepting calls and resolves when the ones in flight are answered. */
  close(): Promise<void>;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** Starts the webhook server; resolves once it listens (EADDRINUSE and friends reject). */
export async function startWebhookServer(o: WebhookServerOptions): Promise<RunningWebhookServer> {
  const server = createServer(
    {
      headersTimeout: o.readTimeoutMs,
      requestTimeout: o.readTimeoutMs,
      keepAliveTimeout: 5_000,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(o.readTimeoutMs / 2))),
    },
    (req, res) => {
      handle(o, req, res).catch((err: unknown) => {
        // The request stream failed (the client went away mid-body): nobody is left to answer.
        o.log.debug({ error: err instanceof Error ? err.message : String(err) }, 'webhook request failed');
        if (!res.headersSent) send(res, ANSWERS.badRequest, true);
      });
    },
  );
  server.maxHeadersCount = 100;
  await listen(server, o.host, o.port);
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

async function handle(o: WebhookServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const entry = o.lookup(q < 0 ? target : target.slice(0, q));
  const early = answerBeforeBody(entry, req.method ?? '');
  if (early !== undefined || entry === undefined) {
    return finish(o, res, entry, early ?? ANSWERS.notFound, { close: true });
  }
  let body: Buffer;
  try {
    body = await readBody(req, o.maxBodyBytes);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    return finish(o, res, entry, ANSWERS.tooLarge, { close: true });
  }
  const answer = answerCall(entry, req.headers, body);
  if (!answer.trigger) return finish(o, res, entry, answer);
  const ok = await o.trigger(entry).catch(() => false);
  return finish(o, res, entry, ok ? answer : ANSWERS.triggerFailed);
}

/**
 * Answers, counts and logs one call. Log lines carry the Receiver's namespace and name and the outcome only:
 * never the path (for a generic Receiver it is the credential), a header or the body.
 */
function finish(
  o: WebhookServerOptions,
  res: ServerResponse,
  entry: ReceiverEntry | undefined,
  answer: Answer,
  opts: { close?: boolean } = {},
): void {
  o.metrics.receiverRequest(entry?.namespace ?? '', entry?.name ?? '', answer.result);
  const fields = {
    namespace: entry?.namespace,
    name: entry?.name,
    status: answer.status,
    result: answer.result,
  };
  if (answer.status === 401) o.log.warn(fields, 'webhook call unauthorized');
  else o.log.debug(fields, 'webhook call answered');
  send(res, answer, opts.close === true);
}

/**
 * Writes the answer. `close` ends the connection after it: for a call whose body was left unread (unknown
 * path, refused early, or over the cap), so the rest of an upload is never read.
 */
function send(res: ServerResponse, answer: Answer, close = false): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, {
    ...TEXT,
    ...(answer.status === 405 ? { allow: 'POST' } : {}),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(`${answer.message}\n`);
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
