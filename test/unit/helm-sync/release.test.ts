/** The release digest decides when hooks run: it must move with the release's inputs and only with them. */
import { describe, expect, it } from 'vitest';
import { canonicalJson, type ReleaseInputs, releaseDigest } from '../../../src/reconcile/helm-release.js';

const base: ReleaseInputs = {
  chartDigest: `sha256:${'a'.repeat(64)}`,
  values: { image: { tag: '1.27', repository: 'nginx' }, replicaCount: 1 },
  releaseName: 'web',
  namespace: 'team-a',
  kubeVersion: '1.36.0',
};

describe('releaseDigest', () => {
  it('is a sha256 digest and stable for the same inputs', () => {
    expect(releaseDigest(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(releaseDigest({ ...base })).toBe(releaseDigest(base));
  });

  it('does not depend on the order keys were merged in', () => {
    const reordered = { replicaCount: 1, image: { repository: 'nginx', tag: '1.27' } };
    expect(releaseDigest({ ...base, values: reordered })).toBe(releaseDigest(base));
  });

  it.each<[string, Partial<ReleaseInputs>]>([
    ['chart digest', { chartDigest: `sha256:${'b'.repeat(64)}` }],
    ['a value', { values: { ...base.values, replicaCount: 2 } }],
    ['a nested value', { values: { ...base.values, image: { tag: '1.28', repository: 'nginx' } } }],
    ['a value type', { values: { ...base.values, replicaCount: '1' } }],
    ['release name', { releaseName: 'web2' }],
    ['namespace', { namespace: 'team-b' }],
    ['kube version', { kubeVersion: '1.35.0' }],
  ])('changes with the %s', (_what, change) => {
    expect(releaseDigest({ ...base, ...change })).not.toBe(releaseDigest(base));
  });

  it('does not let a crafted key collide with the structure around it', () => {
    const a = releaseDigest({ ...base, releaseName: 'a', namespace: 'b' });
    const b = releaseDigest({ ...base, releaseName: 'a","namespace":"b', namespace: '' });
    expect(a).not.toBe(b);
  });
});

describe('canonicalJson', () => {
  it.each<[unknown, string]>([
    [{ b: 1, a: [{ d: 1, c: null }] }, '{"a":[{"c":null,"d":1}],"b":1}'],
    [{ a: undefined, b: 'x' }, '{"b":"x"}'],
    [[1, 'two', true], '[1,"two",true]'],
    [null, 'null'],
  ])('%j → %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});
