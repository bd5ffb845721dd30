/**
 * On-disk layout of one GitRepository's artifacts, built so that a reader always sees a complete artifact
 * and a failed fetch never disturbs the last good one:
 *
 *   <dir>/current              -> gen-<id>   relative symlink, switched with an atomic rename
 *   <dir>/gen-<id>/artifact.json              revision, digest, size, time
 *   <dir>/gen-<id>/files/                     the checkout (Artifact.path)
 *   <dir>/.tmp-<id>/{git,files}/              a fetch in progress
 *
 * One writer per directory at a time (the engine's per-object queue guarantees it): publishing removes every
 * other generation and leftover temp entry.
 */
import { randomBytes } from 'node:crypto';
import {
  access,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Artifact } from './types.js';

const CURRENT = 'current';
const META = 'artifact.json';
const FILES = 'files';

export interface Workspace {
  root: string;
  gitdir: string;
  files: string;
}

/** A stored artifact's metadata, with the symlinks the checkout left out. */
export interface StoredArtifact extends Artifact {
  skippedSymlinks?: string[];
}

export async function createWorkspace(dir: string): Promise<Workspace> {
  const abs = resolve(dir);
  await mkdir(abs, { recursive: true });
  const root = await mkdtemp(join(abs, '.tmp-'));
  return { root, gitdir: join(root, 'git'), files: join(root, FILES) };
}

export async function discardWorkspace(ws: Workspace): Promise<void> {
  await rm(ws.root, { recursive: true, force: true });
}

/**
 * Turns a finished workspace into the current artifact: metadata written, gitdir dropped, `current` switched
 * by rename (atomic), and only then the previous generation deleted.
 */
export async function publish(
  dir: string,
  ws: Workspace,
  meta: Omit<StoredArtifact, 'path'>,
): Promise<StoredArtifact> {
  const abs = resolve(dir);
  await writeFile(join(ws.root, META), `${JSON.stringify(meta, null, 2)}\n`);
  await rm(ws.gitdir, { recursive: true, force: true });
  const gen = `gen-${basename(ws.root).slice('.tmp-'.length)}`;
  await rename(ws.root, join(abs, gen));
  const link = join(abs, `.current-${randomBytes(6).toString('hex')}`);
  await symlink(gen, link);
  await rename(link, join(abs, CURRENT));
  for (const name of await readdir(abs)) {
    if (name !== CURRENT && name !== gen) await rm(join(abs, name), { recursive: true, force: true });
  }
  return { ...meta, path: join(abs, gen, FILES) };
}

/** The artifact `current` points to, e.g. after a restart; undefined when there is none or it is damaged. */
export async function lastArtifact(dir: string): Promise<StoredArtifact | undefined> {
  const abs = resolve(dir);
  let gen: string;
  let raw: string;
  try {
    gen = await readlink(join(abs, CURRENT));
    if (!/^gen-[\w-]+$/.test(gen)) return undefined;
    raw = await readFile(join(abs, gen, META), 'utf8');
    await access(join(abs, gen, FILES));
  } catch {
    return undefined;
  }
  const meta = parseMeta(raw);
  return meta === undefined ? undefined : { ...meta, path: join(abs, gen, FILES) };
}

function parseMeta(raw: string): Omit<StoredArtifact, 'path'> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  const { revision, digest, size, lastUpdateTime, skippedSymlinks } = m;
  if (typeof revision !== 'string' || typeof digest !== 'string' || typeof lastUpdateTime !== 'string') {
    return undefined;
  }
  if (typeof size !== 'number') return undefined;
  const base = { revision, digest, size, lastUpdateTime };
  const skipped = Array.isArray(skippedSymlinks) ? skippedSymlinks.filter((s) => typeof s === 'string') : [];
  return skipped.length > 0 ? { ...base, skippedSymlinks: skipped } : base;
}
