/**
 * Collects the manifests of a directory without a kustomization, as Flux does by generating one: every
 * `.yaml`, `.yml` and `.json` file below it, depth first with entries sorted by name, dotfiles and dot
 * directories skipped. A subdirectory with its own kustomization is built with kustomize and not descended.
 */
import type { Dirent } from 'node:fs';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { buildFailed } from '../plan/errors.js';
import type { RenderedPart } from './join.js';
import { KUSTOMIZATION_FILES } from './kustomize-scan.js';
import { displayPath, errorCode, isInside } from './paths.js';
import { readTextFile } from './read-text.js';

const EXTENSIONS: ReadonlySet<string> = new Set(['.yaml', '.yml', '.json']);

/** Limits and the kustomize builder for nested kustomization directories. */
export interface PlainOptions {
  rootReal: string;
  maxFileBytes: number;
  /** Builds a nested kustomization directory (real path) and names the part it yields. */
  buildKustomization: (dir: string) => Promise<RenderedPart>;
}

/** Byte order, as Go's filepath.Walk sorts; localeCompare would depend on the agent's locale. */
function byName(a: Dirent, b: Dirent): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

/** The parts of `dir` (real path) in render order. */
export async function collectPlain(dir: string, opts: PlainOptions): Promise<RenderedPart[]> {
  const parts: RenderedPart[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort(byName);
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const shown = displayPath(opts.rootReal, path);
    if (entry.isSymbolicLink()) {
      const target = await resolveLink(path, shown, opts.rootReal, isManifestFile(entry.name));
      if (target === undefined) continue;
      // Like filepath.Walk, follow links to files but do not descend linked directories.
      if (isManifestFile(entry.name) && (await stat(target)).isFile())
        await addFile(parts, target, shown, opts);
      continue;
    }
    if (entry.isDirectory()) {
      if (await hasKustomization(path)) parts.push(await opts.buildKustomization(path));
      else parts.push(...(await collectPlain(path, opts)));
    } else if (entry.isFile() && isManifestFile(entry.name)) {
      await addFile(parts, path, shown, opts);
    }
  }
  return parts;
}

/**
 * The real target of a symlink inside the root, or undefined for one that resolves nowhere and would not be
 * read anyway. A link out of the root is refused whether or not its target exists on the agent, judged by its
 * text when it does not: otherwise the outcome would depend on the host (a service account token exists in a
 * pod, not on a laptop). A manifest-named link that loops or dangles is refused rather than skipped, since
 * skipping it silently applies the revision as if the file did not exist.
 */
async function resolveLink(
  path: string,
  shown: string,
  rootReal: string,
  manifest: boolean,
): Promise<string | undefined> {
  const outside = () => buildFailed(`${shown}: symlink points outside the source root`, shown);
  let target: string;
  try {
    target = await realpath(path);
  } catch (e) {
    const written = await readlink(path).catch(() => undefined);
    if (written !== undefined && !isInside(rootReal, resolve(dirname(path), written))) throw outside();
    if (!manifest) return undefined;
    const code = errorCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw buildFailed(`${shown}: symlink points to a file that does not exist`, shown);
    }
    const why = code === 'ELOOP' ? 'is a loop (too many levels of symbolic links)' : 'cannot be resolved';
    throw buildFailed(`${shown}: symlink ${why}`, shown);
  }
  if (!isInside(rootReal, target)) throw outside();
  return target;
}

async function hasKustomization(dir: string): Promise<boolean> {
  for (const name of KUSTOMIZATION_FILES) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st?.isFile()) return true;
  }
  return false;
}

function isManifestFile(name: string): boolean {
  return EXTENSIONS.has(extname(name).toLowerCase());
}

async function addFile(
  parts: RenderedPart[],
  path: string,
  shown: string,
  opts: PlainOptions,
): Promise<void> {
  const { size } = await stat(path);
  if (size > opts.maxFileBytes) {
    throw buildFailed(`${shown}: file is ${size} bytes, more than the ${opts.maxFileBytes} allowed`, shown);
  }
  parts.push({ file: shown, text: await readTextFile(path, shown) });
}
