/**
 * Fetches the chart a Sync asks for, once: from an HTTP repository through the shared index (the version's
 * first URL, relative to the repository or absolute), or from an OCI registry through the OCI client; checks
 * the archive against the digest the index or registry gave; and keeps it extracted in the chart cache, so the
 * next Sync using the same chart, version and digest reads it from disk. A fetch of a chart already being
 * fetched waits for that one instead of downloading it again.
 *
 * Credentials go only to the repository's own host: a chart URL on another host is fetched anonymously, as
 * helm does unless told to `--pass-credentials`.
 */
import { createHash } from 'node:crypto';
import type { HelmRepository } from '../../api/index.js';
import { parseDuration } from '../../api/index.js';
import type { OciClientOptions, RegistryAuth } from '../oci/index.js';
import { joinRepository, OciClient, parseOciUrl, TokenCache } from '../oci/index.js';
import { ChartCache } from './chart-cache.js';
import { HelmSourceError, redactUrl } from './errors.js';
import { download } from './http.js';
import type { OciChartRegistry, OciResolution } from './oci-chart.js';
import { resolveOciChart } from './oci-chart.js';
import { selectVersion } from './select.js';
import type { BasicAuth, ChartLimits, FetchedChart, ParsedIndex } from './types.js';

export interface ChartFetcherOptions {
  /** Where extracted charts are kept: `<artifactsDir>/helm/charts`. */
  cacheDir: string;
  limits: ChartLimits;
  /** Charts kept on disk; the least recently used beyond this are removed. Default {@link DEFAULT_MAX_CACHED_CHARTS}. */
  maxCachedCharts?: number;
  userAgent?: string;
  /** Makes the OCI client for a registry; the default is a real OciClient sharing one token cache. */
  ociClient?: (opts: OciClientOptions) => OciChartRegistry;
  now?: () => number;
}

export interface FetchOptions {
  repository: HelmRepository;
  chart: string;
  /** A semver range or an exact version; the highest stable version when absent. */
  version?: string;
  auth?: RegistryAuth | BasicAuth;
  /** The repository's parsed index (HTTP repositories), from the shared HelmIndexCache. */
  index?: ParsedIndex;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_CACHED_CHARTS = 64;

export class ChartFetcher {
  private readonly cache: ChartCache;
  private readonly inflight = new Map<string, Promise<FetchedChart>>();
  /** For index entries without a digest: the digest each URL (and indexing time) gave last time. */
  private readonly digestByUrl = new Map<string, string>();
  /** OCI version resolutions, reused for the repository's interval: tags are listed once per interval. */
  private readonly ociResolved = new Map<string, { at: number; resolution: OciResolution }>();
  private readonly tokens = new TokenCache();
  private readonly now: () => number;

  constructor(private readonly opts: ChartFetcherOptions) {
    this.now = opts.now ?? Date.now;
    this.cache = new ChartCache({
      dir: opts.cacheDir,
      maxEntries: opts.maxCachedCharts ?? DEFAULT_MAX_CACHED_CHARTS,
      limits: opts.limits,
      now: this.now,
    });
  }

  /** The chart, from the cache or downloaded, checked and extracted. */
  fetch(opts: FetchOptions): Promise<FetchedChart> {
    return opts.repository.spec.type === 'oci' ? this.fetchOci(opts) : this.fetchHttp(opts);
  }

  private async fetchHttp(opts: FetchOptions): Promise<FetchedChart> {
    const repo = opts.repository;
    const where = `HelmRepository ${repo.metadata.namespace}/${repo.metadata.name}`;
    if (opts.index === undefined) throw new HelmSourceError('ChartNotFound', `${where} has no index yet`);
    const entry = selectVersion(opts.index, opts.chart, opts.version, where);
    const what = `chart ${opts.chart} ${entry.version} of ${where}`;
    const first = entry.urls[0];
    if (first === undefined)
      throw new HelmSourceError('InvalidIndex', `${what}: the index gives no download URL`);
    const url = chartUrl(first, repo.spec.url, what);
    // Without a digest in the index, the URL and the time the version was indexed stand for the archive.
    const urlKey = `${url}|${entry.created ?? ''}`;
    const expected =
      entry.digest === undefined ? this.digestByUrl.get(urlKey) : normaliseHex(entry.digest, what);
    if (expected !== undefined) {
      const hit = await this.cache.get(expected, opts.chart, entry.version);
      if (hit !== undefined) return hit;
    }
    return this.once(expected === undefined ? `url:${urlKey}` : `digest:${expected}`, async () => {
      const res = await download(url, {
        auth: opts.auth,
        authOrigin: new URL(repo.spec.url).origin,
        allowHttp: repo.spec.insecure === true,
        timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
        maxBytes: this.opts.limits.maxChartBytes,
        what,
        limitName: 'helm.maxChartBytes',
        userAgent: this.opts.userAgent,
        signal: opts.signal,
      });
      if (res.notModified) throw new HelmSourceError('Network', `${what}: unexpected 304 answer`);
      const hex = sha256Hex(res.body);
      if (entry.digest !== undefined && hex !== expected)
        throw new HelmSourceError(
          'DigestMismatch',
          `${what}: the archive's digest is sha256:${hex}, the index says sha256:${expected}`,
        );
      const chart =
        (await this.cache.get(hex, opts.chart, entry.version)) ??
        (await this.cache.put(res.body, hex, opts.chart, entry.version, what));
      if (entry.digest === undefined) this.digestByUrl.set(urlKey, hex);
      return chart;
    });
  }

  private async fetchOci(opts: FetchOptions): Promise<FetchedChart> {
    const repo = opts.repository;
    const where = `HelmRepository ${repo.metadata.namespace}/${repo.metadata.name}`;
    const loc = parseOciUrl(repo.spec.url);
    const repository = joinRepository(loc.repository, opts.chart);
    // A resolution is proof that these credentials could read the chart: it is never shared with another
    // HelmRepository or other credentials, or an anonymous repository would get a private chart from the cache.
    const who = createHash('sha256')
      .update(JSON.stringify([repo.metadata.namespace, repo.metadata.name, opts.auth ?? null]))
      .digest('hex');
    const key = `${who}|${loc.registry}/${repository}|${opts.version ?? ''}`;
    const intervalMs = parseDuration(repo.spec.interval);
    const known = this.ociResolved.get(key);
    if (known !== undefined && this.now() - known.at < intervalMs) {
      const hit = await this.cachedOci(known.resolution, opts.chart);
      if (hit !== undefined) return hit;
    }
    const client = this.ociClient(loc.registry, repo, opts.auth);
    const resolution = await resolveOciChart(
      client,
      repository,
      opts.chart,
      opts.version,
      where,
      opts.signal,
    );
    this.ociResolved.set(key, { at: this.now(), resolution });
    const what = `chart ${opts.chart} ${resolution.version} of ${where}`;
    const hit = await this.cachedOci(resolution, opts.chart);
    if (hit !== undefined) return hit;
    const max = this.opts.limits.maxChartBytes;
    if (resolution.layerSize !== undefined && resolution.layerSize > max)
      throw new HelmSourceError(
        'UnsafeArchive',
        `${what}: the archive is ${resolution.layerSize} bytes, over the ${max} byte limit (helm.maxChartBytes)`,
      );
    return this.once(`digest:${resolution.layerDigest}`, async () => {
      // The client checks the blob against its digest while reading it, and stops at the cap.
      const tgz = await client.getBlob(
        repository,
        resolution.layerDigest,
        max,
        opts.signal ? { signal: opts.signal } : {},
      );
      const hex = sha256Hex(tgz);
      return (
        (await this.cache.get(hex, opts.chart, resolution.version)) ??
        (await this.cache.put(tgz, hex, opts.chart, resolution.version, what))
      );
    });
  }

  private async cachedOci(r: OciResolution, chart: string): Promise<FetchedChart | undefined> {
    const m = /^sha256:([0-9a-f]{64})$/.exec(r.layerDigest);
    return m?.[1] === undefined ? undefined : this.cache.get(m[1], chart, r.version);
  }

  private ociClient(
    registry: string,
    repo: HelmRepository,
    auth: RegistryAuth | undefined,
  ): OciChartRegistry {
    const options: OciClientOptions = {
      registry,
      insecure: repo.spec.insecure === true,
      timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
      tokenCache: this.tokens,
      ...(auth !== undefined ? { auth } : {}),
      ...(this.opts.userAgent !== undefined ? { userAgent: this.opts.userAgent } : {}),
    };
    return this.opts.ociClient?.(options) ?? new OciClient(options);
  }

  /** Runs `work` unless a fetch with the same key is under way, in which case its result is shared. */
  private once(key: string, work: () => Promise<FetchedChart>): Promise<FetchedChart> {
    const running = this.inflight.get(key);
    if (running !== undefined) return running;
    const p = work().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }
}

/**
 * The download URL of a chart: absolute as given, or relative to the repository URL treated as a directory
 * (helm's ResolveReferenceURL), so `podinfo-6.5.0.tgz` under `https://h/charts` is `https://h/charts/podinfo-6.5.0.tgz`.
 */
export function chartUrl(ref: string, repositoryUrl: string, what: string): string {
  try {
    const base = new URL(repositoryUrl);
    base.pathname = `${base.pathname.replace(/\/+$/, '')}/`;
    return new URL(ref, base).href;
  } catch {
    throw new HelmSourceError(
      'InvalidIndex',
      `${what}: the download URL ${JSON.stringify(redactUrl(ref))} is not valid`,
    );
  }
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The index's digest as lower-case hex (helm writes bare hex; some servers add `sha256:`). */
function normaliseHex(digest: string, what: string): string {
  const hex = digest.replace(/^sha256:/, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new HelmSourceError(
      'InvalidIndex',
      `${what}: the index digest ${JSON.stringify(digest.slice(0, 80))} is not a sha256`,
    );
  return hex;
}
