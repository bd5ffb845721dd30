/**
 * The artifact digest: a SHA-256 over the tree as Git stores it (paths, modes, contents), computed from Git
 * objects rather than from disk, so it never follows a symlink and does not depend on the commit, the clock
 * or file system order. The same tree always gives the same digest, whichever commit carries it.
 */
import { createHash } from 'node:crypto';

/** One tree entry: a file, a symlink (content = target) or a submodule (content = commit id). */
export interface DigestEntry {
  /** Slash-separated path relative to the tree root. */
  path: string;
  /** Git mode: `100644`, `100755`, `120000` (symlink) or `160000` (submodule). */
  mode: string;
  size: number;
  /** SHA-256 (hex) of the content. */
  sha256: string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * `sha256:<hex>` over one line per entry, `<mode> <size> <content sha256> <path>\n`, sorted by path bytes.
 * Git allows newlines in paths, so a path holding a newline or a double quote is written JSON-quoted; an
 * unquoted path then never starts with a quote and the encoding stays unambiguous.
 */
export function treeDigest(entries: readonly DigestEntry[]): string {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const hash = createHash('sha256');
  for (const e of sorted) {
    const path = /[\n"]/.test(e.path) ? JSON.stringify(e.path) : e.path;
    hash.update(`${e.mode} ${e.size} ${e.sha256} ${path}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}
