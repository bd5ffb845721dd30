/**
 * The render stage: a source artifact and a Sync's spec.path in, one YAML stream out. A directory with a
 * kustomization is built with kustomize after the scanner has vetted everything it reaches; any other
 * directory is read file by file.
 */
import { tmpdir } from 'node:os';
import { buildFailed } from '../plan/errors.js';
import type { RenderedFile } from './join.js';
import { joinParts } from './join.js';
import type { KustomizeCommand } from './kustomize-exec.js';
import { runKustomize } from './kustomize-exec.js';
import { findKustomization, scanKustomization } from './kustomize-scan.js';
import { displayPath, realRoot, resolveSyncPath } from './paths.js';
import { collectPlain } from './plain.js';

export type { RenderedFile } from './join.js';
export type { KustomizeCommand } from './kustomize-exec.js';

/** One render: where the artifact is, what to render, and the limits. */
export interface RenderInput {
  /** The artifact root: the checked-out revision. */
  root: string;
  /** The Sync's spec.path, relative to the root. */
  path: string;
  kustomize: KustomizeCommand;
  timeoutMs: number;
  /** Cap on the rendered YAML, per kustomize run and in total. */
  maxOutputBytes: number;
  /** Cap on each file read (plain manifests, kustomizations, files they reference). */
  maxFileBytes: number;
  /** Let kustomizations use `helmCharts` (passes `--enable-helm`). Off by default: Helm pulls from the network. */
  allowHelmCharts?: boolean;
  /** The artifact's revision, for the message when the path is missing. */
  revision?: string;
  /** Parent directory of each run's throwaway HOME; defaults to the OS temp directory. */
  tmpDir?: string;
  /** Aborts a running kustomize (agent shutdown). */
  signal?: AbortSignal;
}

/** The rendered YAML stream and the files it came from. */
export interface RenderResult {
  yaml: string;
  /** Where each input starts in `yaml`, for naming files in errors (a parse origin of `{ files }`). */
  files: RenderedFile[];
  renderer: 'kustomize' | 'plain' | 'helm';
}

/** Renders `path` of the artifact at `root`. Throws ReconcileError; a missing path is ArtifactFailed. */
export async function render(input: RenderInput): Promise<RenderResult> {
  const rootReal = await realRoot(input.root);
  const dir = await resolveSyncPath(rootReal, input.path, input.revision);
  const build = async (abs: string) => {
    const rel = displayPath(rootReal, abs);
    const scan = await scanKustomization(rootReal, abs, {
      allowHelmCharts: input.allowHelmCharts === true,
      maxFileBytes: input.maxFileBytes,
    });
    const text = await runKustomize({
      rootReal,
      dir: rel,
      kustomize: input.kustomize,
      timeoutMs: input.timeoutMs,
      maxOutputBytes: input.maxOutputBytes,
      enableHelm: scan.usesHelm,
      tmpDir: input.tmpDir ?? tmpdir(),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    return { file: `kustomize build ${rel === '.' ? '.' : `./${rel}`}`, text };
  };

  if (await findKustomization(rootReal, dir.abs)) {
    const { yaml, files } = joinParts([await build(dir.abs)]);
    return { yaml, files, renderer: 'kustomize' };
  }
  const parts = await collectPlain(dir.abs, {
    rootReal,
    maxFileBytes: input.maxFileBytes,
    buildKustomization: build,
  });
  const { yaml, files } = joinParts(parts);
  const bytes = Buffer.byteLength(yaml);
  if (bytes > input.maxOutputBytes) {
    throw buildFailed(
      `${dir.rel}: the manifests total ${bytes} bytes, more than the ${input.maxOutputBytes} allowed`,
      dir.rel,
    );
  }
  return { yaml, files, renderer: 'plain' };
}
