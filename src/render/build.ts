/**
 * Render to plan in one call, for `steward build <dir>`, and the pure half of it (`planRendered`), which the
 * reconciler runs on its own render so that a local build and the agent cannot drift apart.
 */
import { stringify } from 'yaml';
import { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL } from '../core/constants.js';
import type { PlannedObject } from '../core/types.js';
import { builtinNamespaced } from '../plan/builtin-scope.js';
import type { ParseLimits } from '../plan/parse.js';
import { parseManifests } from '../plan/parse.js';
import { plan } from '../plan/plan.js';
import { validateManifests } from '../plan/validate.js';
import type { KustomizeCommand, RenderResult } from './render.js';
import { render } from './render.js';
import { substitute } from './substitute.js';

/** Every limit of a build: the parser's and the renderer's. */
export interface BuildLimits extends ParseLimits {
  timeoutMs: number;
  maxOutputBytes: number;
  maxFileBytes: number;
}

/** Limits for a local build; the agent takes its own from its config file. */
export const DEFAULT_BUILD_LIMITS: Readonly<BuildLimits> = Object.freeze({
  maxObjects: 10_000,
  maxAliases: 100,
  maxDepth: 128,
  timeoutMs: 60_000,
  maxOutputBytes: 64 * 1024 * 1024,
  maxFileBytes: 8 * 1024 * 1024,
});

/** The labels that mark an object as owned by one Sync. */
export function ownerLabels(sync: { name: string; namespace: string }): Record<string, string> {
  return { [OWNER_NAME_LABEL]: sync.name, [OWNER_NAMESPACE_LABEL]: sync.namespace };
}

/** What a Sync's spec contributes after rendering: variables, target namespace, owner. */
export interface PlanRenderedOptions {
  /** postBuild.substitute; nothing is substituted when empty. */
  vars?: Readonly<Record<string, string>>;
  strictSubstitution?: boolean;
  targetNamespace?: string;
  ownerLabels?: Readonly<Record<string, string>>;
  /** Discovery's answer; defaults to the built-in kinds table. */
  namespacedKinds?: (apiVersion: string, kind: string) => boolean | undefined;
  limits: ParseLimits;
}

/** Substitute, parse, validate and plan a render's output. Pure. */
export function planRendered(rendered: RenderResult, opts: PlanRenderedOptions): PlannedObject[] {
  const yaml = substitute(rendered.yaml, opts.vars ?? {}, {
    strict: opts.strictSubstitution === true,
    files: rendered.files,
  });
  const manifests = parseManifests(yaml, { files: rendered.files }, opts.limits);
  validateManifests(manifests);
  return plan(manifests, {
    ...(opts.targetNamespace ? { targetNamespace: opts.targetNamespace } : {}),
    ownerLabels: opts.ownerLabels ?? {},
    namespacedKinds: opts.namespacedKinds ?? builtinNamespaced,
  });
}

/** `planRendered` options plus where and how to render. */
export interface BuildLocalOptions extends Omit<PlanRenderedOptions, 'limits'> {
  /** The Sync's spec.path inside `dir`; defaults to `.`. */
  path?: string;
  kustomize: KustomizeCommand;
  limits?: Partial<BuildLimits>;
  allowHelmCharts?: boolean;
  tmpDir?: string;
}

/**
 * Builds `dir` exactly as the agent would (render, substitute, parse, validate, plan), without a cluster.
 * Returns the planned objects in apply order and the same as one YAML stream.
 */
export async function buildLocal(
  dir: string,
  opts: BuildLocalOptions,
): Promise<{ yaml: string; objects: PlannedObject[] }> {
  const limits = { ...DEFAULT_BUILD_LIMITS, ...opts.limits };
  const rendered = await render({
    root: dir,
    path: opts.path ?? '.',
    kustomize: opts.kustomize,
    timeoutMs: limits.timeoutMs,
    maxOutputBytes: limits.maxOutputBytes,
    maxFileBytes: limits.maxFileBytes,
    ...(opts.allowHelmCharts ? { allowHelmCharts: true } : {}),
    ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}),
  });
  const objects = planRendered(rendered, { ...opts, limits });
  // Aliases in the source become shared objects; write them out in full, as the API server will see them.
  const yaml = objects.map((o) => `---\n${stringify(o.manifest, { aliasDuplicateObjects: false })}`).join('');
  return { yaml, objects };
}
