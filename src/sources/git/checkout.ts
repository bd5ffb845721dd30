/**
 * Writes a commit's tree into a fresh directory and computes its digest on the way.
 *
 * We walk the tree ourselves instead of calling isomorphic-git's `checkout`, which writes symlinks verbatim
 * (a link to /etc/passwd lands as such) and can only be size-checked afterwards. Here:
 * - the size cap is enforced before each blob is written;
 * - entry names that could escape or shadow (`..`, `.git`, names with a slash) fail the checkout (isomorphic-git's
 *   tree parser refuses most of them first; this is the second line);
 * - regular files are created exclusively (no overwrite, no write through an existing link);
 * - symlinks are written last and kept only when their real path stays inside the checkout, so nothing that
 *   reads the checkout later can be led outside it. Escaping links are left out of the directory but stay in
 *   the digest (as symlinks, by target), so the digest still describes the commit exactly.
 */
import * as fs from 'node:fs';
import { mkdir, realpath, symlink, unlink, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { readBlob, readCommit, readTree } from 'isomorphic-git';
import type { DigestEntry } from './digest.js';
import { sha256Hex, treeDigest } from './digest.js';
import { GitSourceError } from './errors.js';
import type { Operation } from './http.js';

export interface CheckoutResult {
  digest: string;
  /** Total bytes of all blobs in the tree. */
  size: number;
  /** Symlinks recorded in the digest but not written: they resolve outside the checkout, or nowhere. */
  skippedSymlinks: string[];
}

/** Blobs read and written at once: the checkout waits on file system latency, not on the CPU. */
const PARALLEL_BLOBS = 16;

interface Walk {
  gitdir: string;
  dest: string;
  maxBytes: number;
  op: Operation;
  cache: object;
  blobs: { path: string; oid: string; mode: string }[];
  entries: DigestEntry[];
  links: { path: string; target: string }[];
  size: number;
}

/** Checks out `commit` from `gitdir` into the empty directory `dest`. */
export async function checkoutTree(args: {
  gitdir: string;
  commit: string;
  dest: string;
  maxBytes: number;
  op: Operation;
}): Promise<CheckoutResult> {
  const cache = {};
  const { commit } = await readCommit({ fs, gitdir: args.gitdir, oid: args.commit, cache });
  await mkdir(args.dest, { recursive: true });
  const walk: Walk = { ...args, cache, blobs: [], entries: [], links: [], size: 0 };
  await listTree(walk, commit.tree, '');
  await writeBlobs(walk);
  const skippedSymlinks = await writeLinks(walk);
  return { digest: treeDigest(walk.entries), size: walk.size, skippedSymlinks };
}

/** Creates the directories and lists the blobs, checking every name on the way. */
async function listTree(w: Walk, oid: string, prefix: string): Promise<void> {
  const { tree } = await readTree({ fs, gitdir: w.gitdir, oid, cache: w.cache });
  for (const entry of tree) {
    w.op.check();
    const rel = prefix === '' ? checkName(entry.path) : `${prefix}/${checkName(entry.path)}`;
    if (entry.type === 'tree') {
      await mkdir(join(w.dest, rel));
      await listTree(w, entry.oid, rel);
    } else if (entry.type === 'commit') {
      // A submodule: recorded by commit id, not fetched (as Flux does unless recurseSubmodules is set).
      w.entries.push({ path: rel, mode: '160000', size: 0, sha256: sha256Hex(entry.oid) });
    } else {
      w.blobs.push({ path: rel, oid: entry.oid, mode: entry.mode });
    }
  }
}

/** Writes the blobs with a few in flight; the first failure stops the rest, and all settle before it is thrown. */
async function writeBlobs(w: Walk): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    for (let blob = w.blobs[next++]; blob !== undefined && !failed; blob = w.blobs[next++]) {
      try {
        await writeBlob(w, blob);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: PARALLEL_BLOBS }, worker));
  const rejected = results.find((r) => r.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
}

async function writeBlob(w: Walk, entry: { path: string; oid: string; mode: string }): Promise<void> {
  w.op.check();
  const { blob } = await readBlob({ fs, gitdir: w.gitdir, oid: entry.oid, cache: w.cache });
  w.size += blob.byteLength;
  if (w.size > w.maxBytes) {
    throw new GitSourceError('TooLarge', `checkout exceeds the ${w.maxBytes} byte limit`);
  }
  w.entries.push({ path: entry.path, mode: entry.mode, size: blob.byteLength, sha256: sha256Hex(blob) });
  if (entry.mode === '120000') {
    w.links.push({ path: entry.path, target: Buffer.from(blob).toString('utf8') });
    return;
  }
  await writeFile(join(w.dest, entry.path), blob, {
    flag: 'wx',
    mode: entry.mode === '100755' ? 0o755 : 0o644,
  });
}

async function writeLinks(w: Walk): Promise<string[]> {
  for (const link of w.links) await symlink(link.target, join(w.dest, link.path));
  const root = await realpath(w.dest);
  const skipped: string[] = [];
  for (const link of w.links) {
    const abs = join(w.dest, link.path);
    const real = await realpath(abs).catch(() => undefined);
    // Dangling links are dropped too: their target could appear outside later.
    if (real === undefined || (real !== root && !real.startsWith(root + sep))) {
      await unlink(abs);
      skipped.push(link.path);
    }
  }
  return skipped;
}

function checkName(name: string): string {
  const bad =
    name === '' ||
    name === '.' ||
    name === '..' ||
    name.toLowerCase() === '.git' ||
    name.includes('/') ||
    name.includes('\0');
  if (bad)
    throw new GitSourceError('InvalidTree', `the tree holds an unsafe entry name ${JSON.stringify(name)}`);
  return name;
}
