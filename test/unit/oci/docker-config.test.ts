import { describe, expect, it } from 'vitest';
import { normalizeRegistry, registryAuthFromSecret } from '../../../src/sources/oci/docker-config.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const dockerSecret = (config: unknown) => ({
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': b64(JSON.stringify(config)) },
});

describe('registryAuthFromSecret', () => {
  it('reads username and password keys (basic auth)', () => {
    expect(
      registryAuthFromSecret({ data: { username: b64('bot'), password: b64('pa:ss') } }, 'ghcr.io'),
    ).toEqual({
      username: 'bot',
      password: 'pa:ss',
    });
    expect(registryAuthFromSecret({ data: { password: b64('token-only') } }, 'ghcr.io')).toEqual({
      password: 'token-only',
    });
    expect(registryAuthFromSecret({ data: { other: b64('x') } }, 'ghcr.io')).toBeUndefined();
    expect(registryAuthFromSecret({}, 'ghcr.io')).toBeUndefined();
  });

  it.each([
    [
      'an auth field, split at the first colon',
      { 'ghcr.io': { auth: b64('bot:pa:ss') } },
      'ghcr.io',
      { username: 'bot', password: 'pa:ss' },
    ],
    [
      'username and password fields',
      { 'ghcr.io': { username: 'u', password: 'p' } },
      'ghcr.io',
      { username: 'u', password: 'p' },
    ],
    [
      'auth wins over username/password',
      { 'ghcr.io': { auth: b64('a:b'), username: 'u', password: 'p' } },
      'ghcr.io',
      { username: 'a', password: 'b' },
    ],
    [
      'a key with scheme and path',
      { 'https://registry.example.com:5000/v1/': { auth: b64('u:p') } },
      'registry.example.com:5000',
      { username: 'u', password: 'p' },
    ],
    [
      'keys compared without case',
      { 'Registry.Example.com': { auth: b64('u:p') } },
      'registry.example.com',
      { username: 'u', password: 'p' },
    ],
    [
      'Docker Hub by its index name',
      { 'https://index.docker.io/v1/': { auth: b64('u:p') } },
      'registry-1.docker.io',
      { username: 'u', password: 'p' },
    ],
    ['another registry only', { 'ghcr.io': { auth: b64('u:p') } }, 'quay.io', undefined],
    [
      'the port counts',
      { 'registry.example.com': { auth: b64('u:p') } },
      'registry.example.com:5000',
      undefined,
    ],
    ['no auths at all', {}, 'ghcr.io', undefined],
  ])('docker config: %s', (_name, auths, host, expected) => {
    expect(registryAuthFromSecret(dockerSecret({ auths }), host)).toEqual(expected);
  });

  it('prefers an exact key over one that matches once normalised', () => {
    const auths = { 'https://ghcr.io/v1/': { auth: b64('loose:1') }, 'ghcr.io': { auth: b64('exact:2') } };
    expect(registryAuthFromSecret(dockerSecret({ auths }), 'ghcr.io')).toEqual({
      username: 'exact',
      password: '2',
    });
  });

  it('reads the legacy .dockercfg (auths at the top level)', () => {
    const secret = {
      type: 'kubernetes.io/dockercfg',
      data: { '.dockercfg': b64(JSON.stringify({ 'ghcr.io': { auth: b64('u:p') } })) },
    };
    expect(registryAuthFromSecret(secret, 'ghcr.io')).toEqual({ username: 'u', password: 'p' });
  });

  it.each([
    [
      'not JSON',
      {
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': b64('{"auths": {"ghcr.io": {"auth": "c2VjcmV0LWNhbmFyeQ=="') },
      },
      'not valid JSON',
    ],
    ['no .dockerconfigjson key', { type: 'kubernetes.io/dockerconfigjson', data: {} }, 'must have the key'],
    ['auths not an object', dockerSecret({ auths: ['secret-canary'] }), '"auths" is not an object'],
    [
      'an entry not an object',
      dockerSecret({ auths: { 'ghcr.io': 'secret-canary' } }),
      'entry for ghcr.io is not an object',
    ],
    [
      'auth without a colon',
      dockerSecret({ auths: { 'ghcr.io': { auth: b64('secret-canary') } } }),
      'not base64 of user:password',
    ],
    [
      'only an identity token',
      dockerSecret({ auths: { 'ghcr.io': { identitytoken: 'secret-canary' } } }),
      'no username/password or auth',
    ],
  ])('refuses %s without quoting the Secret', (_name, secret, message) => {
    let err: unknown;
    try {
      registryAuthFromSecret(secret, 'ghcr.io');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'invalid', message: expect.stringContaining(message) });
    expect(`${String(err)} ${JSON.stringify(err)}`).not.toMatch(/secret-canary|c2VjcmV0LWNhbmFyeQ/);
  });
});

describe('normalizeRegistry', () => {
  it.each([
    ['https://Host:5000/v1/', 'host:5000'],
    ['ghcr.io', 'ghcr.io'],
    ['docker.io', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['http://registry-1.docker.io', 'docker.io'],
  ])('%s → %s', (key, expected) => {
    expect(normalizeRegistry(key)).toBe(expected);
  });
});
