import { describe, expect, it } from 'vitest';
import {
  chartVersionTag,
  checkReference,
  checkRepository,
  isDigestReference,
  joinRepository,
  parseOciUrl,
  registryBaseUrl,
} from '../../../src/sources/oci/url.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('parseOciUrl', () => {
  it.each([
    ['oci://ghcr.io/stefanprodan/charts', 'ghcr.io', 'stefanprodan/charts'],
    ['oci://127.0.0.1:5000/charts/x', '127.0.0.1:5000', 'charts/x'],
    ['oci://Registry.Example.COM:443/a/', 'registry.example.com:443', 'a'],
    ['oci://registry.example.com', 'registry.example.com', ''],
    ['oci://localhost:5000/a.b/c_d/e__f/g-h/i--j', 'localhost:5000', 'a.b/c_d/e__f/g-h/i--j'],
    ['oci://[::1]:5000/charts', '[::1]:5000', 'charts'],
  ])('%s', (url, registry, repository) => {
    expect(parseOciUrl(url)).toEqual({ registry, repository });
  });

  it.each([
    ['https://ghcr.io/charts', 'must start with oci://'],
    ['oci://user:pw@ghcr.io/charts', 'must not contain credentials'],
    ['oci://ghcr.io/charts?x=1', 'query or fragment'],
    ['oci://ghcr.io/charts#x', 'query or fragment'],
    ['oci://ghcr.io/Charts', 'repository name "Charts" is not valid'],
    ['oci://ghcr.io/a//b', 'is not valid'],
    ['oci://ghcr.io/a/../b', 'is not valid'],
    ['oci://ghcr.io/-a', 'is not valid'],
    ['oci://gh_cr.io/a', 'registry host'],
    ['oci://ghcr.io:99999/a', 'out of range'],
    ['oci://', 'registry host'],
  ])('refuses %s', (url, message) => {
    expect(() => parseOciUrl(url)).toThrow(
      expect.objectContaining({ code: 'invalid', message: expect.stringContaining(message) }),
    );
  });

  it('never echoes the credentials it refuses', () => {
    try {
      parseOciUrl('oci://user:s3cret-canary@ghcr.io/charts');
    } catch (err) {
      expect(String(err)).not.toContain('s3cret-canary');
      return;
    }
    throw new Error('expected a refusal');
  });
});

describe('names', () => {
  it.each(['charts/podinfo', 'a', 'a/b/c', 'a0.b-c_d'])('repository %s is valid', (r) => {
    expect(checkRepository(r)).toBe(r);
  });
  it.each(['', 'A', 'a/', '/a', 'a..b', 'a/./b', 'a?b', 'a b', 'a'.repeat(256)])(
    'repository %j is not',
    (r) => {
      expect(() => checkRepository(r)).toThrow(expect.objectContaining({ code: 'invalid' }));
    },
  );
  it.each(['1.0.0', 'v1.2.3', '1.0.0_build.1', 'latest', '_x', digest, `sha512:${'b'.repeat(128)}`])(
    'reference %s is valid',
    (r) => {
      expect(checkReference(r)).toBe(r);
    },
  );
  it.each(['', '.x', '-x', '1.0.0+build', 'a/b', '../x', 'x?y', 'a'.repeat(129), 'sha256:'])(
    'reference %j is not',
    (r) => {
      expect(() => checkReference(r)).toThrow(expect.objectContaining({ code: 'invalid' }));
    },
  );
  it('tells digests from tags', () => {
    expect([isDigestReference(digest), isDigestReference('1.0.0')]).toEqual([true, false]);
  });
  it('joins repositories and writes chart versions as tags', () => {
    expect(joinRepository('charts', 'podinfo')).toBe('charts/podinfo');
    expect(joinRepository('', 'podinfo')).toBe('podinfo');
    expect(() => joinRepository('charts', '../x')).toThrow();
    expect(chartVersionTag('1.0.0+build.1')).toBe('1.0.0_build.1');
  });
  it('builds the base URL, http only when insecure', () => {
    expect(registryBaseUrl('ghcr.io', false)).toBe('https://ghcr.io');
    expect(registryBaseUrl('127.0.0.1:5000', true)).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('docker.io', false)).toBe('https://registry-1.docker.io');
  });
});
