import { describe, expect, it } from 'vitest';
import {
  mayReceiveCredentials,
  parseTokenResponse,
  pullScope,
  TokenCache,
  tokenRequestUrl,
} from '../../../src/sources/oci/auth.js';

describe('mayReceiveCredentials', () => {
  it.each([
    ['https realm, other host', 'https://auth.example/token', 'https://registry.example', true],
    ['https realm, plain-http registry', 'https://auth.example/token', 'http://127.0.0.1:5000', true],
    [
      'http realm on the plain-http registry host, other port',
      'http://127.0.0.1:9000/token',
      'http://127.0.0.1:5000',
      true,
    ],
    ['http realm on another host', 'http://localhost:9000/token', 'http://127.0.0.1:5000', false],
    [
      'http realm on the host of an https registry',
      'http://registry.example/token',
      'https://registry.example',
      false,
    ],
    [
      'http realm anywhere for an https registry',
      'http://auth.example/token',
      'https://registry.example',
      false,
    ],
  ])('%s', (_name, realm, registry, expected) => {
    expect(mayReceiveCredentials(new URL(realm), new URL(registry))).toBe(expected);
  });
});

describe('tokenRequestUrl', () => {
  it('adds service and the challenge scope to the realm, keeping its own query', () => {
    const url = tokenRequestUrl(
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.example/token?x=1', service: 'reg', scope: 'repository:a:pull' },
      },
      'repository:b:pull',
    );
    expect(url.href).toBe('https://auth.example/token?x=1&service=reg&scope=repository%3Aa%3Apull');
  });
  it('falls back to our scope, and splits several scopes', () => {
    expect(
      tokenRequestUrl({ scheme: 'bearer', params: { realm: 'https://a/t' } }, pullScope('c/d')).search,
    ).toBe('?scope=repository%3Ac%2Fd%3Apull');
    const two = tokenRequestUrl(
      { scheme: 'bearer', params: { realm: 'https://a/t', scope: 'repository:a:pull repository:b:pull' } },
      undefined,
    );
    expect(two.searchParams.getAll('scope')).toEqual(['repository:a:pull', 'repository:b:pull']);
  });
  it.each(['', 'not a url', 'file:///etc/passwd', 'ftp://a/t'])('refuses the realm %j', (realm) => {
    expect(() => tokenRequestUrl({ scheme: 'bearer', params: { realm } }, undefined)).toThrow(
      expect.objectContaining({ code: 'protocol' }),
    );
  });
});

describe('parseTokenResponse', () => {
  it.each([
    [
      { token: 't', expires_in: 300 },
      { token: 't', lifetimeMs: 300_000 },
    ],
    [
      { access_token: 'a', expires_in: 120 },
      { token: 'a', lifetimeMs: 120_000 },
    ],
    [
      { token: '', access_token: 'a' },
      { token: 'a', lifetimeMs: 60_000 },
    ],
    [
      { token: 't', expires_in: -5 },
      { token: 't', lifetimeMs: 60_000 },
    ],
    [
      { token: 't', expires_in: '300' },
      { token: 't', lifetimeMs: 60_000 },
    ],
  ])('%j', (body, expected) => {
    expect(parseTokenResponse(body)).toEqual(expected);
  });
  it.each([{}, null, 'x', { token: 5 }])('refuses %j', (body) => {
    expect(() => parseTokenResponse(body)).toThrow(expect.objectContaining({ code: 'protocol' }));
  });
});

describe('TokenCache', () => {
  it('keeps a token until its expiry minus the margin', () => {
    const cache = new TokenCache(10_000);
    cache.set('k', { token: 't', lifetimeMs: 300_000 }, 0);
    expect(cache.get('k', 289_999)).toBe('t');
    expect(cache.get('k', 290_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
  it('uses at most half the lifetime as the margin for short-lived tokens', () => {
    const cache = new TokenCache(10_000);
    cache.set('k', { token: 't', lifetimeMs: 4_000 }, 0);
    expect(cache.get('k', 1_999)).toBe('t');
    expect(cache.get('k', 2_000)).toBeUndefined();
  });
  it('drops expired entries when it stores new ones', () => {
    const cache = new TokenCache();
    cache.set('a', { token: 'a', lifetimeMs: 60_000 }, 0);
    cache.set('b', { token: 'b', lifetimeMs: 60_000 }, 100_000);
    expect(cache.size).toBe(1);
    cache.delete('b');
    expect(cache.get('b', 100_000)).toBeUndefined();
  });
  it('keys by registry, scope and credentials, never holding the password itself', () => {
    const a = TokenCache.key('r', 's', { username: 'u', password: 'secret-canary' });
    expect(a).not.toContain('secret-canary');
    expect(
      new Set([
        a,
        TokenCache.key('r', 's', { username: 'u', password: 'other' }),
        TokenCache.key('r', 's', { username: 'v', password: 'secret-canary' }),
        TokenCache.key('r', 's2', { username: 'u', password: 'secret-canary' }),
        TokenCache.key('r2', 's', { username: 'u', password: 'secret-canary' }),
        TokenCache.key('r', 's', undefined),
      ]).size,
    ).toBe(6);
    expect(TokenCache.key('r', 's', {})).toBe(TokenCache.key('r', 's', undefined));
  });
});
