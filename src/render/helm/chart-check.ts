/**
 * Checks a chart directory before helm reads it: helm follows symlinks in a chart directory (a Git chart's
 * `templates/token.yaml` could point at the agent's service account token and be rendered into a ConfigMap),
 * loads vendored `charts/*.tgz` subcharts itself, and resolves `$ref`s of values.schema.json files from the
 * network and the file system. So: no symlinks or special files anywhere, archives read in memory with the
 * same caps, every values.schema.json parsed and held to local references.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { ReconcileError } from '../../core/types.js';
import { buildFailed } from '../../plan/errors.js';
import { readArchive } from './chart-archive.js';
import { findExternalRef } from './schema-refs.js';

/** Caps on a chart, its vendored subcharts and their archives together (archives counted expanded). */
export interface ChartLimits {
  maxFiles: number;
  maxBytes: number;
}

const MiB = 1024 * 1024;

/** Defaults matching the agent's `helm.maxChartExpandedBytes`. */
export const DEFAULT_CHART_LIMITS: Readonly<ChartLimits> = Object.freeze({
  maxFiles: 10_000,
  maxBytes: 100 * MiB,
});

/** Subcharts vendored as archives inside archives: more than this is refused rather than unpacked. */
const MAX_ARCHIVE_DEPTH = 4;

/** What the check counted. */
export interface ChartStats {
  files: number;
  bytes: number;
}

const SCHEMA_FILE = 'values.schema.json';

/** helm loads `charts/<name>.tgz` as a subchart, except names starting with `_` or `.`. */
function isSubchartArchive(path: string): boolean {
  const parts = path.split('/');
  const name = parts.at(-1) ?? '';
  return parts.at(-2) === 'charts' && name.endsWith('.tgz') && !/^[_.]/.test(name);
}

class Checker {
  readonly stats: ChartStats = { files: 0, bytes: 0 };
  constructor(
    private readonly limits: ChartLimits,
    private readonly prefix: string,
  ) {}

  fail(where: string, problem: string): ReconcileError {
    return buildFailed(`${this.prefix}${where} ${problem}`, where);
  }

  count(where: string, size: number): void {
    this.stats.files++;
    this.stats.bytes += size;
    if (this.stats.files > this.limits.maxFiles) {
      throw this.fail(where, `makes the chart more than ${this.limits.maxFiles} files; refusing it`);
    }
    if (this.stats.bytes > this.limits.maxBytes) {
      throw this.fail(
        where,
        `makes the chart more than ${this.limits.maxBytes} bytes (expanded); refusing it`,
      );
    }
  }

  checkSchema(where: string, data: Buffer): void {
    let schema: unknown;
    try {
      schema = JSON.parse(data.toString('utf8'));
    } catch {
      throw this.fail(where, 'is not valid JSON');
    }
    const bad = findExternalRef(schema);
    if (bad) {
      const value = bad.value.length > 200 ? `${bad.value.slice(0, 200)}…` : bad.value;
      throw this.fail(where, `at ${bad.at}: ${bad.keyword} ${JSON.stringify(value)} ${bad.reason}`);
    }
  }

  async checkArchive(where: string, data: Buffer, depth: number): Promise<void> {
    if (depth > MAX_ARCHIVE_DEPTH)
      throw this.fail(where, `nests subchart archives more than ${MAX_ARCHIVE_DEPTH} deep`);
    let read: Map<string, Buffer>;
    try {
      read = await readArchive(data, (entry) => {
        const shown = `${where}: ${entry.path}`;
        if (entry.type === 'SymbolicLink' || entry.type === 'Link')
          throw this.fail(shown, 'is a link; charts must not hold links');
        if (entry.type === 'Directory') return 'skip';
        if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
          throw this.fail(shown, `is not a regular file (${entry.type})`);
        }
        this.count(shown, entry.size);
        return posix.basename(entry.path) === SCHEMA_FILE || isSubchartArchive(entry.path) ? 'read' : 'skip';
      });
    } catch (e) {
      if (e instanceof Error && e.name === 'ReconcileError') throw e;
      throw this.fail(where, 'is not a readable chart archive (gzipped tar)');
    }
    for (const [path, content] of read) {
      const shown = `${where}: ${path}`;
      if (posix.basename(path) === SCHEMA_FILE) this.checkSchema(shown, content);
      else await this.checkArchive(shown, content, depth + 1);
    }
  }

  async walk(root: string): Promise<void> {
    const pending = ['.'];
    for (let rel = pending.pop(); rel !== undefined; rel = pending.pop()) {
      let entries: Dirent[];
      try {
        entries = await readdir(join(root, rel), { withFileTypes: true });
      } catch {
        throw this.fail(rel === '.' ? 'the chart directory' : rel, 'cannot be read');
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const path = rel === '.' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isSymbolicLink()) throw this.fail(path, 'is a symlink; charts must not hold symlinks');
        if (entry.isDirectory()) {
          pending.push(path);
          continue;
        }
        if (!entry.isFile()) throw this.fail(path, 'is not a regular file');
        const abs = join(root, path);
        const { size } = await lstat(abs);
        this.count(path, size);
        if (entry.name === SCHEMA_FILE) this.checkSchema(path, await readFile(abs));
        else if (isSubchartArchive(path)) await this.checkArchive(path, await readFile(abs), 1);
      }
    }
  }
}

/**
 * Checks the chart in `dir` and everything helm will load with it; throws a BuildFailed ReconcileError naming
 * the file (relative to the chart, `charts/x.tgz: x/templates/y.yaml` inside an archive) and the reason.
 * `label` ("podinfo 6.5.0") starts every message.
 */
export async function checkChartDir(dir: string, limits: ChartLimits, label?: string): Promise<ChartStats> {
  const checker = new Checker(limits, label ? `chart ${label}: ` : `chart ${basename(dir)}: `);
  await checker.walk(dir);
  return checker.stats;
}
