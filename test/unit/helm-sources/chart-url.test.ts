import { describe, expect, it } from 'vitest';
import { chartUrl } from '../../../src/sources/helm/chart-fetcher.js';
import type { HelmIndexEntry } from '../../../src/sources/helm/index-cache.js';
import { HelmIndexCache } from '../../../src/sources/helm/index-cache.js';
import { indexUrl } from '../../../src/sources/helm/index-fetch.js';

describe('chartUrl (helm ResolveReferenceURL)', () => {
  it.each([
    ['podinfo-6.5.0.tgz', 'https://charts.example.com', 'https://charts.example.com/podinfo-6.5.0.tgz'],
    [
      'podinfo-6.5.0.tgz',
      'https://charts.example.com/stable',
      'https://charts.example.com/stable/podinfo-6.5.0.tgz',
    ],
    [
      'podinfo-6.5.0.tgz',
      'https://charts.example.com/stable/',
      'https://charts.example.com/stable/podinfo-6.5.0.tgz',
    ],
    ['charts/podinfo-6.5.0.tgz', 'https://h/repo', 'https://h/repo/charts/podinfo-6.5.0.tgz'],
    ['/abs/podinfo.tgz', 'https://h/repo', 'https://h/abs/podinfo.tgz'],
    ['https://cdn.example.com/p.tgz', 'https://h/repo', 'https://cdn.example.com/p.tgz'],
    ['p.tgz', 'https://h/repo?token=x', 'https://h/repo/p.tgz'],
  ])('%s under %s is %s', (ref, base, want) => {
    expect(chartUrl(ref, base, 'chart p 1.0.0')).toBe(want);
  });
});

describe('indexUrl', () => {
  it.each([
    ['https://h', 'https://h/index.yaml'],
    ['https://h/charts/', 'https://h/charts/index.yaml'],
    ['https://h/charts//', 'https://h/charts/index.yaml'],
    ['http://127.0.0.1:8080/a/b', 'http://127.0.0.1:8080/a/b/index.yaml'],
  ])('%s -> %s', (repo, want) => {
    expect(indexUrl(repo)).toBe(want);
  });
});

describe('HelmIndexCache', () => {
  const entry = (revision: string): HelmIndexEntry => ({
    index: { apiVersion: 'v1', entries: new Map(), versions: 0, skipped: [], skippedCount: 0 },
    revision,
    digest: revision,
    size: 1,
    url: 'https://h',
    lastUpdateTime: '2024-01-01T00:00:00Z',
  });

  it('tells listeners of new revisions only', () => {
    const cache = new HelmIndexCache();
    const seen: string[] = [];
    const stop = cache.onNewRevision((key, e) => seen.push(`${key}@${e.revision}`));
    cache.set('default', 'podinfo', entry('sha256:a'));
    cache.set('default', 'podinfo', { ...entry('sha256:a'), etag: '"x"' });
    cache.set('default', 'podinfo', entry('sha256:b'));
    cache.set('team-a', 'podinfo', entry('sha256:b'));
    expect(seen).toEqual(['default/podinfo@sha256:a', 'default/podinfo@sha256:b', 'team-a/podinfo@sha256:b']);
    expect(cache.get('default', 'podinfo')?.revision).toBe('sha256:b');
    cache.delete('default', 'podinfo');
    expect(cache.get('default', 'podinfo')).toBeUndefined();
    stop();
    cache.set('default', 'podinfo', entry('sha256:c'));
    expect(seen).toHaveLength(3);
  });
});
