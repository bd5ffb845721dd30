/**
 * A chart that lives in a GitRepository: spec.helm.chart is a directory of the artifact, resolved with the same
 * confinement as spec.path (no way out of the checkout, not through a symlink either). Its digest covers the
 * chart's files only, so a commit elsewhere in the repository does not count as a new release.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildFailed } from '../plan/errors.js';
import { displayPath, realRoot, resolveSyncPath } from '../render/paths.js';
import type { DigestEntry } from '../sources/git/index.js';
import { treeDigest } from '../sources/git/index.js';

/** A chart directory found in a checkout. */
export interface GitChart {
  /** Real absolute path of the chart directory. */
  dir: string;
  /** Real absolute path of the artifact root (valuesFiles are confined to it). */
  root: string;
  /** The chart's path relative to the root, for messages. */
  path: string;
  name: string;
  version: string;
  /** `sha256:<hex>` over the chart's files (paths, sizes, contents). */
  digest: string;
}

/** Chart.yaml larger than this is not a chart anyone wrote by hand. */
const MAX_CHART_YAML_BYTES = 1024 * 1024;

/** Resolves `chartPath` in the checkout at `artifactPath` and reads its name, version and digest. */
export async function gitChart(
  artifactPath: string,
  chartPath: string,
  revision: string | undefined,
  maxFileBytes: number,
): Promise<GitChart> {
  const root = await realRoot(artifactPath);
  const dir = await resolveSyncPath(root, chartPath, revision);
  const meta = await chartYaml(dir.abs, dir.rel);
  return { dir: dir.abs, root, path: dir.rel, ...meta, digest: await dirDigest(dir.abs, maxFileBytes) };
}

async function chartYaml(dir: string, rel: string): Promise<{ name: string; version: string }> {
  const file = `${rel === '.' ? '' : `${rel}/`}Chart.yaml`;
  let text: string;
  try {
    const st = await lstat(join(dir, 'Chart.yaml'));
    if (!st.isFile()) throw buildFailed(`${file} is not a regular file`, file);
    if (st.size > MAX_CHART_YAML_BYTES) throw buildFailed(`${file} is larger than 1 MiB`, file);
    text = await readFile(join(dir, 'Chart.yaml'), 'utf8');
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT')
      throw buildFailed(`${file} not found: ${rel} is not a Helm chart`, file);
    throw e;
  }
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 10 });
  } catch (e) {
    throw buildFailed(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`, file);
  }
  const { name, version } = (doc ?? {}) as { name?: unknown; version?: unknown };
  if (typeof name !== 'string' || name === '') throw buildFailed(`${file} has no name`, file);
  if (typeof version !== 'string' && typeof version !== 'number')
    throw buildFailed(`${file} has no version`, file);
  return { name, version: String(version) };
}

/**
 * The digest of a directory's regular files. Symlinks are hashed as links (their target text), never followed:
 * the chart check refuses them anyway, and this must not read outside the checkout before it does.
 */
async function dirDigest(dir: string, maxFileBytes: number): Promise<string> {
  const entries: DigestEntry[] = [];
  const walk = async (abs: string): Promise<void> => {
    for (const d of await readdir(abs, { withFileTypes: true })) {
      const path = join(abs, d.name);
      const rel = displayPath(dir, path);
      if (d.isDirectory()) await walk(path);
      else if (d.isFile()) {
        const st = await lstat(path);
        if (st.size > maxFileBytes) {
          throw buildFailed(`${rel}: the file is larger than the ${maxFileBytes} bytes allowed`, rel);
        }
        const data = await readFile(path);
        entries.push({ path: rel, mode: '100644', size: data.length, sha256: sha256(data) });
      } else if (d.isSymbolicLink()) {
        entries.push({ path: rel, mode: '120000', size: 0, sha256: sha256(await readlink(path)) });
      }
    }
  };
  await walk(dir);
  return treeDigest(entries);
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
