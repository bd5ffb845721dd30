/**
 * The HTTP side of the OCI client: one request with redirects followed by hand (so the Authorization header
 * never leaves the registry's origin and a redirect can never downgrade to plain HTTP unasked), bodies read
 * under a byte cap while they stream, and the translation of fetch failures and error answers into OciError.
 */
import { SOCKET_ERROR_CODES } from '../../core/network.js';
import { OciError } from './errors.js';

const MAX_REDIRECTS = 5;
/** Enough for any registry error document; the rest is not read. */
const MAX_ERROR_BODY = 64 * 1024;

export interface SendOptions {
  headers: Record<string, string>;
  signal: AbortSignal;
  /** The only origin that may see the Authorization header (redirects elsewhere drop it). */
  authOrigin: string;
  /** Whether a redirect may lead to a plain http:// URL. */
  allowHttp: boolean;
  followRedirects: boolean;
  /** Called once per HTTP request sent, redirects included. */
  count: () => void;
  /** What is being done, for messages: `fetching manifest of 127.0.0.1:5000/charts/x:1.0.0`. */
  what: string;
  timeoutMs: number;
}

/** Sends a GET and follows redirects; the response's body is left for the caller to read or discard. */
export async function send(url: string, opts: SendOptions): Promise<Response> {
  let current = url;
  let headers = opts.headers;
  for (let hop = 0; ; hop++) {
    opts.count();
    let res: Response;
    try {
      res = await fetch(current, { headers, signal: opts.signal, redirect: 'manual' });
    } catch (err) {
      throw classifyFetchError(err, opts.what, opts.timeoutMs);
    }
    if (!opts.followRedirects || ![301, 302, 303, 307, 308].includes(res.status)) return res;
    const location = res.headers.get('location');
    await discard(res);
    // Never name the target: storage redirects are signed URLs.
    if (location === null) throw new OciError('protocol', `${opts.what}: a redirect without a Location`);
    if (hop >= MAX_REDIRECTS)
      throw new OciError('protocol', `${opts.what}: more than ${MAX_REDIRECTS} redirects`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new OciError('protocol', `${opts.what}: a redirect to an invalid URL`);
    }
    if (next.protocol !== 'https:' && !(next.protocol === 'http:' && opts.allowHttp)) {
      throw new OciError('protocol', `${opts.what}: refused a redirect to a ${next.protocol} URL`);
    }
    if (next.origin !== opts.authOrigin && 'authorization' in headers) {
      const { authorization: _dropped, ...rest } = headers;
      headers = rest;
    }
    current = next.href;
  }
}

/**
 * Reads the whole body, failing with `too_large` as soon as it would pass `maxBytes` (announced by
 * Content-Length or seen while streaming); the rest is never read. `onChunk` sees every chunk in order.
 */
export async function readCapped(
  res: Response,
  maxBytes: number,
  what: string,
  timeoutMs: number,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<Buffer> {
  const declared = res.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    await discard(res);
    throw tooLarge(what, maxBytes, `${declared} bytes announced`);
  }
  if (res.body === null) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(what, maxBytes, 'more sent');
      }
      onChunk?.(value);
      chunks.push(value);
    }
  } catch (err) {
    throw classifyFetchError(err, what, timeoutMs);
  }
  return Buffer.concat(chunks, total);
}

/** Reads a JSON body under a cap. */
export async function readJson(
  res: Response,
  maxBytes: number,
  what: string,
  timeoutMs: number,
): Promise<unknown> {
  const body = await readCapped(res, maxBytes, what, timeoutMs);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new OciError('protocol', `${what}: the answer is not valid JSON`);
  }
}

/** Drops a body we will not read, so the connection can be reused or closed. */
export async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/**
 * The error for a non-2xx answer other than the 401 and 429/503 the client handles itself. Only the
 * registry's error codes (`MANIFEST_UNKNOWN`) are quoted, never its messages, which can echo request data.
 */
export async function errorFromResponse(res: Response, what: string): Promise<OciError> {
  const codes = await registryErrorCodes(res);
  const status = res.status;
  const detail = `HTTP ${status}${codes.length > 0 ? ` ${codes.join(', ')}` : ''}`;
  if (status === 401)
    return new OciError('unauthorized', `${what}: authentication failed (${detail})`, { status });
  if (status === 403) return new OciError('denied', `${what}: access denied (${detail})`, { status });
  if (status === 404) return new OciError('not_found', `${what}: not found (${detail})`, { status });
  if (status >= 500) return new OciError('network', `${what}: the registry failed (${detail})`, { status });
  return new OciError('protocol', `${what}: unexpected answer (${detail})`, { status });
}

async function registryErrorCodes(res: Response): Promise<string[]> {
  let body: Buffer;
  try {
    body = await readCapped(res, MAX_ERROR_BODY, '', 0);
  } catch {
    return [];
  }
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: unknown };
    if (!Array.isArray(doc.errors)) return [];
    return doc.errors
      .map((e: unknown) => (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined))
      .filter((c): c is string => typeof c === 'string' && /^[A-Z][A-Z_]{0,63}$/.test(c))
      .slice(0, 5);
  } catch {
    return [];
  }
}

const NETWORK_CODES = new Set([
  ...SOCKET_ERROR_CODES,
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Translates what fetch or a body read threw. The original is not kept as `cause`: undici's errors can carry
 * the request, and only safe fields may travel with an OciError.
 */
export function classifyFetchError(err: unknown, what: string, timeoutMs: number): OciError {
  if (err instanceof OciError) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError') return new OciError('timeout', `${what}: timed out after ${timeoutMs} ms`);
  if (name === 'AbortError') return new OciError('network', `${what}: aborted`);
  const code = causeCode(err);
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new OciError('network', `${what}: ${code}`, { causeCode: code });
  }
  const label = code ?? (name === '' ? typeof err : name);
  return new OciError('network', `${what}: failed (${label})`, { causeCode: label });
}

function causeCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The error for a 429 or 503 the client does not wait out itself. */
export function rateLimited(what: string, status: number, retryAfterMs: number | undefined): OciError {
  const wait = retryAfterMs === undefined ? '' : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`;
  return new OciError('rate_limited', `${what}: rate limited (HTTP ${status}${wait})`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function tooLarge(what: string, maxBytes: number, seen: string): OciError {
  return new OciError('too_large', `${what}: larger than the limit of ${maxBytes} bytes (${seen})`);
}
