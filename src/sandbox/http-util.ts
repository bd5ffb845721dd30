/** Reading requests and writing replies for the sandbox's node:http server. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from './errors.js';
import type { Obj } from './types.js';

/** kube-apiserver's default request body limit (3 MiB, apiserver server/config.go MaxRequestBodyBytes). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`, {});
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: Obj | string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: StatusError): void {
  const headers: Record<string, string> = {};
  const retry = err.details?.retryAfterSeconds;
  if (retry && retry > 0) headers['Retry-After'] = String(retry);
  if (err.plainText) sendJson(res, err.code, `${err.message}\n`, headers);
  else sendJson(res, err.code, err.toStatus(), headers);
}
