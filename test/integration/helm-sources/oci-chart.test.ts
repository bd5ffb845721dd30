/**
 * ChartFetcher against the real docker-registry: charts packaged by the real `helm package`, pushed as OCI
 * artifacts as `helm push` does, resolved by semver over the tags, checked and cached.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmRepository } from '../../../src/api/index.js';
import { validateHelmRepository } from '../../../src/api/index.js';
import { ChartFetcher, HelmSourceError } from '../../../src/sources/helm/index.js';
import type { PackagedChart } from '../../harness/helm-repo.js';
import { packageChart } from '../../harness/helm-repo.js';
import type { RegistryHandle } from '../../harness/registry.js';
import { startRegistry } from '../../harness/registry.js';

const CHARTS = join(import.meta.dirname, '../../fixtures/helm/podinfo');
const limits = { maxChartBytes: 1024 * 1024, maxChartExpandedBytes: 8 * 1024 * 1024, maxExpansionRatio: 200 };

let reg: RegistryHandle;
let dir: string;
const pushed: Record<string, PackagedChart & { layerDigest: string }> = {};

function ociRepository(registry: RegistryHandle, extra: Record<string, unknown> = {}): HelmRepository {
  const checked = validateHelmRepository({
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'HelmRepository',
    metadata: { name: 'charts', namespace: 'default' },
    spec: { url: `oci://${registry.host}/charts`, type: 'oci', insecure: true, interval: '5m', ...extra },
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.value;
}

beforeAll(async () => {
  reg = await startRegistry({ auth: 'htpasswd' });
  dir = await mkdtemp(join(tmpdir(), 'steward-oci-charts-'));
  const home = join(dir, 'helm-home');
  for (const version of ['1.0.0', '1.1.0']) {
    const chart = await packageChart(join(CHARTS, version), dir, home);
    const r = await reg.pushHelmChart('charts/podinfo', chart.bytes, {
      name: 'podinfo',
      version,
      apiVersion: 'v2',
    });
    pushed[version] = { ...chart, layerDigest: r.layerDigest };
  }
  // Tags that are not versions, as registries often hold: they are not candidates.
  await reg.pushImage('charts/podinfo', 'latest');
  await reg.pushImage('charts/podinfo', '9.9.9-not-a-chart');
}, 60_000);

afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const auth = () => ({ username: reg.username, password: reg.password });

describe('ChartFetcher over OCI', () => {
  it('resolves the range over the tags, fetches the chart layer, and caches it', async () => {
    const fetcher = new ChartFetcher({ cacheDir: join(dir, 'cache-a'), limits });
    const before = reg.requests().length;
    const chart = await fetcher.fetch({
      repository: ociRepository(reg),
      chart: 'podinfo',
      version: '^1.0.0',
      auth: auth(),
    });
    expect(chart.version).toBe('1.1.0');
    expect(chart.digest).toBe(pushed['1.1.0']?.layerDigest);
    expect(chart.digest).toBe(pushed['1.1.0']?.digest);
    expect(chart.revision).toBe(`1.1.0@${pushed['1.1.0']?.digest}`);
    expect(await readFile(join(chart.dir, 'templates', 'settings.yaml'), 'utf8')).toContain(
      'podinfo-settings',
    );
    const paths = reg
      .requests()
      .slice(before)
      .map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`);
    expect(paths).toContain('GET /v2/charts/podinfo/tags/list');
    expect(paths.filter((p) => p.includes('/blobs/'))).toHaveLength(1);

    // Within the repository's interval the same request costs nothing at the registry.
    const count = reg.requests().length;
    expect(
      await fetcher.fetch({
        repository: ociRepository(reg),
        chart: 'podinfo',
        version: '^1.0.0',
        auth: auth(),
      }),
    ).toEqual(chart);
    expect(reg.requests().length).toBe(count);
  });

  it('fetches a pinned version without listing tags, and finds a chart cached under another range', async () => {
    const fetcher = new ChartFetcher({ cacheDir: join(dir, 'cache-b'), limits });
    const before = reg.requests().length;
    const pinned = await fetcher.fetch({
      repository: ociRepository(reg),
      chart: 'podinfo',
      version: '1.0.0',
      auth: auth(),
    });
    expect(pinned).toMatchObject({ version: '1.0.0', digest: pushed['1.0.0']?.digest });
    const paths = reg
      .requests()
      .slice(before)
      .map((r) => r.path);
    expect(paths.some((p) => p.includes('/tags/list'))).toBe(false);

    const mid = reg.requests().length;
    const ranged = await fetcher.fetch({
      repository: ociRepository(reg),
      chart: 'podinfo',
      version: '~1.0.0',
      auth: auth(),
    });
    expect(ranged).toEqual(pinned);
    // Tags and manifest are asked for (a new range), the blob is not (same digest, already on disk).
    expect(
      reg
        .requests()
        .slice(mid)
        .some((r) => r.path.includes('/blobs/')),
    ).toBe(false);
  });

  it('downloads once when several Syncs ask at the same time', async () => {
    const fetcher = new ChartFetcher({ cacheDir: join(dir, 'cache-c'), limits });
    const before = reg.requests().length;
    const got = await Promise.all(
      Array.from({ length: 4 }, () =>
        fetcher.fetch({ repository: ociRepository(reg), chart: 'podinfo', version: '1.1.0', auth: auth() }),
      ),
    );
    expect(new Set(got.map((c) => c.dir)).size).toBe(1);
    expect(
      reg
        .requests()
        .slice(before)
        .filter((r) => r.path.includes('/blobs/') && r.status === 200),
    ).toHaveLength(1);
  });

  it('says which chart or version is missing', async () => {
    const fetcher = new ChartFetcher({ cacheDir: join(dir, 'cache-d'), limits });
    const missing = (await fetcher
      .fetch({ repository: ociRepository(reg), chart: 'nginx', version: '1.0.0', auth: auth() })
      .catch((e: unknown) => e)) as HelmSourceError;
    expect(missing).toBeInstanceOf(HelmSourceError);
    expect(missing.code).toBe('ChartNotFound');
    expect(missing.message).toBe("chart 'nginx' version '1.0.0' not found in HelmRepository default/charts");
    const noMatch = (await fetcher
      .fetch({ repository: ociRepository(reg), chart: 'podinfo', version: '>=2.0.0', auth: auth() })
      .catch((e: unknown) => e)) as HelmSourceError;
    expect(noMatch.code).toBe('ChartNotFound');
    expect(noMatch.message).toBe(
      "chart 'podinfo' in HelmRepository default/charts: no version matches '>=2.0.0'; closest available: 1.1.0, 1.0.0 (of 3)",
    );
    // A semver tag on something that is not a chart.
    const image = (await fetcher
      .fetch({ repository: ociRepository(reg), chart: 'podinfo', version: '>=9.0.0-0', auth: auth() })
      .catch((e: unknown) => e)) as HelmSourceError;
    expect(image.code).toBe('InvalidChart');
    expect(image.message).toBe(
      "chart 'podinfo' version '9.9.9-not-a-chart' in HelmRepository default/charts: the manifest has no layer of type application/vnd.cncf.helm.chart.content.v1.tar+gzip; is it a Helm chart?",
    );
  });

  it('fails on wrong credentials without leaking them', async () => {
    const fetcher = new ChartFetcher({ cacheDir: join(dir, 'cache-e'), limits });
    const err = (await fetcher
      .fetch({
        repository: ociRepository(reg),
        chart: 'podinfo',
        auth: { username: reg.username, password: 'wrong-password' },
      })
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).not.toContain('wrong-password');
    expect((err as { code?: string }).code).toBe('unauthorized');
  });
});
