import { describe, expect, it } from 'vitest';
import type { DigestEntry } from '../../../../src/sources/git/digest.js';
import { sha256Hex, treeDigest } from '../../../../src/sources/git/digest.js';

function file(path: string, content: string, mode = '100644'): DigestEntry {
  return { path, mode, size: Buffer.byteLength(content), sha256: sha256Hex(content) };
}

const tree = [file('a.yaml', 'a'), file('dir/b.yaml', 'b'), file('link', 'a.yaml', '120000')];

describe('treeDigest', () => {
  it('has the sha256: form', () => {
    expect(treeDigest(tree)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('does not depend on entry order', () => {
    expect(treeDigest([...tree].reverse())).toBe(treeDigest(tree));
  });

  it('is a fixed function of the tree', () => {
    // Pinned so a change to the encoding is a deliberate, visible one (it changes every stored digest).
    expect(treeDigest([file('a', 'x')])).toBe(`sha256:${sha256Hex(`100644 1 ${sha256Hex('x')} a\n`)}`);
    expect(treeDigest([])).toBe(`sha256:${sha256Hex('')}`);
  });

  it.each<[string, DigestEntry[]]>([
    ['content', [file('a.yaml', 'A'), file('dir/b.yaml', 'b'), file('link', 'a.yaml', '120000')]],
    ['a path', [file('a.yml', 'a'), file('dir/b.yaml', 'b'), file('link', 'a.yaml', '120000')]],
    ['a mode', [file('a.yaml', 'a', '100755'), file('dir/b.yaml', 'b'), file('link', 'a.yaml', '120000')]],
    [
      'a symlink target',
      [file('a.yaml', 'a'), file('dir/b.yaml', 'b'), file('link', 'dir/b.yaml', '120000')],
    ],
    ['a symlink becoming a file', [file('a.yaml', 'a'), file('dir/b.yaml', 'b'), file('link', 'a.yaml')]],
    ['an added file', [...tree, file('c', '')]],
    ['a removed file', tree.slice(1)],
  ])('changes with %s', (_name, changed) => {
    expect(treeDigest(changed)).not.toBe(treeDigest(tree));
  });

  it('keeps paths with newlines unambiguous', () => {
    const tricky = [file('a\n100644 1 x b', 'a')];
    const plain = [file('a', 'a'), file('b', 'a')];
    expect(treeDigest(tricky)).not.toBe(treeDigest(plain));
  });

  it('sorts by bytes, not locale', () => {
    const entries = [file('B', '1'), file('a', '2'), file('ä', '3'), file('Z', '4')];
    expect(treeDigest(entries)).toBe(treeDigest([...entries].reverse()));
  });
});
