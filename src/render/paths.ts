/**
 * Path checks for everything a render reads. The artifact is a tenant's repository: any path in it (the Sync's
 * spec.path, a kustomization entry, a symlink) may try to reach files outside it, such as the agent's
 * service account token. Everything is resolved with realpath and must stay under the real root.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { Reasons, ReconcileError } from '../core/types.js';
import { buildFailed } from '../plan/errors.js';

/** True when `path` (already absolute and normalised) is `root` or below it. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** `path` relative to `root` with forward slashes, `.` for the root itself; for messages and subjects. */
export function displayPath(root: string, path: string): string {
  const rel = relative(root, path);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/** The `code` of a Node.js file system error (`ENOENT`, `ELOOP`), if it has one. */
export function errorCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

function isNotFound(e: unknown): boolean {
  const code = errorCode(e);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Why realpath failed on a path the tenant wrote, for a message. Node's own message holds the absolute host
 * path of the checkout, which must not reach a status condition, so it is never passed on.
 */
function unresolvable(e: unknown): 'loop' | 'unreadable' {
  return errorCode(e) === 'ELOOP' ? 'loop' : 'unreadable';
}

/** What {@link EntryCheck} reasons `loop` and `unreadable` say, also for callers that name the file. */
export const UNRESOLVABLE: Readonly<Record<'loop' | 'unreadable', string>> = {
  loop: 'is a symlink loop (too many levels of symbolic links)',
  unreadable: 'cannot be resolved',
};

/** The real path of the artifact root; a missing root is the source's problem, so it is transient. */
export async function realRoot(root: string): Promise<string> {
  try {
    return await realpath(root);
  } catch (cause) {
    const message = 'the source artifact is not available';
    throw new ReconcileError(Reasons.ArtifactFailed, 'transient', message, undefined, { cause });
  }
}

/** A directory inside the artifact. */
export interface ResolvedDir {
  /** Real absolute path. */
  abs: string;
  /** Relative to the real root, `.` for the root. */
  rel: string;
}

/**
 * Resolves a Sync's spec.path (`./apps/prod`, `apps/prod`, `` or `./`) under the real root. A missing path is
 * an ArtifactFailed error, which tells the reconciler not to prune: the revision is broken, not empty.
 */
export async function resolveSyncPath(
  rootReal: string,
  path: string,
  revision?: string,
): Promise<ResolvedDir> {
  const shown = JSON.stringify(path);
  if (isAbsolute(path)) throw buildFailed(`path ${shown} must be relative to the source root`, path);
  const lexical = join(rootReal, normalize(path === '' ? '.' : path));
  if (!isInside(rootReal, lexical)) throw buildFailed(`path ${shown} points outside the source root`, path);
  let abs: string;
  try {
    abs = await realpath(lexical);
  } catch (e) {
    if (!isNotFound(e)) throw buildFailed(`path ${shown} ${UNRESOLVABLE[unresolvable(e)]}`, path);
    const where = revision ? `revision ${revision}` : 'the source artifact';
    throw new ReconcileError(Reasons.ArtifactFailed, 'terminal', `path ${shown} not found in ${where}`, path);
  }
  if (!isInside(rootReal, abs)) {
    throw buildFailed(`path ${shown} goes through a symlink that points outside the source root`, path);
  }
  if (!(await stat(abs)).isDirectory()) throw buildFailed(`path ${shown} is not a directory`, path);
  return { abs, rel: displayPath(rootReal, abs) };
}

/** A path found inside the root, or why it was refused. */
export type EntryCheck =
  | { ok: true; abs: string; isDir: boolean; size: number }
  | { ok: false; reason: 'absolute' | 'outside' | 'symlink-outside' | 'missing' | 'loop' | 'unreadable' };

/** Resolves a path written in a file under `baseDir` (both real), without following it out of the root. */
export async function resolveEntry(rootReal: string, baseDir: string, entry: string): Promise<EntryCheck> {
  if (isAbsolute(entry)) return { ok: false, reason: 'absolute' };
  const lexical = join(baseDir, entry);
  if (!isInside(rootReal, lexical)) return { ok: false, reason: 'outside' };
  let abs: string;
  try {
    abs = await realpath(lexical);
  } catch (e) {
    return { ok: false, reason: isNotFound(e) ? 'missing' : unresolvable(e) };
  }
  if (!isInside(rootReal, abs)) return { ok: false, reason: 'symlink-outside' };
  const st = await stat(abs);
  return { ok: true, abs, isDir: st.isDirectory(), size: st.size };
}
