/** Temporary trees for the render tests that read a real file system. */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A file's text (or bytes), or a symlink to `link` written as is. */
export type Entry = string | Uint8Array | { link: string };

/** Writes `entries` under a fresh directory and returns its real path; `cleanup` removes it. */
export async function tree(
  entries: Record<string, Entry>,
): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const made = await mkdtemp(join(tmpdir(), 'steward-render-unit-'));
  const root = join(await realpath(made), 'repo');
  await mkdir(root);
  for (const [path, entry] of Object.entries(entries)) {
    const at = join(root, path);
    await mkdir(dirname(at), { recursive: true });
    if (typeof entry === 'object' && 'link' in entry) await symlink(entry.link, at);
    else await writeFile(at, entry);
  }
  return { root, cleanup: () => rm(made, { recursive: true, force: true }) };
}

/** A billion-laughs document of `levels` levels of nine, small on disk and huge once expanded. */
export function aliasBomb(levels: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: lol', 'x:', '  a: &a "lol"'];
  for (let i = 1; i < levels; i++) {
    const [prev, name] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
    lines.push(`  ${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}
