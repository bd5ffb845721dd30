/**
 * Raw HTTP to the API server over node:https, with the kubeconfig's credentials and TLS settings applied by
 * client-node (`applyToHTTPSOptions`: tokens, exec plugins, client certificates, CA). Bodies stay strings:
 * nothing here knows about objects. Retries live here so every caller gets the same policy.
 */
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { errorFromResponse, KubeError, parseRetryAfter } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, first one included. */
  attempts: number;
  /** First backoff; doubled per attempt, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound on a server's Retry-After, so one request cannot sleep for minutes. */
  maxRetryAfterSeconds: number;
}

export interface TransportOptions {
  userAgent: string;
  impersonate?: { user: string; groups?: string[] } | undefined;
  /** Per attempt; for a watch, until the response headers arrive. */
  timeoutMs: number;
  retry: RetryPolicy;
}

export interface HttpResponse {
  status: number;
  body: string;
  retryAfter: string | undefined;
}

export interface RequestInit {
  body?: string;
  contentType?: string;
}

/** One kubeconfig's connection to its API server: authenticated requests, retries and a keep-alive agent. */
export class Transport {
  readonly #kc: KubeConfig;
  readonly #opts: TransportOptions;
  // Keyed by the TLS material, so rotated client certificates get a fresh agent.
  readonly #agents = new Map<string, https.Agent>();

  constructor(kc: KubeConfig, opts: TransportOptions) {
    this.#kc = kc;
    this.#opts = opts;
  }

  /**
   * Sends one request and returns any response with a final status. 429, 502-504 (and 500 with Retry-After)
   * are retried honouring Retry-After; connection failures are retried with backoff. A final non-2xx answer
   * is returned, not thrown: callers decide what 404 means.
   */
  async request(method: string, path: string, init: RequestInit = {}): Promise<HttpResponse> {
    const { retry } = this.#opts;
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await this.#once(method, path, init);
      } catch (err) {
        if (!(err instanceof KubeError) || err.code !== 0 || err.reason === 'Timeout') throw err;
        if (attempt >= retry.attempts) throw err;
        await sleep(this.#backoff(attempt));
        continue;
      }
      const wait = retryableWait(res, attempt, this.#opts.retry);
      if (wait === undefined || attempt >= retry.attempts) return res;
      await sleep(wait ?? this.#backoff(attempt));
    }
  }

  /**
   * Opens a streaming GET (watch) and feeds each newline-terminated line to `onLine` until the server ends
   * the stream or `signal` aborts. Throws KubeError when the stream cannot be opened.
   */
  async stream(path: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    const { url, options, mod } = await this.#prepare('GET', path, {}, 'watch');
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return resolve();
      const req = mod.request(url, { ...options, signal });
      const headerTimer = setTimeout(
        () => req.destroy(timeoutError(this.#opts.timeoutMs)),
        this.#opts.timeoutMs,
      );
      req.on('error', (err) => {
        clearTimeout(headerTimer);
        if (signal.aborted) resolve();
        else reject(err instanceof KubeError ? err : networkError(err));
      });
      req.on('response', (res) => {
        clearTimeout(headerTimer);
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          collect(res).then(
            (body) => reject(errorFromResponse(status, body, header(res.headers['retry-after']))),
            () => reject(errorFromResponse(status, '')),
          );
          return;
        }
        res.setEncoding('utf8');
        let pending = '';
        res.on('data', (chunk: string) => {
          pending += chunk;
          let nl = pending.indexOf('\n');
          while (nl >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            try {
              if (line !== '') onLine(line);
            } catch (err) {
              // The caller's handler failed: stop streaming and hand it the error.
              req.destroy();
              reject(err);
              return;
            }
            nl = pending.indexOf('\n');
          }
        });
        // The server ends a watch at timeoutSeconds; an aborted or reset stream is an ordinary end too:
        // the caller resumes from the last resourceVersion it saw.
        res.on('error', () => resolve());
        res.on('close', () => resolve());
      });
      req.end();
    });
  }

  async #once(method: string, path: string, init: RequestInit): Promise<HttpResponse> {
    const { url, options, mod } = await this.#prepare(method, path, init);
    const timeout = AbortSignal.timeout(this.#opts.timeoutMs);
    return await new Promise<HttpResponse>((resolve, reject) => {
      const req = mod.request(url, { ...options, signal: timeout }, (res) => {
        collect(res).then(
          (body) =>
            resolve({ status: res.statusCode ?? 0, body, retryAfter: header(res.headers['retry-after']) }),
          (err: unknown) => reject(timeout.aborted ? timeoutError(this.#opts.timeoutMs) : networkError(err)),
        );
      });
      req.on('error', (err) =>
        reject(timeout.aborted ? timeoutError(this.#opts.timeoutMs) : networkError(err)),
      );
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });
  }

  async #prepare(
    method: string,
    path: string,
    init: RequestInit,
    purpose: 'request' | 'watch' = 'request',
  ): Promise<{ url: URL; options: https.RequestOptions; mod: typeof https | typeof http }> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new KubeError(0, 'ConfigError', 'the kubeconfig has no current cluster');
    const options: https.RequestOptions = {};
    try {
      await this.#kc.applyToHTTPSOptions(options);
    } catch {
      // The cause may quote exec plugin output or file contents; say only where it failed.
      throw new KubeError(0, 'ConfigError', 'could not load credentials from the kubeconfig');
    }
    const base = cluster.server.replace(/\/+$/, '');
    const url = new URL(base + path);
    const headers: Record<string, string | string[]> = {
      ...(options.headers as Record<string, string> | undefined),
      Accept: 'application/json',
      'User-Agent': this.#opts.userAgent,
    };
    const imp = this.#opts.impersonate;
    if (imp) {
      headers['Impersonate-User'] = imp.user;
      if (imp.groups && imp.groups.length > 0) headers['Impersonate-Group'] = imp.groups;
    }
    if (init.contentType) headers['Content-Type'] = init.contentType;
    if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body));
    const agent = cluster.proxyUrl ? options.agent : this.#agent(url, options, purpose);
    const out: https.RequestOptions = { method, headers };
    if (agent !== undefined) out.agent = agent;
    if (options.auth) out.auth = options.auth;
    return { url, options: out, mod: url.protocol === 'http:' ? http : https };
  }

  /**
   * Requests share a keep-alive pool: a reconcile makes two or three requests per object, and reusing
   * connections made a 250-object no-op apply twice as fast. Watches hold a connection for minutes, so they
   * get their own unpooled agent and cannot starve the pool.
   */
  #agent(url: URL, o: https.RequestOptions, purpose: 'request' | 'watch'): https.Agent | undefined {
    if (url.protocol === 'http:') return undefined;
    const tls = {
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      pfx: o.pfx,
      passphrase: o.passphrase,
      servername: o.servername,
      rejectUnauthorized: o.rejectUnauthorized,
    };
    const key = JSON.stringify([
      purpose,
      ...Object.values(tls).map((v) => (v === undefined ? null : String(v))),
    ]);
    let agent = this.#agents.get(key);
    if (!agent) {
      const defined = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined));
      agent = new https.Agent(
        purpose === 'request'
          ? { ...defined, keepAlive: true, maxSockets: 32 }
          : { ...defined, keepAlive: false },
      );
      this.#agents.set(key, agent);
    }
    return agent;
  }

  #backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.#opts.retry;
    const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(cap / 2 + (Math.random() * cap) / 2);
  }
}

/**
 * How long to wait before retrying a response, or undefined if it is final. Null means "back off": the
 * server gave no Retry-After. client-go retries 429 and 5xx only with Retry-After; 502-504 are retried
 * without one too because proxies and overloaded servers send them bare.
 */
function retryableWait(res: HttpResponse, attempt: number, retry: RetryPolicy): number | null | undefined {
  const after = parseRetryAfter(res.retryAfter);
  const retriable =
    res.status === 429 ||
    res.status === 502 ||
    res.status === 503 ||
    res.status === 504 ||
    (res.status >= 500 && after !== undefined);
  if (!retriable || attempt >= retry.attempts) return undefined;
  if (after === undefined || after === 0) return null;
  return Math.min(after, retry.maxRetryAfterSeconds) * 1000;
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

async function collect(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function timeoutError(ms: number): KubeError {
  return new KubeError(0, 'Timeout', `request timed out after ${ms} ms`);
}

function networkError(err: unknown): KubeError {
  // Node's messages name the syscall and address (`connect ECONNREFUSED 127.0.0.1:6443`), never headers.
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  const msg = err instanceof Error ? err.message : 'connection failed';
  return new KubeError(0, 'NetworkError', code && !msg.includes(code) ? `${msg} (${code})` : msg);
}
