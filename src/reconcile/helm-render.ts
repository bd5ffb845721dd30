/**
 * One release render, shared by the agent and `steward build`/`diff`: the chart checked, the values resolved
 * (valuesFiles confined to the source, valuesFrom read with the caller's client), `helm template` run, the
 * post-renderers applied. Errors name the chart and version; values never appear in them.
 */
import type { Sync } from '../api/index.js';
import { ReconcileError } from '../core/types.js';
import type { KubeClient } from '../kube/index.js';
import { postRender, renderChart, resolveHelmValues } from '../render/helm/index.js';
import type { KustomizeCommand } from '../render/index.js';
import type { RenderResult } from '../render/render.js';
import { chartLabel, releaseDigest } from './helm-release.js';

/** Charts hold tens to hundreds of files; the check refuses more than this. */
const MAX_CHART_FILES = 10_000;

/** The chart to render: where it is and what identifies it. */
export interface ChartOnDisk {
  name: string;
  version: string;
  digest: string;
  dir: string;
  /** What valuesFiles are confined to. */
  root: string;
}

/** What identifies a rendered release (Sync status.helm, and when hooks run). */
export interface HelmRelease {
  chart: string;
  version: string;
  digest: string;
  releaseName: string;
  namespace: string;
  kubeVersion: string;
  releaseDigest: string;
}

export interface RenderReleaseInput {
  /** Reads valuesFrom ConfigMaps and Secrets: the tenant's identity in the agent. */
  client: KubeClient;
  sync: Pick<Sync, 'metadata' | 'spec'>;
  chart: ChartOnDisk;
  helm: { command: string; pathEnv: string };
  kustomize: KustomizeCommand;
  /** The agent's default (config helm.kubeVersion) when spec.helm.kubeVersion is left out. */
  kubeVersion: string;
  limits: { timeoutMs: number; maxOutputBytes: number; maxFileBytes: number; maxChartExpandedBytes: number };
  tmpDir?: string;
  signal?: AbortSignal;
}

/** Renders the release a helm Sync describes. Throws ReconcileError naming the chart and version. */
export async function renderRelease(
  input: RenderReleaseInput,
): Promise<{ rendered: RenderResult; release: HelmRelease }> {
  const { sync, chart } = input;
  const helm = sync.spec.helm;
  if (!helm) throw new Error('renderRelease called for a Sync without spec.helm');
  const label = chartLabel(chart);
  const namespace = sync.spec.targetNamespace ?? sync.metadata.namespace;
  const releaseName = helm.releaseName ?? sync.metadata.name;
  const kubeVersion = helm.kubeVersion ?? input.kubeVersion;
  return naming(label, async () => {
    const { values, secrets } = await resolveHelmValues(
      input.client,
      sync.metadata.namespace,
      helm,
      chart.dir,
      chart.root,
      { maxFileBytes: input.limits.maxFileBytes },
    );
    let rendered = await renderChart({
      chartDir: chart.dir,
      releaseName,
      namespace,
      values,
      kubeVersion,
      includeCRDs: helm.includeCRDs !== false,
      skipTests: helm.skipTests !== false,
      helm: input.helm,
      timeoutMs: input.limits.timeoutMs,
      maxOutputBytes: input.limits.maxOutputBytes,
      chartLabel: label,
      // Values from Secrets never reach a message, even when helm quotes them in an error.
      redact: secrets,
      chartLimits: { maxFiles: MAX_CHART_FILES, maxBytes: input.limits.maxChartExpandedBytes },
      ...(input.tmpDir ? { tmpDir: input.tmpDir } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    if (helm.postRenderers && helm.postRenderers.length > 0)
      rendered = await postRender(rendered.yaml, helm.postRenderers, input.kustomize, {
        timeoutMs: input.limits.timeoutMs,
        maxOutputBytes: input.limits.maxOutputBytes,
        chartLabel: label,
        ...(input.tmpDir ? { tmpDir: input.tmpDir } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
      });
    const release: HelmRelease = {
      chart: chart.name,
      version: chart.version,
      digest: chart.digest,
      releaseName,
      namespace,
      kubeVersion,
      releaseDigest: releaseDigest({
        chartDigest: chart.digest,
        values,
        releaseName,
        namespace,
        kubeVersion,
      }),
    };
    return { rendered, release };
  });
}

/** Makes sure a failure says which chart and version it is about (helm's own message follows). */
async function naming<T>(label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ReconcileError) || err.message.includes(label)) throw err;
    throw new ReconcileError(err.reason, err.retry, `chart ${label}: ${err.message}`, err.subject, {
      cause: err,
    });
  }
}
