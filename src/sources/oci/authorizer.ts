/**
 * The auth state of one client: what to send up front, and how to answer a 401 challenge. Basic credentials
 * are sent up front once the registry asked for them; bearer tokens come from the realm the registry names,
 * are cached per registry, scope and credentials (see TokenCache), and once the realm is known a new scope is
 * fetched before the request rather than after a 401. Where credentials may go: see auth.ts.
 */
import {
  basicAuthorization,
  hasCredentials,
  mayReceiveCredentials,
  parseTokenResponse,
  TokenCache,
  tokenRequestUrl,
} from './auth.js';
import type { AuthChallenge } from './challenge.js';
import { OciError } from './errors.js';
import { discard, errorFromResponse, rateLimited, readJson } from './http.js';
import { parseRetryAfter } from './retry-after.js';
import type { RegistryAuth } from './types.js';

const MAX_TOKEN_BYTES = 1024 * 1024;

export interface AuthorizerOptions {
  /** The registry's base URL. */
  base: URL;
  auth: RegistryAuth | undefined;
  tokens: TokenCache;
  now: () => number;
  timeoutMs: number;
  /** Sends one GET to the token service (counted, timed, no redirects). */
  request: (
    url: string,
    headers: Record<string, string>,
    what: string,
    signal: AbortSignal | undefined,
  ) => Promise<Response>;
}

export class Authorizer {
  /** Set once the registry asked for Basic: credentials are then sent up front. */
  private basic = false;
  /** The registry's token service (realm and service, no scope), once learned. */
  private bearer: AuthChallenge | undefined;
  private readonly pending = new Map<string, Promise<string>>();
  private readonly registry: string;

  constructor(private readonly o: AuthorizerOptions) {
    this.registry = o.base.host;
  }

  /** The Authorization header to send up front for `scope`, if any. */
  async header(scope: string, what: string, signal: AbortSignal | undefined): Promise<string | undefined> {
    if (this.basic && hasCredentials(this.o.auth)) return basicAuthorization(this.o.auth);
    const cached = this.o.tokens.get(this.key(scope), this.o.now());
    if (cached !== undefined) return `Bearer ${cached}`;
    if (this.bearer !== undefined) return `Bearer ${await this.token(this.bearer, scope, what, signal)}`;
    return undefined;
  }

  /** Gets what a 401 challenge asks for, so the request can be sent again; throws when it cannot. */
  async answer(
    challenge: AuthChallenge,
    sent: string | undefined,
    scope: string,
    what: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (challenge.scheme === 'basic') {
      if (!hasCredentials(this.o.auth)) {
        throw new OciError('unauthorized', `${what}: the registry requires credentials and none were given`, {
          status: 401,
        });
      }
      if (sent?.startsWith('Basic ')) throw this.refused(what, challenge, sent);
      this.basic = true;
      return;
    }
    // A token the registry no longer takes (revoked, or the clocks disagree): drop it and ask again, once.
    this.o.tokens.delete(this.key(scope));
    const { scope: _scope, error: _error, ...service } = challenge.params;
    this.bearer = { scheme: 'bearer', params: service };
    await this.token(challenge, scope, what, signal);
  }

  /** The error for a 401 that answering the challenge did not cure. */
  refused(what: string, challenge: AuthChallenge | undefined, sent: string | undefined): OciError {
    if (challenge?.params.error === 'insufficient_scope' && sent !== undefined) {
      return new OciError('denied', `${what}: access denied (HTTP 401 insufficient_scope)`, { status: 401 });
    }
    const why = sent === undefined ? 'authentication required' : 'authentication failed';
    return new OciError('unauthorized', `${what}: ${why} (HTTP 401)`, { status: 401 });
  }

  /** A token for `scope`; concurrent requests for the same scope share one token request. */
  private token(
    challenge: AuthChallenge,
    scope: string,
    what: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const key = this.key(scope);
    const cached = this.o.tokens.get(key, this.o.now());
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.pending.get(key);
    if (pending === undefined) {
      pending = this.fetchToken(challenge, key, scope, what, signal).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async fetchToken(
    challenge: AuthChallenge,
    key: string,
    scope: string,
    callWhat: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const url = tokenRequestUrl(challenge, scope);
    const auth = this.o.auth;
    const withCredentials = hasCredentials(auth) && mayReceiveCredentials(url, this.o.base);
    // The realm's host only: its query holds nothing secret, but nothing in it helps a reader either.
    const what = `${callWhat}: token request to ${url.host}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (withCredentials) headers.authorization = basicAuthorization(auth);
    const res = await this.o.request(url.href, headers, what, signal);
    if (res.status === 401 || res.status === 403) {
      await discard(res);
      throw new OciError(
        'unauthorized',
        `${what}: the token service ${this.refusal(withCredentials)} (HTTP ${res.status})`,
        { status: res.status },
      );
    }
    if (res.status === 429 || res.status === 503) {
      await discard(res);
      throw rateLimited(what, res.status, parseRetryAfter(res.headers.get('retry-after'), this.o.now()));
    }
    if (!res.ok) throw await errorFromResponse(res, what);
    const issued = parseTokenResponse(await readJson(res, MAX_TOKEN_BYTES, what, this.o.timeoutMs));
    this.o.tokens.set(key, issued, this.o.now());
    return issued.token;
  }

  private refusal(sentCredentials: boolean): string {
    if (sentCredentials) return 'refused the credentials';
    if (!hasCredentials(this.o.auth)) return 'refused an anonymous request';
    return (
      'refused an anonymous request (credentials are only sent to an https token service, or to one on ' +
      'the registry host when the registry itself is plain http)'
    );
  }

  private key(scope: string): string {
    return TokenCache.key(this.registry, scope, this.o.auth);
  }
}
