/**
 * Render and plan a Sync's revision as `steward build` does (render, substitute, parse, validate, plan), with
 * the cluster's discovery for the scope of custom kinds, and the tenancy boundary for tenant Syncs.
 */
import type { Sync } from '../api/index.js';
import { parseDuration } from '../api/index.js';
import type { PlannedObject } from '../core/types.js';
import { Reasons, ReconcileError } from '../core/types.js';
import type { KubeClient } from '../kube/index.js';
import type { ParseLimits, SourcedManifest } from '../plan/index.js';
import { builtinNamespaced, parseManifests, plan, validateManifests } from '../plan/index.js';
import type { RenderResult } from '../render/index.js';
import { ownerLabels, render, substitute } from '../render/index.js';
import type { Artifact } from '../sources/git/index.js';
import type { TenantPolicy } from '../tenancy/tenancy.js';
import { checkTenancy } from '../tenancy/tenancy.js';
import type { ReconcileContext } from './context.js';

export async function buildSync(
  ctx: ReconcileContext,
  client: KubeClient,
  sync: Sync,
  artifact: Artifact,
  vars: Record<string, string>,
  tenant: TenantPolicy | undefined,
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
  const parsed = await parseRendered(client, rendered, vars, parseLimits(ctx));
  let manifests = parsed.manifests;
  const namespacedKinds = parsed.namespacedKinds;
  const targetNamespace = sync.spec.targetNamespace;
  if (tenant) {
    checkTargetNamespace(sync, tenant);
    // With targetNamespace set to its own namespace, a tenant gets Flux's override: everything lands there.
    // Without it, like `kubectl apply -n`: objects naming no namespace land in the tenant's, and those naming
    // another are left as they are, so the tenancy check below refuses them by name.
    if (!targetNamespace)
      manifests = manifests.map((m) => withDefaultNamespace(m, tenant.namespace, namespacedKinds));
  }
  const planned = plan(manifests, {
    ...(targetNamespace ? { targetNamespace } : {}),
    ownerLabels: ownerLabels({ name: sync.metadata.name, namespace: sync.metadata.namespace }),
    namespacedKinds,
  });
  if (tenant) checkTenancy(planned, tenant);
  return planned;
}

/**
 * Substitute, parse and validate a render's output, and learn the scope of the kinds the built-in table does
 * not know (custom resources) from discovery, once per kind. Shared by the kustomize and the helm path.
 */
export async function parseRendered(
  client: Pick<KubeClient, 'discover'>,
  rendered: RenderResult,
  vars: Readonly<Record<string, string>>,
  limits: ParseLimits,
): Promise<{
  manifests: SourcedManifest[];
  namespacedKinds: (apiVersion: string, kind: string) => boolean | undefined;
}> {
  const yaml = substitute(rendered.yaml, vars, { files: rendered.files });
  const manifests = parseManifests(yaml, { files: rendered.files }, limits);
  validateManifests(manifests);
  const scope = new Map<string, boolean>();
  for (const { manifest } of manifests) {
    const key = `${manifest.apiVersion}|${manifest.kind}`;
    if (scope.has(key) || builtinNamespaced(manifest.apiVersion, manifest.kind) !== undefined) continue;
    const info = await client.discover(manifest.apiVersion, manifest.kind);
    if (info) scope.set(key, info.namespaced);
  }
  const namespacedKinds = (apiVersion: string, kind: string) =>
    builtinNamespaced(apiVersion, kind) ?? scope.get(`${apiVersion}|${kind}`);
  return { manifests, namespacedKinds };
}

/** The parser's limits in the agent. */
export function parseLimits(ctx: ReconcileContext): ParseLimits {
  return { maxObjects: ctx.config.render.maxObjects, maxAliases: 100, maxDepth: 64 };
}

/** A tenant's spec.targetNamespace may only name its own namespace. */
export function checkTargetNamespace(sync: Sync, tenant: TenantPolicy): void {
  const targetNamespace = sync.spec.targetNamespace;
  if (targetNamespace && targetNamespace !== tenant.namespace) {
    throw new ReconcileError(
      Reasons.ValidationFailed,
      'terminal',
      `tenancy: spec.targetNamespace "${targetNamespace}" is outside the tenant namespace "${tenant.namespace}"`,
    );
  }
}

function withDefaultNamespace(
  item: SourcedManifest,
  namespace: string,
  namespaced: (apiVersion: string, kind: string) => boolean | undefined,
): SourcedManifest {
  const m = item.manifest;
  if (m.metadata.namespace || namespaced(m.apiVersion, m.kind) !== true) return item;
  return { ...item, manifest: { ...m, metadata: { ...m.metadata, namespace } } };
}
