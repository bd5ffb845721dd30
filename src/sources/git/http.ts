/**
 * The HTTP side of the adapter: URL checks, credential headers, and an isomorphic-git HttpClient around its
 * `http/node` client that adds what it lacks: one deadline for the whole operation (isomorphic-git's fetch
 * passes no AbortSignal of its own), a byte budget, and a redirect policy that never hands credentials to
 * another origin.
 */
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { request } from 'isomorphic-git/http/node';
import { GitSourceError } from './errors.js';
import type { GitAuth } from './types.js';

const MAX_REDIRECTS = 5;

/**
 * Some forges only speak smart HTTP to agents starting with `git/` (GitHub, Bitbucket); like libgit2 we claim
 * a made-up `git/2.0` and say who we are after it.
 */
const USER_AGENT = 'git/2.0 (steward; isomorphic-git)';

/** Checks a repository URL; returns it without a trailing slash. */
export function checkUrl(raw: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GitSourceError('InvalidURL', 'repository URL is not a valid URL');
  }
  // Credentials in a URL end up in logs and statuses; they belong in a Secret.
  if (url.username !== '' || url.password !== '') {
    throw new GitSourceError('InvalidURL', 'repository URL must not contain credentials; use a Secret');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowInsecureHttp)) {
    throw new GitSourceError('InvalidURL', `repository URL scheme ${url.protocol} is not allowed; use https`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new GitSourceError('InvalidURL', 'repository URL must not have a query or fragment');
  }
  return url.href.replace(/\/+$/, '');
}

/** The URL as it may appear in messages: origin and path only. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '<invalid URL>';
  }
}

/** Pre-emptive credentials, so no round trip is spent on a 401 challenge. */
export function authHeaders(auth: GitAuth | undefined): Record<string, string> {
  if (auth?.bearerToken !== undefined && auth.bearerToken !== '') {
    return { Authorization: `Bearer ${auth.bearerToken}` };
  }
  if (auth?.username !== undefined || auth?.password !== undefined) {
    const pair = `${auth.username ?? ''}:${auth.password ?? ''}`;
    return { Authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
  }
  return {};
}

/** One remote operation: its deadline, its byte budget, and the first failure it hit. */
export class Operation {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private received = 0;
  private failure: GitSourceError | undefined;

  constructor(
    readonly timeoutMs: number,
    private readonly maxTransferBytes: number,
    private readonly allowInsecureHttp: boolean,
  ) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(
      () => this.fail(new GitSourceError('Timeout', `timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  }

  /** Records the first failure and aborts everything in flight. */
  fail(err: GitSourceError): void {
    this.failure ??= err;
    this.controller.abort();
  }

  /** The failure recorded by the deadline or the byte budget; it wins over whatever error surfaced. */
  get failed(): GitSourceError | undefined {
    return this.failure;
  }

  /** Throws if the operation already failed; call between local steps. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Response body bytes received so far. */
  get receivedBytes(): number {
    return this.received;
  }

  count(bytes: number): void {
    this.received += bytes;
    if (this.received > this.maxTransferBytes) {
      this.fail(new GitSourceError('TooLarge', `transfer exceeded ${this.maxTransferBytes} bytes`));
    }
  }

  done(): void {
    clearTimeout(this.timer);
  }

  /** An isomorphic-git HttpClient bound to this operation. */
  client(): HttpClient {
    return { request: (req) => this.request(req) };
  }

  private async request(req: GitHttpRequest): Promise<GitHttpResponse> {
    const origin = new URL(req.url).origin;
    let url = req.url;
    let headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
    for (let hop = 0; ; hop++) {
      this.check();
      const res = await request({
        url,
        method: req.method ?? 'GET',
        headers,
        ...(req.body === undefined ? {} : { body: req.body }),
        signal: this.signal,
        fetchOptions: { followRedirects: false },
      });
      const location = res.headers?.location;
      // Only ref discovery (GET) is redirected; isomorphic-git keeps POSTing to the original URL anyway.
      if (res.statusCode < 300 || res.statusCode >= 400 || location === undefined || req.method === 'POST') {
        return { ...res, body: this.guard(res.body) };
      }
      await res.body?.return?.();
      if (hop >= MAX_REDIRECTS) throw new GitSourceError('Network', 'too many redirects');
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.allowInsecureHttp)) {
        throw new GitSourceError('Network', `refusing redirect to a ${next.protocol} URL`);
      }
      if (next.origin !== origin) headers = withoutAuthorization(headers);
      url = next.href;
    }
  }

  /** Counts body bytes and makes a stalled body give up when the operation is aborted. */
  private async *guard(
    body: AsyncIterableIterator<Uint8Array> | undefined,
  ): AsyncIterableIterator<Uint8Array> {
    if (body === undefined) return;
    const it = body[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await raceAbort(it.next(), this.signal);
        if (next.done === true) return;
        this.count(next.value.byteLength);
        this.check();
        yield next.value;
      }
    } finally {
      await it.return?.();
    }
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

/**
 * isomorphic-git's stream adapter drops a stream error that arrives while no read is pending, leaving the
 * next read hanging; racing every read against the signal bounds that.
 */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
