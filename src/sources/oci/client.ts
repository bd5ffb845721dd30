/**
 * A read-only OCI Distribution client for one registry: tag lists (paginated), manifests and blobs, with
 * anonymous, basic and bearer-token auth, per-request timeouts, a byte cap on every body, digest checks, and
 * Retry-After honoured on 429 and 503 (one short wait inside, longer ones left to the caller's backoff).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { pullScope, TokenCache } from './auth.js';
import { Authorizer } from './authorizer.js';
import { parseWwwAuthenticate, pickChallenge } from './challenge.js';
import { DigestVerifier, digestOf, parseDigest } from './digest.js';
import { OciError } from './errors.js';
import { discard, errorFromResponse, rateLimited, readCapped, readJson, send } from './http.js';
import { nextLink } from './link.js';
import { parseRetryAfter } from './retry-after.js';
import type { CallOptions, FetchedManifest, RegistryAuth } from './types.js';
import { checkReference, checkRepository, isDigestReference, registryBaseUrl } from './url.js';

export interface OciClientOptions {
  /** `host` or `host:port`. */
  registry: string;
  /** Speak plain HTTP to the registry (and allow plain-HTTP redirects). */
  insecure?: boolean;
  auth?: RegistryAuth;
  /** Time limit of each HTTP request, its body included. */
  timeoutMs: number;
  userAgent?: string;
  /** Share one cache between clients to share tokens (keyed by registry, scope and credentials). */
  tokenCache?: TokenCache;
  /** The longest Retry-After waited for inside the client (default 2 s); longer ones are thrown. */
  maxRetryWaitMs?: number;
  /** The clock and the sleep, for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Registries cap manifests at 4 MiB. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TAG_PAGE_BYTES = 16 * 1024 * 1024;
const MAX_TAG_PAGES = 1000;
const DEFAULT_USER_AGENT = 'steward';

interface Exchange {
  url: string;
  scope: string;
  accept: string;
  what: string;
  signal: AbortSignal | undefined;
}

export class OciClient {
  /** HTTP requests sent so far: registry, token service and redirect hops alike. */
  requests = 0;
  readonly registry: string;
  private readonly base: URL;
  private readonly insecure: boolean;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly maxRetryWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly authorizer: Authorizer;

  constructor(opts: OciClientOptions) {
    this.insecure = opts.insecure ?? false;
    this.base = new URL(registryBaseUrl(opts.registry, this.insecure));
    this.registry = this.base.host;
    this.timeoutMs = opts.timeoutMs;
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
    this.maxRetryWaitMs = opts.maxRetryWaitMs ?? 2000;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {}));
    this.authorizer = new Authorizer({
      base: this.base,
      auth: opts.auth,
      tokens: opts.tokenCache ?? new TokenCache(),
      now: this.now,
      request: (url, headers, what, signal) =>
        send(url, {
          headers: { 'user-agent': this.userAgent, ...headers },
          signal: this.signal(signal),
          authOrigin: new URL(url).origin,
          allowHttp: this.insecure,
          followRedirects: false,
          count: () => this.requests++,
          what,
          timeoutMs: this.timeoutMs,
        }),
      timeoutMs: this.timeoutMs,
    });
  }

  /** Every tag of the repository, all pages followed, in the registry's order (callers sort). */
  async listTags(repository: string, opts: CallOptions = {}): Promise<string[]> {
    checkRepository(repository);
    const what = `listing tags of ${this.registry}/${repository}`;
    const tags: string[] = [];
    const seen = new Set<string>();
    let url: string | undefined = `${this.base.origin}/v2/${repository}/tags/list`;
    while (url !== undefined) {
      if (seen.size >= MAX_TAG_PAGES) {
        throw new OciError('protocol', `${what}: more than ${MAX_TAG_PAGES} pages`);
      }
      seen.add(url);
      const res = await this.exchange({
        url,
        scope: pullScope(repository),
        accept: 'application/json',
        what,
        signal: opts.signal,
      });
      const page = await readJson(res, MAX_TAG_PAGE_BYTES, what, this.timeoutMs);
      tags.push(...tagsOf(page, what));
      const next = nextLink(res.headers.get('link'), url);
      if (next !== undefined && new URL(next).origin !== this.base.origin) {
        throw new OciError('protocol', `${what}: the next-page link leads to another host`);
      }
      if (next !== undefined && seen.has(next)) throw new OciError('protocol', `${what}: the pages loop`);
      url = next;
    }
    return tags;
  }

  /**
   * The manifest `reference` (a tag or a digest) points at, asking for the media types in `accept`. The digest
   * is that of the bytes served; it must match Docker-Content-Digest when sent and the reference when it is one.
   */
  async getManifest(
    repository: string,
    reference: string,
    accept: readonly string[],
    opts: CallOptions = {},
  ): Promise<FetchedManifest> {
    checkRepository(repository);
    checkReference(reference);
    const sep = isDigestReference(reference) ? '@' : ':';
    const what = `fetching manifest ${this.registry}/${repository}${sep}${reference}`;
    const res = await this.exchange({
      url: `${this.base.origin}/v2/${repository}/manifests/${reference}`,
      scope: pullScope(repository),
      accept: accept.join(', '),
      what,
      signal: opts.signal,
    });
    const body = await readCapped(res, MAX_MANIFEST_BYTES, what, this.timeoutMs);
    // What the registry says it served, then what was asked for: both must be these bytes. The last claim
    // checked names the digest, so a digest reference is returned as given.
    const claims = [
      res.headers.get('docker-content-digest'),
      isDigestReference(reference) ? reference : null,
    ];
    let digest = digestOf(body);
    for (const claim of claims) {
      if (claim === null || claim === '') continue;
      const parsed = parseDigest(claim);
      if (parsed === undefined) {
        throw new OciError(
          'protocol',
          `${what}: cannot verify the digest ${JSON.stringify(claim.slice(0, 140))}`,
        );
      }
      const actual = digestOf(body, parsed.algorithm);
      if (actual !== claim) {
        throw new OciError('digest_mismatch', `${what}: the content's digest is ${actual}`);
      }
      digest = claim;
    }
    let manifest: unknown;
    try {
      manifest = JSON.parse(body.toString('utf8'));
    } catch {
      throw new OciError('protocol', `${what}: the manifest is not valid JSON`);
    }
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      throw new OciError('protocol', `${what}: the manifest is not a JSON object`);
    }
    const own = (manifest as { mediaType?: unknown }).mediaType;
    const mediaType =
      typeof own === 'string' ? own : ((res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '');
    return { digest, mediaType, manifest: manifest as Record<string, unknown> };
  }

  /**
   * The blob `digest`, following the registry's redirects to its storage, read only up to `maxBytes`, and
   * checked against the digest.
   */
  async getBlob(
    repository: string,
    digest: string,
    maxBytes: number,
    opts: CallOptions = {},
  ): Promise<Buffer> {
    checkRepository(repository);
    const parsed = parseDigest(digest);
    if (parsed === undefined) {
      throw new OciError(
        'invalid',
        `blob digest ${JSON.stringify(digest.slice(0, 140))} is not a sha256 or sha512 digest`,
      );
    }
    const what = `fetching blob ${this.registry}/${repository}@${digest}`;
    const res = await this.exchange({
      url: `${this.base.origin}/v2/${repository}/blobs/${digest}`,
      scope: pullScope(repository),
      accept: '*/*',
      what,
      signal: opts.signal,
    });
    const verifier = new DigestVerifier(parsed);
    const body = await readCapped(res, maxBytes, what, this.timeoutMs, (chunk) => verifier.update(chunk));
    const { actual, matches } = verifier.finish();
    if (!matches) throw new OciError('digest_mismatch', `${what}: the content's digest is ${actual}`);
    return body;
  }

  /** One registry request with auth challenges answered and a short Retry-After waited out, once each. */
  private async exchange(x: Exchange): Promise<Response> {
    let answeredChallenge = false;
    let waited = false;
    for (;;) {
      const authorization = await this.authorizer.header(x.scope, x.what, x.signal);
      const res = await this.send(x.url, authorization, x);
      if (res.status === 401) {
        const challenge = pickChallenge(parseWwwAuthenticate(res.headers.get('www-authenticate')));
        await discard(res);
        if (answeredChallenge || challenge === undefined) {
          throw this.authorizer.refused(x.what, challenge, authorization);
        }
        answeredChallenge = true;
        await this.authorizer.answer(challenge, authorization, x.scope, x.what, x.signal);
        continue;
      }
      if (res.status === 429 || res.status === 503) {
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), this.now());
        await discard(res);
        if (!waited && retryAfterMs !== undefined && retryAfterMs <= this.maxRetryWaitMs) {
          waited = true;
          await this.sleep(retryAfterMs, x.signal).catch((err: unknown) => {
            throw new OciError('network', `${x.what}: aborted`, { causeCode: (err as Error).name });
          });
          continue;
        }
        throw rateLimited(x.what, res.status, retryAfterMs);
      }
      if (!res.ok) throw await errorFromResponse(res, x.what);
      return res;
    }
  }

  private send(url: string, authorization: string | undefined, x: Exchange): Promise<Response> {
    return send(url, {
      headers: {
        'user-agent': this.userAgent,
        accept: x.accept,
        ...(authorization === undefined ? {} : { authorization }),
      },
      signal: this.signal(x.signal),
      authOrigin: this.base.origin,
      allowHttp: this.insecure,
      followRedirects: true,
      count: () => this.requests++,
      what: x.what,
      timeoutMs: this.timeoutMs,
    });
  }

  private signal(caller: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return caller === undefined ? timeout : AbortSignal.any([timeout, caller]);
  }
}

function tagsOf(page: unknown, what: string): string[] {
  const tags = typeof page === 'object' && page !== null ? (page as { tags?: unknown }).tags : undefined;
  // An empty repository answers `"tags": null`.
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string')) {
    throw new OciError('protocol', `${what}: the tag list is not a list of strings`);
  }
  return tags;
}
