/**
 * checkoutTree on a commit written straight into a bare object store (no server, no working tree): symlinks
 * that leave the checkout are dropped, and the drop is reported so the reconciler can warn about it.
 */
import * as fs from 'node:fs';
import { lstat, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, writeBlob, writeCommit, writeTree } from 'isomorphic-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutTree } from '../../../../src/sources/git/checkout.js';
import { Operation } from '../../../../src/sources/git/http.js';
import type { Artifact } from '../../../../src/sources/git/types.js';

let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'steward-checkout-'));
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A commit of `files` (a string is a file, `{ symlink }` a link) in a new bare repository. */
async function commitOf(
  files: Record<string, string | { symlink: string }>,
): Promise<{ gitdir: string; oid: string }> {
  const gitdir = join(work, 'repo.git');
  await init({ fs, gitdir, bare: true });
  const tree = [];
  for (const [path, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = typeof content === 'string' ? content : content.symlink;
    const oid = await writeBlob({ fs, gitdir, blob: Buffer.from(text) });
    tree.push({ path, oid, mode: typeof content === 'string' ? '100644' : '120000', type: 'blob' as const });
  }
  const treeOid = await writeTree({ fs, gitdir, tree });
  const who = { name: 'test', email: 'test@example.com', timestamp: 0, timezoneOffset: 0 };
  const oid = await writeCommit({
    fs,
    gitdir,
    commit: { tree: treeOid, parent: [], author: who, committer: who, message: 'links\n' },
  });
  return { gitdir, oid };
}

describe('checkoutTree', () => {
  it('drops symlinks that leave the checkout or dangle, keeps the rest, and lists what it dropped', async () => {
    const { gitdir, oid } = await commitOf({
      'app.yaml': 'kind: Service\n',
      'alias.yaml': { symlink: 'app.yaml' },
      'passwd.yaml': { symlink: '/etc/passwd' },
      'up.yaml': { symlink: '../../outside.yaml' },
      'dangling.yaml': { symlink: 'nowhere.yaml' },
    });
    const dest = join(work, 'files');
    const op = new Operation(10_000, 1 << 20, false);
    const result = await checkoutTree({ gitdir, commit: oid, dest, maxBytes: 1 << 20, op }).finally(() =>
      op.done(),
    );
    expect(result.skippedSymlinks.sort()).toEqual(['dangling.yaml', 'passwd.yaml', 'up.yaml']);
    expect(await readFile(join(dest, 'alias.yaml'), 'utf8')).toBe('kind: Service\n');
    for (const dropped of result.skippedSymlinks) {
      await expect(lstat(join(dest, dropped))).rejects.toMatchObject({ code: 'ENOENT' });
    }
    // The Artifact carries the list, so the reconciler can say the revision lost a file.
    const artifact: Artifact = {
      revision: `main@sha1:${oid}`,
      digest: result.digest,
      path: dest,
      size: result.size,
      lastUpdateTime: '2024-01-01T00:00:00Z',
      skippedSymlinks: result.skippedSymlinks,
    };
    expect(artifact.skippedSymlinks).toHaveLength(3);
  });
});
