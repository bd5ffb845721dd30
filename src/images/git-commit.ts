/**
 * Commits what the edit callback changed in the work tree, and nothing else: one statusMatrix walk against
 * HEAD finds the files added, modified and deleted (ignored files and `.git` entries are never picked up), and
 * only those are staged. Like Flux, no commit is made when nothing changed.
 *
 * The commit's tree is written from HEAD's tree with only the directories on the changed paths rewritten.
 * isomorphic-git's `commit` would hash, compress and store every tree of the index again on each commit
 * (two thirds of a commit's time on a 500-file repository).
 */
import * as fs from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { TreeEntry } from 'isomorphic-git';
import {
  add,
  commit,
  readCommit,
  readTree,
  remove,
  resolveRef,
  statusMatrix,
  writeBlob,
  writeTree,
} from 'isomorphic-git';
import type { WorkClone } from './git-clone.js';

export interface Signature {
  name: string;
  email: string;
}

export interface Changes {
  add: string[];
  remove: string[];
}

/** The paths to stage, from statusMatrix rows `[path, head, workdir, stage]` taken right after a clean checkout. */
export function changedPaths(rows: readonly (readonly [string, number, number, number])[]): Changes {
  const toAdd: string[] = [];
  const toRemove: string[] = [];
  for (const [path, head, workdir] of rows) {
    // workdir 2: differs from HEAD (or is new); head 1 and workdir 0: deleted.
    if (workdir === 2) toAdd.push(path);
    else if (head === 1 && workdir === 0) toRemove.push(path);
  }
  return { add: toAdd, remove: toRemove };
}

/** What differs between the work tree and HEAD; the work tree must have started as a clean checkout. */
export async function pendingChanges(clone: WorkClone, cache: object): Promise<Changes> {
  return changedPaths(await statusMatrix({ fs, dir: clone.tree, gitdir: clone.gitdir, cache }));
}

export function isEmpty(changes: Changes): boolean {
  return changes.add.length === 0 && changes.remove.length === 0;
}

/**
 * Commits `changes` on `branch` (HEAD) with `signature` as author and committer at `when` (UTC) and returns
 * the new commit. The index is updated too, so the work tree, the index and HEAD agree afterwards.
 */
export async function commitChanges(args: {
  clone: WorkClone;
  cache: object;
  changes: Changes;
  branch: string;
  message: string;
  signature: Signature;
  when: Date;
}): Promise<string> {
  const { clone, changes, cache } = args;
  const ref = `refs/heads/${args.branch}`;
  const parent = await resolveRef({ fs, gitdir: clone.gitdir, ref });
  const { commit: base } = await readCommit({ fs, gitdir: clone.gitdir, oid: parent, cache });
  const edits = new Map<string, Blob | null>();
  for (const path of changes.remove) edits.set(path, null);
  for (const path of changes.add) edits.set(path, await storeBlob(clone, path));
  const tree =
    (await rewriteTree(clone.gitdir, cache, base.tree, edits)) ??
    (await writeTree({ fs, gitdir: clone.gitdir, tree: [] }));

  // Removals first: a file may take the place of a directory it replaces.
  const index = { fs, dir: clone.tree, gitdir: clone.gitdir, cache };
  for (const path of changes.remove) await remove({ ...index, filepath: path });
  // force: statusMatrix already left out ignored untracked files; a tracked file under an ignore rule must
  // still be staged, as git would.
  if (changes.add.length > 0) await add({ ...index, filepath: changes.add, force: true });

  const person = {
    name: args.signature.name,
    email: args.signature.email,
    timestamp: Math.floor(args.when.getTime() / 1000),
    timezoneOffset: 0,
  };
  return commit({
    ...index,
    ref,
    tree,
    parent: [parent],
    message: args.message,
    author: person,
    committer: person,
  });
}

interface Blob {
  mode: string;
  oid: string;
}

/** Stores a work tree file as a blob, with its mode as git records it. */
async function storeBlob(clone: WorkClone, path: string): Promise<Blob> {
  const file = join(clone.tree, path);
  const st = await lstat(file);
  if (st.isSymbolicLink()) {
    const target = Buffer.from(await readlink(file), 'utf8');
    return { mode: '120000', oid: await writeBlob({ fs, gitdir: clone.gitdir, blob: target }) };
  }
  const mode = (st.mode & 0o111) !== 0 ? '100755' : '100644';
  return { mode, oid: await writeBlob({ fs, gitdir: clone.gitdir, blob: await readFile(file) }) };
}

/**
 * Applies `edits` (path to blob, or null to delete) to the tree `oid` and writes the trees that changed;
 * returns the new tree, or undefined when it ends up empty (git keeps no empty directories).
 */
async function rewriteTree(
  gitdir: string,
  cache: object,
  oid: string | undefined,
  edits: ReadonlyMap<string, Blob | null>,
): Promise<string | undefined> {
  const entries = new Map<string, TreeEntry>();
  if (oid !== undefined) {
    for (const entry of (await readTree({ fs, gitdir, oid, cache })).tree) entries.set(entry.path, entry);
  }
  const here = new Map<string, Blob | null>();
  const below = new Map<string, Map<string, Blob | null>>();
  for (const [path, edit] of edits) {
    const slash = path.indexOf('/');
    if (slash === -1) {
      here.set(path, edit);
      continue;
    }
    const dir = path.slice(0, slash);
    const sub = below.get(dir) ?? new Map<string, Blob | null>();
    sub.set(path.slice(slash + 1), edit);
    below.set(dir, sub);
  }
  // Deletions, then directories, then files: a file can replace a directory and a directory a file.
  for (const [name, edit] of here) if (edit === null) entries.delete(name);
  for (const [name, sub] of below) {
    const current = entries.get(name);
    const child = await rewriteTree(gitdir, cache, current?.type === 'tree' ? current.oid : undefined, sub);
    if (child === undefined) entries.delete(name);
    else entries.set(name, { path: name, mode: '040000', type: 'tree', oid: child });
  }
  for (const [name, edit] of here) {
    if (edit !== null) entries.set(name, { path: name, mode: edit.mode, type: 'blob', oid: edit.oid });
  }
  if (entries.size === 0) return undefined;
  return writeTree({ fs, gitdir, tree: [...entries.values()] });
}
