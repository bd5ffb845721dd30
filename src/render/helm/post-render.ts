/**
 * spec.helm.postRenderers: kustomize patches and image overrides over helm's output, the way Flux's
 * post-renderer applies them. Each post-renderer writes its input into a throwaway directory, one file per
 * template (named after helm's `# Source:` comment, so kustomize's own errors name the template), with a
 * kustomization listing them, its patches and images, and runs the agent's kustomize with the same limits as
 * any render. Inputs are parsed first with the agent's YAML limits: kustomize expands aliases without any.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LineCounter, stringify } from 'yaml';
import type { KustomizePostRenderer } from '../../api/index.js';
import { ReconcileError } from '../../core/types.js';
import { streamDocuments } from '../../plan/documents.js';
import { buildFailed } from '../../plan/errors.js';
import type { RenderedFile } from '../join.js';
import type { KustomizeCommand } from '../kustomize-exec.js';
import { runKustomize } from '../kustomize-exec.js';
import type { RenderResult } from '../render.js';
import { helmSourceBlocks } from './sources.js';
import { isValuesMap } from './values-merge.js';

/** The limits of the kustomize runs, as for any render. */
export interface PostRenderLimits {
  timeoutMs: number;
  maxOutputBytes: number;
  /** Alias expansions allowed per document of the input and of each patch; 100 when left out. */
  maxAliases?: number;
  /** `podinfo 6.5.0`, to start messages with `chart podinfo 6.5.0:`. */
  chartLabel?: string;
  tmpDir?: string;
  signal?: AbortSignal;
}

/** What a file of the post-render input is called when its `# Source:` cannot be a file name. */
const FALLBACK_FILE = 'helm-template.yaml';
/** How objects kustomize returns without a known template are named in messages. */
const POST_RENDER_FILE = 'post-render';

/** A `# Source:` usable as a relative file name: plain segments only, none of them `.` or `..`. */
const SAFE_PATH =
  /^(?!kustomization\.ya?ml$|Kustomization$)[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Kind, namespace and name: what stays the same through kustomize's patches and image overrides. */
type ObjectKey = string;

function keyOf(obj: unknown): ObjectKey | undefined {
  if (!isValuesMap(obj) || !isValuesMap(obj.metadata)) return undefined;
  const { kind } = obj;
  const { name, namespace } = obj.metadata;
  if (typeof kind !== 'string' || typeof name !== 'string') return undefined;
  return `${kind}/${typeof namespace === 'string' ? namespace : ''}/${name}`;
}

/**
 * Parses every document of `text` within the alias limit (refusing what would exhaust kustomize) and returns
 * each object's key and the 1-based line its content starts on.
 */
function vetDocuments(text: string, where: string, maxAliases: number): { key?: ObjectKey; line: number }[] {
  const lines = new LineCounter();
  const out: { key?: ObjectKey; line: number }[] = [];
  for (const doc of streamDocuments(text, lines)) {
    if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) {
      throw buildFailed(`${where}: a document is nested too deeply to parse`, where);
    }
    if (doc.errors[0] || doc.contents === null) continue;
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: maxAliases });
    } catch {
      throw buildFailed(
        `${where}: a document expands too many YAML aliases (limit ${maxAliases}); refusing it as a resource exhaustion attack`,
        where,
      );
    }
    const key = keyOf(js);
    out.push({ ...(key ? { key } : {}), line: lines.linePos(doc.contents.range[0]).line });
  }
  return out;
}

/** Writes the input as one file per template and returns the file names, in stream order. */
async function writeInput(dir: string, yaml: string): Promise<string[]> {
  const texts = new Map<string, string>();
  for (const block of helmSourceBlocks(yaml)) {
    let file = SAFE_PATH.test(block.file) ? block.file : FALLBACK_FILE;
    // A name that is also a directory of another (`a` and `a/b`) cannot be both.
    const clash = [...texts.keys()].some((f) => f.startsWith(`${file}/`) || file.startsWith(`${f}/`));
    if (clash) file = FALLBACK_FILE;
    const previous = texts.get(file);
    texts.set(file, previous === undefined ? block.text : `${previous}---\n${block.text}`);
  }
  for (const [file, text] of texts) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return [...texts.keys()];
}

/** The kustomization of one post-renderer. Pure. */
export function postRenderKustomization(
  resources: readonly string[],
  renderer: KustomizePostRenderer,
): string {
  const kustomization: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
  };
  if (renderer.patches && renderer.patches.length > 0) {
    kustomization.patches = renderer.patches.map((p) => ({
      patch: p.patch,
      ...(p.target ? { target: p.target } : {}),
    }));
  }
  if (renderer.images && renderer.images.length > 0) kustomization.images = renderer.images;
  return stringify(kustomization);
}

/** Which template each object of kustomize's output came from, one entry per document. */
function outputFiles(
  text: string,
  origins: ReadonlyMap<ObjectKey, string>,
  maxAliases: number,
): RenderedFile[] {
  return vetDocuments(text, POST_RENDER_FILE, maxAliases).map(({ key, line }) => {
    const origin = key ? origins.get(key) : undefined;
    return { file: origin ? `${origin} (post-rendered)` : POST_RENDER_FILE, documents: 1, line };
  });
}

/**
 * Applies the post-renderers in order to a helm stream. The result's `files` name, for each object, the
 * template it came from; line numbers count in kustomize's output.
 */
export async function postRender(
  yaml: string,
  postRenderers: readonly { kustomize: KustomizePostRenderer }[],
  kustomize: KustomizeCommand,
  limits: PostRenderLimits,
): Promise<RenderResult> {
  const prefix = limits.chartLabel ? `chart ${limits.chartLabel}: ` : '';
  const maxAliases = limits.maxAliases ?? 100;
  const origins = new Map<ObjectKey, string>();
  for (const block of helmSourceBlocks(yaml)) {
    const where = block.file || 'helm template output';
    for (const { key } of vetDocuments(block.text, where, maxAliases))
      if (key && block.file) origins.set(key, block.file);
  }
  let text = yaml;
  for (const [i, renderer] of postRenderers.entries()) {
    const where = `postRenderers[${i}]`;
    for (const [j, patch] of (renderer.kustomize.patches ?? []).entries()) {
      vetDocuments(patch.patch, `${prefix}${where}.kustomize.patches[${j}]`, maxAliases);
    }
    text = await runOne(text, renderer.kustomize, kustomize, limits, `${prefix}${where}`);
  }
  return { yaml: text, files: outputFiles(text, origins, maxAliases), renderer: 'helm' };
}

async function runOne(
  yaml: string,
  renderer: KustomizePostRenderer,
  kustomize: KustomizeCommand,
  limits: PostRenderLimits,
  where: string,
): Promise<string> {
  const dir = await realpath(await mkdtemp(join(limits.tmpDir ?? tmpdir(), 'steward-post-render-')));
  try {
    const resources = await writeInput(dir, yaml);
    await writeFile(join(dir, 'kustomization.yaml'), postRenderKustomization(resources, renderer));
    return await runKustomize({
      rootReal: dir,
      dir: '.',
      kustomize,
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes,
      enableHelm: false,
      tmpDir: limits.tmpDir ?? tmpdir(),
      ...(limits.signal ? { signal: limits.signal } : {}),
    });
  } catch (e) {
    if (!(e instanceof ReconcileError)) throw e;
    // kustomize's messages say `kustomize build .`; the Sync's field says which post-renderer it was.
    const message = `${where}: ${e.message.replace(/^kustomize build \. /, 'kustomize ')}`;
    throw new ReconcileError(e.reason, e.retry, message, where, { cause: e });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
