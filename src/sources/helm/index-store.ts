/**
 * The last good index of each HTTP HelmRepository on disk, so a restarted agent serves it at once and asks the
 * server conditionally instead of downloading and parsing everything again:
 *
 *   <dir>/index.yaml   the bytes as served
 *   <dir>/meta.json    url, digest, size, validators, lastUpdateTime
 *
 * Both are written to temporary names and renamed, meta last, so a reader sees the old pair or the new one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexValidators } from './index-fetch.js';

export interface StoredIndexMeta extends IndexValidators {
  url: string;
  digest: string;
  size: number;
  lastUpdateTime: string;
}

const INDEX = 'index.yaml';
const META = 'meta.json';

export async function saveIndex(dir: string, bytes: Buffer, meta: StoredIndexMeta): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tag = randomBytes(6).toString('hex');
  const tmpIndex = join(dir, `.${INDEX}.${tag}`);
  const tmpMeta = join(dir, `.${META}.${tag}`);
  try {
    await writeFile(tmpIndex, bytes);
    await writeFile(tmpMeta, `${JSON.stringify(meta, null, 2)}\n`);
    // meta.json names the digest of index.yaml: an index newer than its meta is caught by loadIndex.
    await rename(tmpIndex, join(dir, INDEX));
    await rename(tmpMeta, join(dir, META));
  } finally {
    await rm(tmpIndex, { force: true });
    await rm(tmpMeta, { force: true });
  }
}

/** The stored index and its metadata; undefined when there is none or the pair does not match. */
export async function loadIndex(
  dir: string,
  digestOf: (bytes: Buffer) => string,
): Promise<{ bytes: Buffer; meta: StoredIndexMeta } | undefined> {
  let bytes: Buffer;
  let meta: unknown;
  try {
    meta = JSON.parse(await readFile(join(dir, META), 'utf8'));
    bytes = await readFile(join(dir, INDEX));
  } catch {
    return undefined;
  }
  if (!isMeta(meta) || digestOf(bytes) !== meta.digest) return undefined;
  return { bytes, meta };
}

function isMeta(v: unknown): v is StoredIndexMeta {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  const optional = (x: unknown) => x === undefined || typeof x === 'string';
  return (
    typeof m.url === 'string' &&
    typeof m.digest === 'string' &&
    typeof m.size === 'number' &&
    typeof m.lastUpdateTime === 'string' &&
    optional(m.etag) &&
    optional(m.lastModified)
  );
}
