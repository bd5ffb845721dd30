import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate, pickChallenge } from '../../../src/sources/oci/challenge.js';

describe('parseWwwAuthenticate', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/nginx:pull',
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Basic realm="a, b", Bearer realm="https://x/token", service=svc',
      [
        { scheme: 'basic', params: { realm: 'a, b' } },
        { scheme: 'bearer', params: { realm: 'https://x/token', service: 'svc' } },
      ],
    ],
    [
      'BEARER  Realm = "https://x/t" , Error="insufficient_scope",scope="repository:a:pull,push"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://x/t', error: 'insufficient_scope', scope: 'repository:a:pull,push' },
        },
      ],
    ],
    ['Bearer realm="a\\"b\\\\c"', [{ scheme: 'bearer', params: { realm: 'a"b\\c' } }]],
    [
      'Negotiate abc123==, Basic realm=x',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    ['Bearer', [{ scheme: 'bearer', params: {} }]],
    ['', []],
    [null, []],
    ['"unterminated', []],
  ])('%j', (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});

describe('pickChallenge', () => {
  it('prefers Bearer with a realm, then Basic', () => {
    expect(pickChallenge(parseWwwAuthenticate('Basic realm=x, Bearer realm="https://t"'))?.scheme).toBe(
      'bearer',
    );
    expect(pickChallenge(parseWwwAuthenticate('Bearer service=x, Basic realm=x'))?.scheme).toBe('basic');
    expect(pickChallenge(parseWwwAuthenticate('Negotiate'))).toBeUndefined();
  });
});
