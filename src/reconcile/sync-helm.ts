/**
 * The helm path of a Sync reconcile: chart on disk -> checks -> values (read as the tenant) -> helm template
 * -> post-render -> the same substitute / parse / validate / plan / tenancy steps as kustomize output, with the
 * hooks split out for the apply stage. A render failure names the chart, its version and helm's message, and
 * throws before anything is applied or pruned, so the last applied release stays as it is.
 */
import type { Sync } from '../api/index.js';
import { parseDuration } from '../api/index.js';
import type { HelmStatus } from '../api/schema/sync.js';
import type { PlannedObject } from '../core/types.js';
import type { KubeClient } from '../kube/index.js';
import type { RenderResult } from '../render/index.js';
import { ownerLabels } from '../render/index.js';
import type { Artifact } from '../sources/git/index.js';
import type { TenantPolicy } from '../tenancy/tenancy.js';
import { checkTenancy } from '../tenancy/tenancy.js';
import type { ReconcileContext } from './context.js';
import type { HelmPlan } from './helm-plan.js';
import { allObjects, planRelease } from './helm-plan.js';
import type { HelmRelease } from './helm-render.js';
import { renderRelease } from './helm-render.js';
import type { ChartSource } from './helm-source.js';
import { chartSource } from './helm-source.js';
import { buildSync, checkTargetNamespace, parseLimits, parseRendered } from './sync-build.js';
import { sourceArtifact } from './sync-inputs.js';

/** A planned release: the objects by phase and what identifies it (for status and for when hooks run). */
export interface HelmBuild {
  plan: HelmPlan;
  release: HelmRelease;
}

/** Renders and plans a helm Sync's chart as the tenant (or the platform) it runs for. */
export async function buildHelmSync(
  ctx: ReconcileContext,
  client: KubeClient,
  sync: Sync,
  chart: ChartSource,
  vars: Record<string, string>,
  tenant: TenantPolicy | undefined,
  previous: HelmStatus | undefined,
  signal?: AbortSignal,
): Promise<HelmBuild> {
  if (tenant) checkTargetNamespace(sync, tenant);
  const r = ctx.config.render;
  const { rendered, release } = await renderRelease({
    client,
    sync,
    chart,
    helm: { command: r.helmPath, pathEnv: ctx.pathEnv },
    kustomize: { command: r.kustomizePath, args: [...r.kustomizeArgs], pathEnv: ctx.pathEnv },
    kubeVersion: ctx.config.helm.kubeVersion,
    limits: {
      timeoutMs: parseDuration(r.timeout),
      maxOutputBytes: r.maxOutputBytes,
      maxFileBytes: r.maxFileBytes,
      maxChartExpandedBytes: ctx.config.helm.maxChartExpandedBytes,
    },
    ...(signal ? { signal } : {}),
  });
  // No release applied before: Helm's install (its install hooks run); otherwise an upgrade.
  const event = previous ? 'upgrade' : 'install';
  const plan = await planHelmOutput(ctx, client, sync, rendered, release.namespace, vars, event);
  if (tenant) checkTenancy(allObjects(plan), tenant);
  return { plan, release };
}

async function planHelmOutput(
  ctx: ReconcileContext,
  client: KubeClient,
  sync: Sync,
  rendered: RenderResult,
  namespace: string,
  vars: Record<string, string>,
  event: 'install' | 'upgrade',
): Promise<HelmPlan> {
  const { manifests, namespacedKinds } = await parseRendered(client, rendered, vars, parseLimits(ctx));
  return planRelease(manifests, {
    namespace,
    ...(sync.spec.targetNamespace ? { targetNamespace: sync.spec.targetNamespace } : {}),
    ownerLabels: ownerLabels({ name: sync.metadata.name, namespace: sync.metadata.namespace }),
    namespacedKinds,
    event,
  });
}

/** What a Sync renders: a Git artifact's path (kustomize or plain YAML), or a chart. */
export type SyncSource =
  | { kind: 'artifact'; revision: string; artifact: Artifact }
  | { kind: 'chart'; revision: string; chart: ChartSource };

/** The source of a Sync: the chart of a helm Sync, else its GitRepository's artifact. */
export async function syncSource(
  ctx: ReconcileContext,
  sync: Sync,
  signal?: AbortSignal,
): Promise<SyncSource> {
  if (sync.spec.helm) {
    const chart = await chartSource(ctx, sync, signal);
    return { kind: 'chart', revision: chart.revision, chart };
  }
  const artifact = await sourceArtifact(ctx, sync);
  return { kind: 'artifact', revision: artifact.revision, artifact };
}

/** The planned objects of a Sync's source; for a chart also its hooks and what identifies the release. */
export async function buildSource(
  ctx: ReconcileContext,
  client: KubeClient,
  sync: Sync,
  source: SyncSource,
  vars: Record<string, string>,
  tenant: TenantPolicy | undefined,
  previous: HelmStatus | undefined,
  signal?: AbortSignal,
): Promise<{ planned: PlannedObject[]; helm?: HelmBuild }> {
  if (source.kind === 'artifact')
    return { planned: await buildSync(ctx, client, sync, source.artifact, vars, tenant, signal) };
  const helm = await buildHelmSync(ctx, client, sync, source.chart, vars, tenant, previous, signal);
  return { planned: helm.plan.main, helm };
}

/** status.helm after a successful apply: the release, whose hooks have now run (or had run before). */
export function helmStatus(build: HelmBuild): HelmStatus {
  const r = build.release;
  return {
    chart: r.chart,
    version: r.version,
    digest: r.digest,
    releaseDigest: r.releaseDigest,
    hooksAppliedFor: r.releaseDigest,
  };
}
