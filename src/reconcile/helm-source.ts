/**
 * Where a helm Sync's chart comes from: a directory of a GitRepository's artifact (spec.helm.chart is its
 * path), or a chart of a HelmRepository (spec.helm.chart is its name, spec.helm.version a range), fetched
 * through the shared index and the on-disk chart cache. A repository without an index yet, or a chart not (yet)
 * in the index, is a wait, as a GitRepository without an artifact is.
 */
import type { HelmRepository, Sync } from '../api/index.js';
import { validateHelmRepository } from '../api/index.js';
import { GROUP_VERSION } from '../core/constants.js';
import { Reasons, ReconcileError } from '../core/types.js';
import type { BasicAuth } from '../sources/helm/index.js';
import { HelmSourceError, toReconcileError } from '../sources/helm/index.js';
import type { RegistryAuth } from '../sources/oci/index.js';
import { OciError } from '../sources/oci/index.js';
import type { ReconcileContext } from './context.js';
import { gitChart } from './helm-git-chart.js';
import type { ChartOnDisk } from './helm-render.js';
import { registryAuthOf } from './secrets.js';
import { sourceArtifact, sourceNamespace } from './sync-inputs.js';

/** A chart on disk, ready to check and render, and the revision the Sync reports for it. */
export interface ChartSource extends ChartOnDisk {
  /** The Git revision, or `${version}@${digest}` of a repository chart. */
  revision: string;
}

const HELM_REPOSITORY = 'HelmRepository';

/** Resolves the chart of a helm Sync. Throws SourceNotReady (transient) while there is nothing to render yet. */
export async function chartSource(
  ctx: ReconcileContext,
  sync: Sync,
  signal?: AbortSignal,
): Promise<ChartSource> {
  const helm = sync.spec.helm;
  if (!helm) throw new Error('chartSource called for a Sync without spec.helm');
  if (sync.spec.sourceRef.kind === 'GitRepository') {
    const artifact = await sourceArtifact(ctx, sync);
    const chart = await gitChart(
      artifact.path,
      helm.chart,
      artifact.revision,
      ctx.config.render.maxFileBytes,
    );
    return { revision: artifact.revision, ...chart };
  }
  const repository = await helmRepository(ctx, sync);
  const ns = repository.metadata.namespace;
  const subject = `${HELM_REPOSITORY}/${ns}/${repository.metadata.name}`;
  const oci = repository.spec.type === 'oci';
  const index = oci ? undefined : ctx.helmIndexes.get(ns, repository.metadata.name);
  if (!oci && !index) throw waiting(subject, 'has no index yet');
  const auth = await repositoryAuth(ctx, repository);
  try {
    const chart = await ctx.charts.fetch({
      repository,
      chart: helm.chart,
      ...(helm.version ? { version: helm.version } : {}),
      ...(auth ? { auth } : {}),
      ...(index ? { index: index.index } : {}),
      ...(signal ? { signal } : {}),
    });
    return { ...chart, root: chart.dir };
  } catch (err) {
    if (err instanceof HelmSourceError) {
      // Not in the index (yet): the repository may publish it at its next fetch; wait, as for an artifact.
      if (err.code === 'ChartNotFound') throw waiting(subject, err.message);
      throw toReconcileError(err, subject);
    }
    if (err instanceof OciError) throw ociError(err, subject);
    throw err;
  }
}

function waiting(subject: string, why: string): ReconcileError {
  return new ReconcileError(Reasons.SourceNotFound, 'transient', `source '${subject}' ${why}`, subject);
}

/** The HelmRepository a Sync names, under the same namespace rules as a GitRepository source. */
async function helmRepository(ctx: ReconcileContext, sync: Sync): Promise<HelmRepository> {
  const ns = sourceNamespace(sync);
  const name = sync.spec.sourceRef.name;
  const subject = `${HELM_REPOSITORY}/${ns}/${name}`;
  if (ns !== sync.metadata.namespace && ctx.config.lockdown.noCrossNamespaceRefs) {
    throw new ReconcileError(
      Reasons.ValidationFailed,
      'terminal',
      `cross-namespace sourceRef to ${ns}/${name} is not allowed (lockdown.noCrossNamespaceRefs)`,
      subject,
    );
  }
  const [group, version] = GROUP_VERSION.split('/') as [string, string];
  const raw = await ctx.client.get({ group, version, kind: HELM_REPOSITORY, namespace: ns, name });
  if (!raw) throw waiting(subject, 'not found');
  const checked = validateHelmRepository(raw);
  if (!checked.ok) throw waiting(subject, 'is invalid');
  // Not gated on Ready: an HTTP repository is usable once it has an index (the last good one is kept when a
  // later fetch fails), and an OCI repository has nothing to fetch on its own; the chart fetch says what fails.
  return checked.value;
}

/**
 * The repository's credentials, read with the agent's identity as the source reconciler reads them: basic
 * auth (`username`/`password`) or a docker config Secret, matched against the repository's host.
 */
async function repositoryAuth(
  ctx: ReconcileContext,
  repository: HelmRepository,
): Promise<(RegistryAuth & BasicAuth) | undefined> {
  const ref = repository.spec.secretRef;
  if (!ref) return undefined;
  const ns = repository.metadata.namespace;
  const subject = `${HELM_REPOSITORY}/${ns}/${repository.metadata.name}`;
  try {
    return await registryAuthOf(ctx.client, ns, ref.name, hostOf(repository.spec.url), subject);
  } catch (err) {
    if (err instanceof OciError) throw ociError(err, subject);
    throw err;
  }
}

/** `host[:port]` of an https://, http:// or oci:// URL. */
function hostOf(url: string): string {
  try {
    return new URL(url.replace(/^oci:\/\//, 'https://')).host;
  } catch {
    return '';
  }
}

function ociError(err: OciError, subject: string): ReconcileError {
  const reason =
    err.code === 'unauthorized' || err.code === 'denied'
      ? Reasons.AuthenticationFailed
      : Reasons.ArtifactFailed;
  return new ReconcileError(reason, 'transient', `${subject}: ${err.message}`, subject);
}
