/**
 * Makes the work tree of the working clone exactly a commit before the edit callback runs, and knows whether
 * it still is. `<gitdir>/steward-tree-dirty` exists from the moment a reset starts until a commit (or an edit
 * that changed nothing) brings work tree, index and HEAD together again: a run that finds it wipes the work
 * tree and checks out afresh, which clears whatever a failed run left (untracked, ignored, half-written
 * files); otherwise the work tree is moved incrementally, or not at all when it is already at the commit.
 */
import * as fs from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { checkout, currentBranch, resolveRef, STAGE, walk, writeRef } from 'isomorphic-git';
import { GitSourceError } from '../sources/git/errors.js';
import type { Operation } from '../sources/git/http.js';
import type { WorkClone } from './git-clone.js';

/** How long to wait for the file system clock to move past the checkout (see {@link settleClock}). */
const CLOCK_WAIT_MS = 2_500;

/**
 * Points local `branch` at `commit` and makes the work tree and the index exactly that commit. At most
 * `maxBytes` are written, and the checked-out tree may not exceed `maxBytes` in all.
 */
export async function resetTree(args: {
  clone: WorkClone;
  op: Operation;
  branch: string;
  commit: string;
  maxBytes: number;
  cache: object;
}): Promise<void> {
  const { clone, op, branch, commit, maxBytes, cache } = args;
  const clean = !(await exists(dirtyMarker(clone)));
  const ref = `refs/heads/${branch}`;
  // From here until markClean, the work tree may differ from HEAD.
  await writeFile(dirtyMarker(clone), '');
  if (clean && (await headIs(clone, ref, commit))) {
    await settleClock(clone, op);
    return;
  }
  await writeRef({ fs, gitdir: clone.gitdir, ref, value: commit, force: true });
  if (!clean) {
    await rm(clone.tree, { recursive: true, force: true });
    await rm(join(clone.gitdir, 'index'), { force: true });
    await mkdir(clone.tree);
  }
  const capped = cappedFs(clone.tree, maxBytes);
  await checkout({
    fs: capped.fs,
    dir: clone.tree,
    gitdir: clone.gitdir,
    ref: branch,
    force: true,
    track: false,
    cache,
  });
  if (capped.exceeded()) {
    // The capped writes left truncated files whose index entries claim the real blobs: never reuse them.
    await rm(join(clone.gitdir, 'index'), { force: true });
    throw new GitSourceError('TooLarge', `checkout exceeds the ${maxBytes} byte limit`);
  }
  op.check();
  const size = await treeSize(clone, cache);
  if (size > maxBytes) throw new GitSourceError('TooLarge', `checkout exceeds the ${maxBytes} byte limit`);
  await settleClock(clone, op);
}

/** Records that the work tree and the index match HEAD again (after a commit, or an edit that changed nothing). */
export async function markClean(clone: WorkClone): Promise<void> {
  await rm(dirtyMarker(clone), { force: true });
}

function dirtyMarker(clone: WorkClone): string {
  return join(clone.gitdir, 'steward-tree-dirty');
}

async function headIs(clone: WorkClone, ref: string, commit: string): Promise<boolean> {
  try {
    const head = await currentBranch({ fs, gitdir: clone.gitdir, fullname: true });
    return head === ref && (await resolveRef({ fs, gitdir: clone.gitdir, ref })) === commit;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Bytes of all files in the index: the checked-out tree, as incremental checkouts write only what changed. */
async function treeSize(clone: WorkClone, cache: object): Promise<number> {
  const sizes: number[] = await walk({
    fs,
    dir: clone.tree,
    gitdir: clone.gitdir,
    cache,
    trees: [STAGE()],
    map: async (_path, [entry]) => {
      if (entry === undefined || entry === null || (await entry.type()) !== 'blob') return 0;
      return (await entry.stat()).size;
    },
    reduce: async (parent: number, children: number[]) => children.reduce((a, b) => a + b, parent ?? 0),
  });
  return typeof sizes === 'number' ? sizes : 0;
}

/**
 * isomorphic-git trusts the stat data in the index: a file rewritten with the same size within the file
 * system's timestamp granularity of the checkout (a tag `v1.2.3` becoming `v1.2.4`) would look unchanged and
 * the update would be lost. Git guards this "racy clean" case by re-hashing entries as new as the index; here
 * we wait, before the callback runs, until the clock has moved past the index, so every later write stamps a
 * newer time than anything the index recorded.
 */
async function settleClock(clone: WorkClone, op: Operation): Promise<void> {
  const index = join(clone.gitdir, 'index');
  const probe = join(clone.gitdir, 'clock-probe');
  const recorded = (await stat(index, { bigint: true })).mtimeNs;
  const deadline = Date.now() + CLOCK_WAIT_MS;
  for (;;) {
    await writeFile(probe, '');
    if ((await stat(probe, { bigint: true })).mtimeNs > recorded) return;
    op.check();
    if (Date.now() > deadline) {
      throw new GitSourceError('Storage', 'the file system clock did not advance; changes could go unseen');
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * node:fs for isomorphic-git with a cap on the bytes written under `root`, a pack of highly compressible
 * blobs being small enough for the transfer budget. Past the cap, files are written empty rather than failing
 * the write, as isomorphic-git prints every failed checkout write to the console; the caller checks
 * `exceeded()` after the checkout.
 */
function cappedFs(
  root: string,
  maxBytes: number,
): { fs: { promises: typeof fs.promises }; exceeded: () => boolean } {
  let written = 0;
  const prefix = root + sep;
  const writeFileCapped = async (...args: Parameters<typeof fs.promises.writeFile>): Promise<void> => {
    const [file, data, options] = args;
    if (typeof file === 'string' && file.startsWith(prefix)) {
      written += typeof data === 'string' ? Buffer.byteLength(data) : byteLength(data);
      if (written > maxBytes) return fs.promises.writeFile(file, '', options);
    }
    return fs.promises.writeFile(...args);
  };
  return {
    fs: { promises: { ...fs.promises, writeFile: writeFileCapped } },
    exceeded: () => written > maxBytes,
  };
}

function byteLength(data: unknown): number {
  return ArrayBuffer.isView(data) ? data.byteLength : 0;
}
