/**
 * The render and plan of `steward diff`: the same steps as the agent's `buildSync` (src/reconcile/sync-build.ts),
 * with the cluster's discovery deciding the scope of kinds the built-in table does not know. `steward build`
 * has no cluster and uses `buildLocal` instead, where the plan's own CRDs are the only other source of scope.
 */
import type { PlannedObject } from '../core/types.js';
import type { KubeClient } from '../kube/types.js';
import { builtinNamespaced, parseManifests } from '../plan/index.js';
import type { BuildLimits, KustomizeCommand } from '../render/index.js';
import { planRendered, render, substitute } from '../render/index.js';

/** Where and how to render, and what the Sync contributes. */
export interface ClusterBuildOptions {
  /** The Sync's spec.path inside the repository root. */
  path: string;
  kustomize: KustomizeCommand;
  limits: BuildLimits;
  vars: Readonly<Record<string, string>>;
  targetNamespace?: string;
  ownerLabels?: Readonly<Record<string, string>>;
  tmpDir?: string;
}

/** Renders `dir` and plans it with discovery for scope, as the agent does. Throws ReconcileError or KubeError. */
export async function planForCluster(
  client: KubeClient,
  dir: string,
  opts: ClusterBuildOptions,
): Promise<PlannedObject[]> {
  const rendered = await render({
    root: dir,
    path: opts.path,
    kustomize: opts.kustomize,
    timeoutMs: opts.limits.timeoutMs,
    maxOutputBytes: opts.limits.maxOutputBytes,
    maxFileBytes: opts.limits.maxFileBytes,
    ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}),
  });
  // Kinds are read after substitution, as the agent reads them: a variable may sit where YAML needs a value.
  const scope = new Map<string, boolean>();
  const yaml = substitute(rendered.yaml, opts.vars, { files: rendered.files });
  for (const { manifest } of parseManifests(yaml, { files: rendered.files }, opts.limits)) {
    const key = `${manifest.apiVersion}|${manifest.kind}`;
    if (scope.has(key) || builtinNamespaced(manifest.apiVersion, manifest.kind) !== undefined) continue;
    const info = await client.discover(manifest.apiVersion, manifest.kind);
    if (info) scope.set(key, info.namespaced);
  }
  return planRendered(rendered, {
    vars: opts.vars,
    ...(opts.targetNamespace ? { targetNamespace: opts.targetNamespace } : {}),
    ...(opts.ownerLabels ? { ownerLabels: opts.ownerLabels } : {}),
    namespacedKinds: (apiVersion, kind) =>
      builtinNamespaced(apiVersion, kind) ?? scope.get(`${apiVersion}|${kind}`),
    limits: opts.limits,
  });
}
