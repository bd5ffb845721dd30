/**
 * collectPlain on real trees: files are read as the Kubernetes decoder reads them (UTF-8 only), and a symlink
 * the walk meets is either followed inside the root or refused by name, never skipped without a word.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Reasons, ReconcileError } from '../../../src/core/types.js';
import { collectPlain } from '../../../src/render/plain.js';
import type { Entry } from './fs-tree.js';
import { tree } from './fs-tree.js';

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function collect(entries: Record<string, Entry>) {
  const t = await tree(entries);
  cleanup = t.cleanup;
  const parts = collectPlain(t.root, {
    rootReal: t.root,
    maxFileBytes: 1024 * 1024,
    buildKustomization: async () => {
      throw new Error('no kustomization in these trees');
    },
  });
  return { root: t.root, parts };
}

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';

describe('collectPlain', () => {
  it('follows links inside the root and skips unresolvable links that are not manifests', async () => {
    const { parts } = await collect({
      'a.yaml': cm,
      'b.yaml': { link: 'a.yaml' },
      README: { link: 'nowhere' },
      'notes.txt': { link: 'notes.txt' },
    });
    expect((await parts).map((p) => p.file)).toEqual(['a.yaml', 'b.yaml']);
  });

  it.each<[string, Record<string, Entry>, string]>([
    // Whether the target exists depends on the host (a service account token exists in a pod, not on a laptop).
    [
      'a dangling link out of the root',
      { 'token.yaml': { link: '/nonexistent-steward-test/serviceaccount/token' } },
      'token.yaml: symlink points outside the source root',
    ],
    [
      'a dangling link that climbs out, whatever its name',
      { 'notes.txt': { link: '../../nonexistent-steward-test' } },
      'notes.txt: symlink points outside the source root',
    ],
    [
      'a link out of the root that exists',
      { 'passwd.yaml': { link: '/etc/passwd' } },
      'passwd.yaml: symlink points outside the source root',
    ],
    [
      'two links pointing at each other',
      { 'a.yaml': { link: 'b.yaml' }, 'b.yaml': { link: 'a.yaml' } },
      'a.yaml: symlink is a loop (too many levels of symbolic links)',
    ],
    [
      'a manifest link to nothing',
      { 'app.yaml': { link: 'gone.yaml' } },
      'app.yaml: symlink points to a file that does not exist',
    ],
    [
      'a file that is not UTF-8',
      { 'sub/bad.yaml': Buffer.from([...Buffer.from(`${cm}data:\n  x: "`), 0xfe, 0x22, 0x0a]) },
      'sub/bad.yaml:6: invalid UTF-8 (the file must be UTF-8 text)',
    ],
  ])('refuses %s, naming the file', async (_, entries, message) => {
    const { root, parts } = await collect(entries);
    const e = await parts.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ReconcileError);
    expect(e).toMatchObject({ reason: Reasons.BuildFailed, retry: 'terminal', message });
    expect((e as Error).message).not.toContain(root);
  });
});
