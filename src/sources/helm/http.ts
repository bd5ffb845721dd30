/**
 * One bounded HTTP GET for index files and chart archives: a deadline for the whole download, a byte cap
 * enforced while the body streams (the read stops at the cap, nothing more is buffered), redirects followed by
 * hand so that credentials only ever go to the repository's own origin (helm's passCredentials false), and
 * plain http refused unless the repository opted in.
 */
import { HelmSourceError, redactUrl } from './errors.js';
import type { BasicAuth } from './types.js';

const MAX_REDIRECTS = 5;

export interface DownloadOptions {
  /** Sent only to `authOrigin`; any other host, also after a redirect, gets no credentials. */
  auth?: BasicAuth | undefined;
  authOrigin: string;
  /** Plain http (the HelmRepository's `insecure`). */
  allowHttp: boolean;
  timeoutMs: number;
  maxBytes: number;
  /** What is downloaded, for messages: `index.yaml of HelmRepository default/podinfo`. */
  what: string;
  /** The setting that holds `maxBytes`, named in the too-large message. */
  limitName: string;
  /** Conditional request validators; a 304 answer is returned as `notModified`. */
  etag?: string | undefined;
  lastModified?: string | undefined;
  userAgent?: string | undefined;
  signal?: AbortSignal | undefined;
}

export type DownloadResult =
  | { notModified: true }
  | { notModified: false; body: Buffer; etag?: string; lastModified?: string };

/** Checks a repository URL and returns it parsed; `what` names the object for messages. */
export function checkRepositoryUrl(raw: string, allowHttp: boolean, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HelmSourceError('InvalidURL', `${what}: the URL is not valid`);
  }
  if (url.username !== '' || url.password !== '')
    throw new HelmSourceError('InvalidURL', `${what}: the URL must not contain credentials; use a Secret`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp))
    throw new HelmSourceError(
      'InvalidURL',
      `${what}: ${url.protocol}// is not allowed; use https (or http with insecure: true)`,
    );
  return url;
}

/** GETs `url` within the options' limits. */
export async function download(url: string, opts: DownloadOptions): Promise<DownloadResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs);
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await get(url, opts, controller.signal);
  } catch (err) {
    if (err instanceof HelmSourceError) throw err;
    if (timedOut)
      throw new HelmSourceError('Timeout', `${opts.what}: download timed out after ${opts.timeoutMs} ms`);
    if (opts.signal?.aborted) throw new HelmSourceError('Network', `${opts.what}: download aborted`);
    throw new HelmSourceError(
      'Network',
      `${opts.what}: download from ${redactUrl(url)} failed (${causeOf(err)})`,
    );
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

async function get(start: string, opts: DownloadOptions, signal: AbortSignal): Promise<DownloadResult> {
  let url = checkRepositoryUrl(start, opts.allowHttp, opts.what);
  for (let hop = 0; ; hop++) {
    const res = await fetch(url, { headers: headersFor(url, opts), redirect: 'manual', signal });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && location !== null) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new HelmSourceError('Network', `${opts.what}: too many redirects`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && opts.allowHttp))
        throw new HelmSourceError('Network', `${opts.what}: refusing a redirect to a ${next.protocol}// URL`);
      url = next;
      continue;
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { notModified: true };
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw statusError(res.status, url, opts.what);
    }
    const body = await readCapped(res, opts);
    const etag = res.headers.get('etag');
    const lastModified = res.headers.get('last-modified');
    return {
      notModified: false,
      body,
      ...(etag !== null ? { etag } : {}),
      ...(lastModified !== null ? { lastModified } : {}),
    };
  }
}

function headersFor(url: URL, opts: DownloadOptions): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': opts.userAgent ?? 'steward' };
  if (opts.etag !== undefined) headers['if-none-match'] = opts.etag;
  if (opts.lastModified !== undefined) headers['if-modified-since'] = opts.lastModified;
  const auth = opts.auth;
  if (url.origin === opts.authOrigin && (auth?.username !== undefined || auth?.password !== undefined)) {
    const pair = `${auth.username ?? ''}:${auth.password ?? ''}`;
    headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  return headers;
}

/** Reads the body, stopping as soon as it passes the cap; Content-Length is trusted only to refuse early. */
async function readCapped(res: Response, opts: DownloadOptions): Promise<Buffer> {
  const tooLarge = () =>
    new HelmSourceError(
      'TooLarge',
      `${opts.what} is larger than the ${opts.maxBytes} byte limit (${opts.limitName})`,
    );
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (res.body === null) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > opts.maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function statusError(status: number, url: URL, what: string): HelmSourceError {
  if (status === 401 || status === 403)
    return new HelmSourceError('Unauthorized', `${what}: authentication failed (HTTP ${status})`, {
      statusCode: status,
    });
  if (status === 404)
    return new HelmSourceError('NotFound', `${what}: ${redactUrl(url.href)} not found (HTTP 404)`, {
      statusCode: status,
    });
  return new HelmSourceError('Network', `${what}: ${redactUrl(url.href)} answered HTTP ${status}`, {
    statusCode: status,
  });
}

/** A short, safe label for a fetch failure: the system error code, never the message (it may echo the URL). */
function causeOf(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string')
    return String((err as { code?: unknown }).code);
  return err instanceof Error ? err.name : 'error';
}
