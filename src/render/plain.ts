/**
 * Collects the manifests of a directory without a kustomization, as Flux does by generating one: every
 * `.yaml`, `.yml` and `.json` file below it, depth first with entries sorted by name, dotfiles and dot
 * directories skipped. A subdirectory with its own kustomization is built with kustomize and not descended.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { buildFailed } from '../plan/errors.js';
import type { RenderedPart } from './join.js';
import { KUSTOMIZATION_FILES } from './kustomize-scan.js';
import { displayPath, isInside } from './paths.js';

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
      const target = await realpath(path).catch(() => undefined);
      if (target === undefined) continue;
      if (!isInside(opts.rootReal, target)) {
        throw buildFailed(`${shown}: symlink points outside the source root`, shown);
      }
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
  parts.push({ file: shown, text: await readFile(path, 'utf8') });
}
