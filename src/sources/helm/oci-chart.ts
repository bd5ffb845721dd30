/**
 * Resolving a chart in an OCI registry as `helm pull oci://...` does: the chart is the repository
 * `<base>/<chart>`, its versions are the tags that are semver (`+` written `_`), and the chart archive is the
 * manifest's layer of media type `application/vnd.cncf.helm.chart.content.v1.tar+gzip`.
 */
import { valid } from 'semver';
import type { FetchedManifest } from '../oci/index.js';
import { chartVersionTag, MediaTypes, OciError } from '../oci/index.js';
import { HelmSourceError } from './errors.js';
import { selectFrom, toSemver } from './select.js';

/** The part of OciClient a chart fetch uses (tests may wrap one to count calls). */
export interface OciChartRegistry {
  listTags(repository: string, opts?: { signal?: AbortSignal }): Promise<string[]>;
  getManifest(
    repository: string,
    reference: string,
    accept: readonly string[],
    opts?: { signal?: AbortSignal },
  ): Promise<FetchedManifest>;
  getBlob(
    repository: string,
    digest: string,
    maxBytes: number,
    opts?: { signal?: AbortSignal },
  ): Promise<Buffer>;
}

/** What a chart version resolved to: its tag, its version, and the digest of its archive layer. */
export interface OciResolution {
  tag: string;
  version: string;
  layerDigest: string;
  layerSize?: number;
}

/** The chart version, from the tag a version maps to (`1.0.0+b` is `1.0.0_b`). */
export function versionOfTag(tag: string): string {
  return tag.replaceAll('_', '+');
}

/** True when `version` names one version rather than a range: its tag is known without listing tags. */
export function isExactVersion(version: string | undefined): version is string {
  return version !== undefined && valid(version.trim()) !== null;
}

/** Resolves `chart` at `range` in `repository` (`charts/podinfo`) to a tag and its archive layer. */
export async function resolveOciChart(
  client: OciChartRegistry,
  repository: string,
  chart: string,
  range: string | undefined,
  what: string,
  signal?: AbortSignal,
): Promise<OciResolution> {
  const opts = signal === undefined ? {} : { signal };
  let tag: string;
  try {
    if (isExactVersion(range)) {
      tag = chartVersionTag(range.trim());
    } else {
      const tags = (await client.listTags(repository, opts)).filter(
        (t) => toSemver(versionOfTag(t)) !== undefined,
      );
      tag = selectFrom(tags, versionOfTag, range, `chart '${chart}' in ${what}`);
    }
    const manifest = await client.getManifest(repository, tag, [MediaTypes.ociManifest], opts);
    const layer = chartLayer(manifest, `chart '${chart}' version '${versionOfTag(tag)}' in ${what}`);
    return { tag, version: versionOfTag(tag), ...layer };
  } catch (err) {
    // A chart or version the registry does not have is not a failure of the registry: say which is missing.
    if (err instanceof OciError && err.code === 'not_found')
      throw new HelmSourceError(
        'ChartNotFound',
        `chart '${chart}'${isExactVersion(range) ? ` version '${range}'` : ''} not found in ${what}`,
      );
    throw err;
  }
}

function chartLayer(m: FetchedManifest, what: string): { layerDigest: string; layerSize?: number } {
  const layers = (m.manifest as { layers?: unknown }).layers;
  const found = Array.isArray(layers)
    ? (layers as unknown[]).find(
        (l): l is { mediaType: string; digest: string; size?: unknown } =>
          typeof l === 'object' &&
          l !== null &&
          (l as { mediaType?: unknown }).mediaType === MediaTypes.helmChartContent &&
          typeof (l as { digest?: unknown }).digest === 'string',
      )
    : undefined;
  if (found === undefined)
    throw new HelmSourceError(
      'InvalidChart',
      `${what}: the manifest has no layer of type ${MediaTypes.helmChartContent}; is it a Helm chart?`,
    );
  return {
    layerDigest: found.digest,
    ...(typeof found.size === 'number' ? { layerSize: found.size } : {}),
  };
}
