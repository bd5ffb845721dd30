/**
 * ChartFetcher against real servers: a static Helm repository serving what the real `helm package` built, and
 * fixture servers for a second host, a lying index and a hostile archive.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmRepository } from '../../../src/api/index.js';
import { validateHelmRepository } from '../../../src/api/index.js';
import type { ParsedIndex } from '../../../src/sources/helm/index.js';
import { ChartFetcher, fetchIndex, HelmSourceError, parseIndex } from '../../../src/sources/helm/index.js';
import type { HelmRepoServer, PackagedChart } from '../../harness/helm-repo.js';
import { startHelmRepo } from '../../harness/helm-repo.js';
import { chartEntries, tarball } from '../../unit/helm-sources/tarball.js';
import { body, type FixtureServer, startFixtureServer } from './http-fixture.js';

const CHARTS = join(import.meta.dirname, '../../fixtures/helm/podinfo');
const limits = { maxChartBytes: 1024 * 1024, maxChartExpandedBytes: 8 * 1024 * 1024, maxExpansionRatio: 200 };

let repo: HelmRepoServer;
let charts: { v100: PackagedChart; v110: PackagedChart };
let fixture: FixtureServer;
let other: FixtureServer;
let dir: string;

function helmRepository(url: string, extra: Record<string, unknown> = {}): HelmRepository {
  const checked = validateHelmRepository({
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'HelmRepository',
    metadata: { name: 'podinfo', namespace: 'default' },
    spec: { url, insecure: true, interval: '5m', ...extra },
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.value;
}

async function indexOf(url: string): Promise<ParsedIndex> {
  const r = await fetchIndex({
    url,
    insecure: true,
    timeoutMs: 5_000,
    maxBytes: 1 << 20,
    repository: 'test',
  });
  if (r.notModified) throw new Error('unexpected 304');
  return r.index;
}

const tgzRequests = (r: HelmRepoServer) => r.requests().filter((q) => q.url.endsWith('.tgz')).length;

beforeAll(async () => {
  repo = await startHelmRepo();
  charts = {
    v100: await repo.addChart(join(CHARTS, '1.0.0')),
    v110: await repo.addChart(join(CHARTS, '1.1.0')),
  };
  fixture = await startFixtureServer();
  other = await startFixtureServer();
  dir = await mkdtemp(join(tmpdir(), 'steward-charts-'));
}, 30_000);

afterAll(async () => {
  await repo?.stop();
  await fixture?.stop();
  await other?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<HelmSourceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HelmSourceError);
  return err as HelmSourceError;
}

describe('ChartFetcher over HTTP', () => {
  it('fetches the highest matching version once, then serves it from the cache', async () => {
    const fetcher = new ChartFetcher({ cacheDir: join(dir, 'a'), limits });
    const index = await indexOf(repo.url);
    const before = tgzRequests(repo);
    const chart = await fetcher.fetch({
      repository: helmRepository(repo.url),
      chart: 'podinfo',
      version: '^1.0.0',
      index,
    });
    expect(chart).toMatchObject({ name: 'podinfo', version: '1.1.0', digest: charts.v110.digest });
    expect(chart.revision).toBe(`1.1.0@${charts.v110.digest}`);
    expect(await readFile(join(chart.dir, 'Chart.yaml'), 'utf8')).toContain('version: 1.1.0');
    expect((await readdir(join(chart.dir, 'templates'))).sort()).toEqual([
      'deployment.yaml',
      'service.yaml',
      'settings.yaml',
    ]);
    expect(tgzRequests(repo) - before).toBe(1);

    const again = await fetcher.fetch({
      repository: helmRepository(repo.url),
      chart: 'podinfo',
      version: '1.1.x',
      index,
    });
    expect(again).toEqual(chart);
    // A new fetcher over the same directory (an agent restart) finds it on disk too.
    const restarted = new ChartFetcher({ cacheDir: join(dir, 'a'), limits });
    expect(await restarted.fetch({ repository: helmRepository(repo.url), chart: 'podinfo', index })).toEqual(
      chart,
    );
    expect(tgzRequests(repo) - before).toBe(1);
  });

  it('downloads a chart once when several Syncs ask at the same time', async () => {
    const fetcher = new ChartFetcher({ cacheDir: join(dir, 'b'), limits });
    const index = await indexOf(repo.url);
    const before = tgzRequests(repo);
    const got = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetcher.fetch({ repository: helmRepository(repo.url), chart: 'podinfo', version: '1.0.0', index }),
      ),
    );
    expect(new Set(got.map((c) => c.dir)).size).toBe(1);
    expect(got[0]?.digest).toBe(charts.v100.digest);
    expect(tgzRequests(repo) - before).toBe(1);
  });

  it('resolves relative URLs against the repository and sends credentials to its host only', async () => {
    const auth = `Basic ${Buffer.from('reader:pw').toString('base64')}`;
    other.route('/elsewhere/podinfo-1.1.0.tgz', body(charts.v110.bytes));
    fixture.route('/charts/podinfo-1.0.0.tgz', body(charts.v100.bytes));
    const index = parseIndex(`apiVersion: v1
entries:
  podinfo:
  - {name: podinfo, version: 1.0.0, apiVersion: v2, urls: [podinfo-1.0.0.tgz]}
  - {name: podinfo, version: 1.1.0, apiVersion: v2, urls: ["${other.url}/elsewhere/podinfo-1.1.0.tgz"]}
`);
    const fetcher = new ChartFetcher({ cacheDir: join(dir, 'c'), limits });
    const repository = helmRepository(`${fixture.url}/charts/`);
    const relative = await fetcher.fetch({
      repository,
      chart: 'podinfo',
      version: '1.0.0',
      index,
      auth: { username: 'reader', password: 'pw' },
    });
    expect(relative.digest).toBe(charts.v100.digest);
    expect(fixture.requests.find((r) => r.path === '/charts/podinfo-1.0.0.tgz')?.authorization).toBe(auth);
    const absolute = await fetcher.fetch({
      repository,
      chart: 'podinfo',
      version: '1.1.0',
      index,
      auth: { username: 'reader', password: 'pw' },
    });
    expect(absolute.digest).toBe(charts.v110.digest);
    const req = other.requests.find((r) => r.path === '/elsewhere/podinfo-1.1.0.tgz');
    expect(req).toBeDefined();
    expect(req?.authorization).toBeUndefined();
  });

  it('refuses an archive whose digest is not the one in the index, and caches nothing', async () => {
    fixture.route('/lying/podinfo-1.0.0.tgz', body(charts.v110.bytes));
    const wrong = createHash('sha256').update('something else').digest('hex');
    const index = parseIndex(
      `apiVersion: v1\nentries:\n  podinfo:\n  - {name: podinfo, version: 1.0.0, digest: ${wrong}, urls: [podinfo-1.0.0.tgz]}\n`,
    );
    const cacheDir = join(dir, 'd');
    const err = await failure(
      new ChartFetcher({ cacheDir, limits }).fetch({
        repository: helmRepository(`${fixture.url}/lying`),
        chart: 'podinfo',
        index,
      }),
    );
    expect(err.code).toBe('DigestMismatch');
    expect(err.message).toBe(
      `chart podinfo 1.0.0 of HelmRepository default/podinfo: the archive's digest is ${charts.v110.digest}, the index says sha256:${wrong}`,
    );
    expect(await readdir(cacheDir).catch(() => [])).toEqual([]);
  });

  it('refuses an archive that holds another chart than the index says', async () => {
    fixture.route('/swapped/podinfo-1.0.0.tgz', body(charts.v110.bytes));
    const index = parseIndex(
      'apiVersion: v1\nentries:\n  podinfo:\n  - {name: podinfo, version: 1.0.0, urls: [podinfo-1.0.0.tgz]}\n',
    );
    const err = await failure(
      new ChartFetcher({ cacheDir: join(dir, 'e'), limits }).fetch({
        repository: helmRepository(`${fixture.url}/swapped`),
        chart: 'podinfo',
        index,
      }),
    );
    expect(err.code).toBe('InvalidChart');
    expect(err.message).toMatch(/holds chart 'podinfo' version '1.1.0', not 'podinfo' version '1.0.0'/);
  });

  it('refuses a hostile archive as a whole, naming the entry', async () => {
    const evil = tarball([
      ...chartEntries('podinfo'),
      { path: 'podinfo/templates/x.yaml', type: 'SymbolicLink', linkpath: '/etc/shadow' },
    ]);
    fixture.route('/evil/podinfo-1.0.0.tgz', body(evil));
    const index = parseIndex(
      'apiVersion: v1\nentries:\n  podinfo:\n  - {name: podinfo, version: 1.0.0, urls: [podinfo-1.0.0.tgz]}\n',
    );
    const cacheDir = join(dir, 'f');
    const err = await failure(
      new ChartFetcher({ cacheDir, limits }).fetch({
        repository: helmRepository(`${fixture.url}/evil`),
        chart: 'podinfo',
        index,
      }),
    );
    expect(err.code).toBe('UnsafeArchive');
    expect(err.message).toBe(
      'chart podinfo 1.0.0 of HelmRepository default/podinfo: entry "podinfo/templates/x.yaml" is a symbolic link; charts may hold only files and directories',
    );
    expect((await readdir(cacheDir)).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('caps the download at maxChartBytes', async () => {
    const index = await indexOf(repo.url);
    const err = await failure(
      new ChartFetcher({ cacheDir: join(dir, 'g'), limits: { ...limits, maxChartBytes: 512 } }).fetch({
        repository: helmRepository(repo.url),
        chart: 'podinfo',
        index,
      }),
    );
    expect(err.code).toBe('TooLarge');
    expect(err.message).toBe(
      'chart podinfo 1.1.0 of HelmRepository default/podinfo is larger than the 512 byte limit (helm.maxChartBytes)',
    );
  });

  it('names the closest versions when none matches', async () => {
    const index = await indexOf(repo.url);
    const err = await failure(
      new ChartFetcher({ cacheDir: join(dir, 'h'), limits }).fetch({
        repository: helmRepository(repo.url),
        chart: 'podinfo',
        version: '>=2.0.0',
        index,
      }),
    );
    expect(err.code).toBe('ChartNotFound');
    expect(err.message).toBe(
      "chart 'podinfo' in HelmRepository default/podinfo: no version matches '>=2.0.0'; closest available: 1.1.0, 1.0.0",
    );
  });

  it('evicts the least recently used charts beyond the limit', async () => {
    let now = Date.now();
    const cacheDir = join(dir, 'i');
    const fetcher = new ChartFetcher({ cacheDir, limits, maxCachedCharts: 1, now: () => now });
    const index = await indexOf(repo.url);
    const first = await fetcher.fetch({
      repository: helmRepository(repo.url),
      chart: 'podinfo',
      version: '1.0.0',
      index,
    });
    now += 60 * 60_000;
    const second = await fetcher.fetch({
      repository: helmRepository(repo.url),
      chart: 'podinfo',
      version: '1.1.0',
      index,
    });
    const entries = (await readdir(cacheDir)).filter((n) => !n.startsWith('.'));
    expect(entries).toEqual([second.digest.slice('sha256:'.length)]);
    expect(await readdir(first.dir).catch(() => 'gone')).toBe('gone');
  });

  it('keeps a chart used moments ago even beyond the limit', async () => {
    const cacheDir = join(dir, 'j');
    const fetcher = new ChartFetcher({ cacheDir, limits, maxCachedCharts: 1 });
    const index = await indexOf(repo.url);
    const first = await fetcher.fetch({
      repository: helmRepository(repo.url),
      chart: 'podinfo',
      version: '1.0.0',
      index,
    });
    await fetcher.fetch({ repository: helmRepository(repo.url), chart: 'podinfo', version: '1.1.0', index });
    expect((await readdir(cacheDir)).filter((n) => !n.startsWith('.'))).toHaveLength(2);
    expect(await readFile(join(first.dir, 'Chart.yaml'), 'utf8')).toContain('1.0.0');
  });
});
