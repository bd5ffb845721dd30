/**
 * The token side of registry auth (the Docker/Distribution token flow): where credentials may go, the token
 * request URL, the token response, and a cache of tokens per registry, scope and credentials. Pure: the clock
 * is passed in.
 *
 * Credentials rule: basic credentials go to the registry itself (its own origin), and to a token realm only
 * when the realm is https, or when it is plain http on the same host name as a registry the caller already
 * reaches over plain http (`insecure`, where those credentials travel in clear anyway). A registry cannot
 * make the client send a password in clear to a host of its choosing; the client then asks for an
 * anonymous token instead, which the realm may refuse.
 */
import { createHash } from 'node:crypto';
import type { AuthChallenge } from './challenge.js';
import { OciError } from './errors.js';
import type { RegistryAuth } from './types.js';

/** The pull scope of a repository, as the token spec writes it. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** Whether the client may send `auth` to `realm` (see the rule above). */
export function mayReceiveCredentials(realm: URL, registryBase: URL): boolean {
  if (realm.protocol === 'https:') return true;
  return (
    realm.protocol === 'http:' &&
    registryBase.protocol === 'http:' &&
    realm.hostname === registryBase.hostname
  );
}

/**
 * The GET URL of a token request: the realm with `service` and `scope` added. The challenge's own scope wins
 * (the registry knows what the request needs); ours is the fallback. Several scopes become several parameters.
 */
export function tokenRequestUrl(challenge: AuthChallenge, fallbackScope: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(challenge.params.realm ?? '');
  } catch {
    throw new OciError('protocol', 'the registry named a token realm that is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OciError('protocol', 'the registry named a token realm that is not an http(s) URL');
  }
  const service = challenge.params.service;
  if (service !== undefined && service !== '') url.searchParams.set('service', service);
  const scopes = (challenge.params.scope ?? fallbackScope ?? '').split(' ').filter((s) => s !== '');
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return url;
}

/** A token and how long it lives, from the token service's JSON answer. */
export interface IssuedToken {
  token: string;
  lifetimeMs: number;
}

/** The token spec's default when `expires_in` is missing. */
const DEFAULT_LIFETIME_S = 60;

export function parseTokenResponse(body: unknown): IssuedToken {
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const token = typeof o.token === 'string' && o.token !== '' ? o.token : o.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new OciError('protocol', 'the token service answered without a token');
  }
  const expiresIn =
    typeof o.expires_in === 'number' && Number.isFinite(o.expires_in) && o.expires_in > 0
      ? o.expires_in
      : DEFAULT_LIFETIME_S;
  return { token, lifetimeMs: expiresIn * 1000 };
}

/**
 * Bearer tokens by registry, scope and credentials, kept until their expiry minus a margin (so a token does not
 * expire between the check and the registry's answer). Share one cache between clients to share tokens; the
 * credentials are part of the key (hashed), so tenants with different credentials never share a token.
 */
export class TokenCache {
  private readonly tokens = new Map<string, { token: string; usableUntilMs: number }>();

  /** `marginMs`: how long before its expiry a token is dropped (at most half its lifetime). */
  constructor(private readonly marginMs = 10_000) {}

  static key(registry: string, scope: string, auth: RegistryAuth | undefined): string {
    const who =
      auth?.username === undefined && auth?.password === undefined
        ? 'anonymous'
        : createHash('sha256')
            .update(`${auth.username ?? ''}\0${auth.password ?? ''}`)
            .digest('hex')
            .slice(0, 32);
    return `${registry}|${scope}|${who}`;
  }

  get(key: string, nowMs: number): string | undefined {
    const entry = this.tokens.get(key);
    if (entry === undefined) return undefined;
    if (nowMs < entry.usableUntilMs) return entry.token;
    this.tokens.delete(key);
    return undefined;
  }

  set(key: string, issued: IssuedToken, nowMs: number): void {
    const margin = Math.min(this.marginMs, issued.lifetimeMs / 2);
    for (const [k, v] of this.tokens) if (nowMs >= v.usableUntilMs) this.tokens.delete(k);
    this.tokens.set(key, { token: issued.token, usableUntilMs: nowMs + issued.lifetimeMs - margin });
  }

  delete(key: string): void {
    this.tokens.delete(key);
  }

  get size(): number {
    return this.tokens.size;
  }
}

/** `Authorization: Basic` for the credentials. */
export function basicAuthorization(auth: RegistryAuth): string {
  return `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`, 'utf8').toString('base64')}`;
}

/** Whether any credentials were given. */
export function hasCredentials(auth: RegistryAuth | undefined): auth is RegistryAuth {
  return auth !== undefined && (auth.username !== undefined || auth.password !== undefined);
}
