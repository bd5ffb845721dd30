/**
 * The working clone an ImageUpdateAutomation keeps between runs, and fetching a branch tip into it.
 *
 *   <dir>/git    the Git directory: shallow, holding only the branches runs asked for
 *   <dir>/tree   the work tree handed to the edit callback (git-worktree.ts); no `.git` inside, so a walk over
 *                it never meets Git's files
 *
 * Flux clones afresh for every run. Keeping the clone means a run whose branch did not move costs one ref
 * listing and no pack, and one whose branch moved fetches only the new commits' objects. A clone of another
 * URL, one past {@link MAX_PACKS} packs (isomorphic-git cannot repack), or one that fails locally is wiped and
 * cloned again.
 */
import * as fs from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  addRemote,
  deleteRef,
  getConfig,
  fetch as gitFetch,
  init,
  listServerRefs,
  readCommit,
  resolveRef,
  writeRef,
} from 'isomorphic-git';
import { classifyError, GitSourceError } from '../sources/git/errors.js';
import type { Operation } from '../sources/git/http.js';

export interface WorkClone {
  gitdir: string;
  tree: string;
}

/** One run's view of the remote: where it is, how to say it in messages, its credentials and its budget. */
export interface Remote {
  url: string;
  /** The URL without userinfo, query or fragment, for messages. */
  where: string;
  headers: Record<string, string>;
  op: Operation;
}

/** Every fetch adds a pack and nothing merges them; past this many, a fresh clone is cheaper than the lookups. */
const MAX_PACKS = 50;

/** The clone in `dir` when it is usable for `url`, otherwise a fresh, empty one. */
export async function openClone(dir: string, url: string): Promise<{ clone: WorkClone; reused: boolean }> {
  const clone = clonePaths(dir);
  if (await usable(clone, url)) return { clone, reused: true };
  return { clone: await freshClone(dir, url), reused: false };
}

/** Wipes whatever `dir` holds and starts an empty clone of `url` there. */
export async function freshClone(dir: string, url: string): Promise<WorkClone> {
  const clone = clonePaths(dir);
  await rm(clone.gitdir, { recursive: true, force: true });
  await rm(clone.tree, { recursive: true, force: true });
  await mkdir(clone.tree, { recursive: true });
  await init({ fs, dir: clone.tree, gitdir: clone.gitdir });
  await addRemote({ fs, gitdir: clone.gitdir, remote: 'origin', url });
  return clone;
}

function clonePaths(dir: string): WorkClone {
  const root = resolve(dir);
  return { gitdir: join(root, 'git'), tree: join(root, 'tree') };
}

async function usable(clone: WorkClone, url: string): Promise<boolean> {
  try {
    const origin: unknown = await getConfig({ fs, gitdir: clone.gitdir, path: 'remote.origin.url' });
    if (origin !== url) return false;
    const packs = await readdir(join(clone.gitdir, 'objects', 'pack'));
    return packs.filter((p) => p.endsWith('.pack')).length <= MAX_PACKS;
  } catch {
    return false;
  }
}

/** The tips of `branches` on the remote, by one protocol v2 ls-refs each; a branch that does not exist is absent. */
export async function branchTips(remote: Remote, branches: readonly string[]): Promise<Map<string, string>> {
  const tips = new Map<string, string>();
  try {
    await Promise.all(
      branches.map(async (branch) => {
        const full = `refs/heads/${branch}`;
        const refs = await listServerRefs({
          http: remote.op.client(),
          url: remote.url,
          // isomorphic-git adds its protocol header to the object it is given.
          headers: { ...remote.headers },
          prefix: full,
          protocolVersion: 2,
        });
        // A prefix also matches `main-old` for `main`.
        const tip = refs.find((r) => r.ref === full)?.oid;
        if (tip !== undefined) tips.set(branch, tip);
      }),
    );
  } catch (err) {
    throw remote.op.failed ?? classifyError(err, remote.where, 'listing refs');
  }
  remote.op.check();
  return tips;
}

/**
 * Makes the tip of `branch` present locally and returns it; the fetch's answer wins over the listing, since
 * the branch may have moved in between. Nothing is fetched when the listed tip is already here (the usual case
 * after our own push). A branch fetched before is fetched without a depth, offering its last tip as common
 * ground, so only the new commits' objects come: a depth-1 fetch would cut the history at the new tip and
 * make the server send its whole tree again. A branch never fetched gets a depth-1 fetch.
 */
export async function fetchBranch(args: {
  clone: WorkClone;
  remote: Remote;
  branch: string;
  listedTip: string;
  cache: object;
}): Promise<string> {
  const { clone, remote, branch, cache } = args;
  const tracking = `refs/remotes/origin/${branch}`;
  let tip = args.listedTip;
  if (!(await hasCommit(clone, tip, cache))) {
    const known = await resolveRef({ fs, gitdir: clone.gitdir, ref: tracking }).catch(() => undefined);
    const incremental = known !== undefined && (await hasCommit(clone, known, cache));
    try {
      const res = await gitFetch({
        fs,
        http: remote.op.client(),
        gitdir: clone.gitdir,
        url: remote.url,
        remote: 'origin',
        // isomorphic-git offers `ref` as the one commit we have: the tracking ref, which the server knows
        // (the local branch may hold a commit whose push was rejected).
        ref: tracking,
        remoteRef: `refs/heads/${branch}`,
        singleBranch: true,
        ...(incremental ? {} : { depth: 1 }),
        tags: false,
        cache,
        // isomorphic-git adds its protocol header to the object it is given.
        headers: { ...remote.headers },
      });
      if (res.fetchHead === null) throw new GitSourceError('RefNotFound', `branch ${branch} vanished`);
      tip = res.fetchHead;
    } catch (err) {
      const failure = remote.op.failed ?? classifyError(err, remote.where, `fetching branch ${branch}`);
      // A rewritten branch can bring a long history; the next run starts over with a depth-1 fetch.
      if (incremental && failure.code === 'TooLarge')
        await deleteRef({ fs, gitdir: clone.gitdir, ref: tracking });
      throw failure;
    }
    remote.op.check();
  }
  await writeRef({ fs, gitdir: clone.gitdir, ref: tracking, value: tip, force: true });
  return tip;
}

/**
 * isomorphic-git's push leaves out the objects of the commit `refs/remotes/origin/HEAD` names on the remote,
 * at the price of one more walk over every tree. A push that creates a branch needs it (pointed at the base's
 * branch) to send only the new objects rather than the whole tree; a push onto an existing branch finds the
 * same objects from its merge base, so the ref is removed.
 */
export async function setPushBase(clone: WorkClone, branch: string | undefined): Promise<void> {
  const ref = 'refs/remotes/origin/HEAD';
  if (branch === undefined) {
    await deleteRef({ fs, gitdir: clone.gitdir, ref }).catch(() => undefined);
    return;
  }
  const value = `refs/remotes/origin/${branch}`;
  await writeRef({ fs, gitdir: clone.gitdir, ref, value, symbolic: true, force: true });
}

async function hasCommit(clone: WorkClone, oid: string, cache: object): Promise<boolean> {
  try {
    await readCommit({ fs, gitdir: clone.gitdir, oid, cache });
    return true;
  } catch {
    return false;
  }
}
