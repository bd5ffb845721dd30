import { describe, expect, it } from 'vitest';
import { HelmSourceError } from '../../../src/sources/helm/errors.js';
import { selectFrom, selectVersion, toSemver } from '../../../src/sources/helm/select.js';
import type { ChartVersionEntry, ParsedIndex } from '../../../src/sources/helm/types.js';

function indexOf(charts: Record<string, string[]>): ParsedIndex {
  const entries = new Map<string, ChartVersionEntry[]>();
  for (const [name, versions] of Object.entries(charts))
    entries.set(
      name,
      versions.map((version) => ({ name, version, urls: [`${name}-${version}.tgz`], apiVersion: 'v2' })),
    );
  return { apiVersion: 'v1', entries, versions: 0, skipped: [], skippedCount: 0 };
}

const index = indexOf({
  podinfo: [
    '6.5.0',
    '6.4.1',
    '6.4.0',
    '6.10.0',
    '7.0.0-rc.1',
    '7.0.0-rc.2',
    '5.2.1',
    '6.5.1-beta.1',
    'v4.0.0',
  ],
  legacy: ['1.2', '1.3.0', 'v2'],
  build: ['1.0.0+b', '1.0.0+a'],
  empty: [],
});

describe('selectVersion', () => {
  it.each<[string, string | undefined, string]>([
    ['podinfo', undefined, '6.10.0'],
    ['podinfo', '', '6.10.0'],
    ['podinfo', '*', '6.10.0'],
    ['podinfo', '6.4.0', '6.4.0'],
    ['podinfo', '=6.4.1', '6.4.1'],
    ['podinfo', '^6.4.0', '6.10.0'],
    ['podinfo', '~6.4.0', '6.4.1'],
    ['podinfo', '6.4.x', '6.4.1'],
    ['podinfo', '>=6.0.0 <6.5.0', '6.4.1'],
    ['podinfo', '>=6.0.0, <6.5.0', '6.4.1'],
    ['podinfo', '<6', '5.2.1'],
    ['podinfo', '5.x || 4.x', '5.2.1'],
    // Prereleases only when the range names one (and then, as in helm, any prerelease in range).
    ['podinfo', '>=7.0.0-0', '7.0.0-rc.2'],
    ['podinfo', '>=6.5.1-0 <7.0.0-0', '6.10.0'],
    ['podinfo', '7.0.0-rc.1', '7.0.0-rc.1'],
    ['podinfo', '>6.5.0', '6.10.0'],
    // Pinned exactly as written, even with a v prefix.
    ['podinfo', 'v4.0.0', 'v4.0.0'],
    ['podinfo', '4.0.0', 'v4.0.0'],
    // Versions as lenient as helm's parser: 1.2 is 1.2.0, v2 is 2.0.0.
    ['legacy', '~1.2.0', '1.2'],
    ['legacy', '>=1.0.0', 'v2'],
    // Equal versions are told apart by build metadata, so the pick is stable.
    ['build', '1.0.0', '1.0.0+b'],
    ['build', '1.0.0+a', '1.0.0+a'],
  ])('%s %s -> %s', (chart, range, want) => {
    expect(selectVersion(index, chart, range).version).toBe(want);
  });

  it.each<[string, string, RegExp]>([
    [
      'podinfo',
      '>=8.0.0',
      /no version matches '>=8.0.0'; closest available: 6.10.0, 6.5.0, 6.4.1, 6.4.0, 5.2.1 \(of 9\)$/,
    ],
    ['podinfo', '6.6.0', /closest available: 6.10.0, 6.5.0, 6.4.1, 6.4.0, 5.2.1 \(of 9\)$/],
    ['podinfo', '^3.0.0', /closest available: 5.2.1, v4.0.0 \(of 9\)$/],
    [
      'podinfo',
      '>=8.0.0-0',
      /closest available: 7.0.0-rc.2, 7.0.0-rc.1, 6.10.0, 6.5.1-beta.1, 6.5.0 \(of 9\)$/,
    ],
    ['podinfo', '<1.0.0', /closest available: 5.2.1, v4.0.0 \(of 9\)/],
    [
      'empty',
      '1.0.0',
      /chart 'empty' in HelmRepository default\/charts: no version matches '1.0.0'; it has no versions/,
    ],
    ['podinfo', 'not a range!', /version 'not a range!' is not a valid semver range/],
  ])('%s %s fails naming the closest versions', (chart, range, message) => {
    const err = (() => {
      try {
        selectVersion(index, chart, range, 'HelmRepository default/charts');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(HelmSourceError);
    expect((err as HelmSourceError).code).toBe('ChartNotFound');
    expect((err as HelmSourceError).message).toMatch(message);
  });

  it('lists the closest versions in the error data', () => {
    try {
      selectVersion(index, 'podinfo', '6.6.0');
      expect.unreachable();
    } catch (e) {
      expect((e as HelmSourceError).data.available).toEqual(['6.10.0', '6.5.0', '6.4.1', '6.4.0', '5.2.1']);
    }
  });

  it.each([
    ['podinfoo', /chart 'podinfoo' not found in HelmRepository default\/charts; similar charts: podinfo$/],
    ['Podinfo', /similar charts: podinfo$/],
    ['nginx', /chart 'nginx' not found in HelmRepository default\/charts$/],
  ])('names similar charts for an unknown chart %s', (chart, message) => {
    expect(() => selectVersion(index, chart, undefined, 'HelmRepository default/charts')).toThrow(message);
  });
});

describe('selectFrom', () => {
  it('works on any candidates, e.g. OCI tags', () => {
    const tags = ['1.0.0', '1.1.0_build.1', 'latest', 'sha256-abc.sig', '1.1.0'];
    const pick = selectFrom(tags, (t) => t.replaceAll('_', '+'), '^1.0.0', 'chart x');
    expect(pick).toBe('1.1.0_build.1');
  });
});

describe('toSemver', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['1.2', '1.2.0'],
    ['v2', '2.0.0'],
    ['1.2-rc.1', '1.2.0-rc.1'],
    ['1.0.0+build', '1.0.0'],
  ])('%s is %s', (raw, want) => {
    expect(toSemver(raw)?.version).toBe(want);
  });

  it.each(['latest', '', '1.2.3.4', 'x1.0.0'])('%s is not a version', (raw) => {
    expect(toSemver(raw)).toBeUndefined();
  });
});
