/**
 * The data the Helm source adapter takes and returns. Names follow Helm's repo package (IndexFile, ChartVersion)
 * where they mean the same thing, so anyone who has read helm's code feels at home.
 */

/** Basic auth for an HTTP chart repository, from a Secret's `username` and `password`. */
export interface BasicAuth {
  username?: string;
  password?: string;
}

/** One version of one chart in an index, reduced to what Steward reads. */
export interface ChartVersionEntry {
  name: string;
  version: string;
  /** Download URLs, relative to the repository URL or absolute; helm downloads the first. */
  urls: string[];
  /** Hex SHA-256 of the .tgz, when the index records one (helm's `digest`, no `sha256:` prefix). */
  digest?: string;
  /** RFC 3339 time the version was added to the index. */
  created?: string;
  /** Chart API version: v1 (Helm 2) or v2. */
  apiVersion: string;
  /** `application` or `library`. */
  type?: string;
}

/** An index entry helm itself would skip as invalid; kept so the HelmRepository can say so. */
export interface SkippedEntry {
  chart: string;
  version?: string;
  reason: string;
}

/** A parsed, schema-checked index.yaml. */
export interface ParsedIndex {
  apiVersion: string;
  generated?: string;
  /** Chart name to its versions, highest semver first (helm's SortEntries). */
  entries: ReadonlyMap<string, readonly ChartVersionEntry[]>;
  /** Number of chart versions held. */
  versions: number;
  /** The first invalid entries (at most {@link MAX_SKIPPED_LISTED}); `skippedCount` counts them all. */
  skipped: readonly SkippedEntry[];
  skippedCount: number;
}

export const MAX_SKIPPED_LISTED = 20;

/** Limits applied to one chart archive (config `helm`). */
export interface ChartLimits {
  /** Largest .tgz accepted, downloaded or extracted (`helm.maxChartBytes`). */
  maxChartBytes: number;
  /** Largest total size of the extracted files (`helm.maxChartExpandedBytes`). */
  maxChartExpandedBytes: number;
  /** Largest extracted size divided by archive size (`helm.maxExpansionRatio`). */
  maxExpansionRatio: number;
  /** Most entries (files and directories) in one archive; default {@link DEFAULT_MAX_CHART_ENTRIES}. */
  maxEntries?: number;
}

/** Charts with more files than this are not charts but something else; helm charts hold tens to hundreds. */
export const DEFAULT_MAX_CHART_ENTRIES = 10_000;

/** A chart ready to render. */
export interface FetchedChart {
  name: string;
  version: string;
  /** `sha256:<hex>` of the .tgz. */
  digest: string;
  /** Absolute path of the extracted chart root (the directory holding Chart.yaml). */
  dir: string;
  /** `${version}@${digest}`, what a Sync reports as the applied revision. */
  revision: string;
}
