import { describe, expect, it } from 'vitest';
import { DigestVerifier, digestOf, parseDigest } from '../../../src/sources/oci/digest.js';

// sha256("hello") and sha512("hello"), computed independently.
const HELLO256 = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const HELLO512 =
  'sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043';

describe('digests', () => {
  it('computes sha256 and sha512', () => {
    expect(digestOf(Buffer.from('hello'))).toBe(HELLO256);
    expect(digestOf(Buffer.from('hello'), 'sha512')).toBe(HELLO512);
  });

  it.each([
    [HELLO256, { algorithm: 'sha256', hex: HELLO256.slice(7) }],
    [HELLO512, { algorithm: 'sha512', hex: HELLO512.slice(7) }],
    [HELLO256.toUpperCase(), undefined],
    [`sha256:${'a'.repeat(63)}`, undefined],
    [`sha256:${'g'.repeat(64)}`, undefined],
    [`md5:${'a'.repeat(32)}`, undefined],
    [`sha384:${'a'.repeat(96)}`, undefined],
    ['a'.repeat(64), undefined],
    ['', undefined],
  ])('parses %j', (digest, expected) => {
    expect(parseDigest(digest)).toEqual(expected);
  });

  it('verifies content fed in chunks', () => {
    const ok = new DigestVerifier(parseDigest(HELLO256)!);
    ok.update(Buffer.from('hel'));
    ok.update(Buffer.from('lo'));
    expect(ok.finish()).toEqual({ actual: HELLO256, matches: true });
    const bad = new DigestVerifier(parseDigest(HELLO512)!);
    bad.update(Buffer.from('hellO'));
    expect(bad.finish()).toEqual({ actual: digestOf(Buffer.from('hellO'), 'sha512'), matches: false });
  });
});
