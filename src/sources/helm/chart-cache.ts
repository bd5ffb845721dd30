/**
 * Extracted charts on disk, one directory per archive digest, so a chart used by many Syncs (or by one Sync at
 * every interval) is downloaded and extracted once:
 *
 *   <dir>/<sha256 hex>/chart/       the chart root (FetchedChart.dir)
 *   <dir>/<sha256 hex>/meta.json    name, version, digest, size, fetchedAt
 *   <dir>/.tmp-<id>/                an entry being built; renamed into place when complete
 *
 * A directory that exists is complete (rename is atomic), so a reader never sees half a chart. Beyond
 * `maxEntries` the least recently used entries are removed, except those used within the last few minutes: a
 * Sync may be rendering from one right now.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkChartYaml } from './chart-yaml.js';
import { HelmSourceError } from './errors.js';
import { extractChart } from './extract.js';
import type { ChartLimits, FetchedChart } from './types.js';

const HEX = /^[0-9a-f]{64}$/;
const META = 'meta.json';
const CHART = 'chart';
/** Entries used this recently are never evicted: a render may be reading them. */
const IN_USE_MS = 10 * 60_000;

interface Meta {
  name: string;
  version: string;
  digest: string;
  size: number;
  fetchedAt: string;
}

export interface ChartCacheOptions {
  dir: string;
  maxEntries: number;
  limits: ChartLimits;
  now?: () => number;
}

export class ChartCache {
  private readonly lastUsed = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: ChartCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The cached chart with this digest, when present and holding this name and version. */
  async get(hex: string, name: string, version: string): Promise<FetchedChart | undefined> {
    if (!HEX.test(hex)) return undefined;
    const meta = await readMeta(join(this.opts.dir, hex));
    if (meta === undefined || meta.name !== name || meta.version !== version) return undefined;
    this.lastUsed.set(hex, this.now());
    return this.fetched(hex, meta);
  }

  /**
   * Extracts `tgz` (whose sha256 is `hex`) into the cache and returns it. `what` names the chart in messages.
   * The caller has checked the digest.
   */
  async put(tgz: Buffer, hex: string, name: string, version: string, what: string): Promise<FetchedChart> {
    await mkdir(this.opts.dir, { recursive: true });
    const tmp = join(this.opts.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    const meta: Meta = {
      name,
      version,
      digest: `sha256:${hex}`,
      size: tgz.byteLength,
      fetchedAt: new Date(this.now()).toISOString(),
    };
    try {
      await mkdir(tmp);
      await extractChart(tgz, join(tmp, CHART), this.opts.limits, what);
      await checkChartYaml(join(tmp, CHART), name, version, what);
      await writeFile(join(tmp, META), `${JSON.stringify(meta, null, 2)}\n`);
      await rename(tmp, join(this.opts.dir, hex)).catch(async (err: unknown) => {
        const code = (err as { code?: unknown }).code;
        // Someone else stored the same archive first: theirs is as good as ours.
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      });
    } catch (err) {
      if (err instanceof HelmSourceError) throw err;
      const code = (err as { code?: unknown }).code;
      throw new HelmSourceError('Storage', `${what}: storing the chart failed (${String(code ?? err)})`);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    this.lastUsed.set(hex, this.now());
    await this.evict(hex);
    const stored = await readMeta(join(this.opts.dir, hex));
    if (stored === undefined || stored.name !== name || stored.version !== version)
      throw new HelmSourceError('Storage', `${what}: the cached chart is not the one stored`);
    return this.fetched(hex, stored);
  }

  private fetched(hex: string, meta: Meta): FetchedChart {
    return {
      name: meta.name,
      version: meta.version,
      digest: meta.digest,
      dir: join(this.opts.dir, hex, CHART),
      revision: `${meta.version}@${meta.digest}`,
    };
  }

  /** Removes the least recently used entries beyond the limit, never `keep` nor one in use. */
  private async evict(keep: string): Promise<void> {
    const all = await readdir(this.opts.dir).catch(() => [] as string[]);
    const now = this.now();
    // Leftovers of an agent that died while storing or evicting.
    for (const name of all.filter((n) => n.startsWith('.tmp-'))) {
      const path = join(this.opts.dir, name);
      const mtime = await stat(path).then(
        (s) => s.mtimeMs,
        () => now,
      );
      if (now - mtime > IN_USE_MS) await rm(path, { recursive: true, force: true });
    }
    const names = all.filter((n) => HEX.test(n));
    if (names.length <= this.opts.maxEntries) return;
    const aged: { hex: string; used: number }[] = [];
    for (const hex of names) {
      const used =
        this.lastUsed.get(hex) ??
        (await stat(join(this.opts.dir, hex, META)).then(
          (s) => s.mtimeMs,
          () => 0,
        ));
      aged.push({ hex, used });
    }
    aged.sort((a, b) => a.used - b.used);
    let excess = names.length - this.opts.maxEntries;
    for (const { hex, used } of aged) {
      if (excess <= 0) break;
      if (hex === keep || now - used < IN_USE_MS) continue;
      // The directory disappears under one rename, so no reader sees a chart half deleted.
      const doomed = join(this.opts.dir, `.tmp-evict-${randomBytes(6).toString('hex')}`);
      await rename(join(this.opts.dir, hex), doomed).catch(() => undefined);
      await rm(doomed, { recursive: true, force: true });
      this.lastUsed.delete(hex);
      excess--;
    }
  }
}

async function readMeta(dir: string): Promise<Meta | undefined> {
  let v: unknown;
  try {
    v = JSON.parse(await readFile(join(dir, META), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (
    typeof m.name !== 'string' ||
    typeof m.version !== 'string' ||
    typeof m.digest !== 'string' ||
    typeof m.size !== 'number' ||
    typeof m.fetchedAt !== 'string'
  )
    return undefined;
  return { name: m.name, version: m.version, digest: m.digest, size: m.size, fetchedAt: m.fetchedAt };
}
