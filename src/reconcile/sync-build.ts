/** Render and plan a Sync's revision exactly as `steward build` does, with the cluster's discovery for scope. */
import type { Sync } from '../api/index.js';
import { parseDuration } from '../api/index.js';
import type { PlannedObject } from '../core/types.js';
import { builtinNamespaced, parseManifests } from '../plan/index.js';
import { ownerLabels, planRendered, render } from '../render/index.js';
import type { Artifact } from '../sources/git/index.js';
import type { ReconcileContext } from './context.js';

export async function buildSync(
  ctx: ReconcileContext,
  sync: Sync,
  artifact: Artifact,
  vars: Record<string, string>,
  signal?: AbortSignal,
): Promise<PlannedObject[]> {
  const r = ctx.config.render;
  const rendered = await render({
    root: artifact.path,
    path: sync.spec.path ?? './',
    kustomize: { command: r.kustomizePath, args: [...r.kustomizeArgs], pathEnv: ctx.pathEnv },
    timeoutMs: parseDuration(r.timeout),
    maxOutputBytes: r.maxOutputBytes,
    maxFileBytes: r.maxFileBytes,
    revision: artifact.revision,
    ...(signal ? { signal } : {}),
  });
  const limits = { maxObjects: r.maxObjects, maxAliases: 100, maxDepth: 64 };
  // Scope of kinds the built-in table does not know (custom resources): ask discovery once per kind.
  const scope = new Map<string, boolean>();
  for (const { manifest } of parseManifests(rendered.yaml, { files: rendered.files }, limits)) {
    const key = `${manifest.apiVersion}|${manifest.kind}`;
    if (scope.has(key) || builtinNamespaced(manifest.apiVersion, manifest.kind) !== undefined) continue;
    const info = await ctx.client.discover(manifest.apiVersion, manifest.kind);
    if (info) scope.set(key, info.namespaced);
  }
  return planRendered(rendered, {
    vars,
    ...(sync.spec.targetNamespace ? { targetNamespace: sync.spec.targetNamespace } : {}),
    ownerLabels: ownerLabels({ name: sync.metadata.name, namespace: sync.metadata.namespace }),
    namespacedKinds: (apiVersion, kind) =>
      builtinNamespaced(apiVersion, kind) ?? scope.get(`${apiVersion}|${kind}`),
    limits,
  });
}
