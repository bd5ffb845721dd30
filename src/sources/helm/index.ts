/**
 * The Helm source adapter: HTTP chart repositories (index.yaml) and charts from them or from OCI registries.
 * The HelmRepository reconciler polls with `fetchIndex` (conditional, capped) and shares the parsed index
 * through `HelmIndexCache`; Syncs get their chart from `ChartFetcher`, which picks the version with
 * `selectVersion`, downloads once, checks the digest and extracts safely with `extractChart` into a cache.
 */
export type { ChartFetcherOptions, FetchOptions } from './chart-fetcher.js';
export { ChartFetcher, chartUrl, DEFAULT_MAX_CACHED_CHARTS } from './chart-fetcher.js';
export type { HelmErrorCode } from './errors.js';
export { HelmErrorCodes, HelmSourceError, toReconcileError } from './errors.js';
export type { ExtractedChart } from './extract.js';
export { extractChart } from './extract.js';
export type { HelmIndexEntry } from './index-cache.js';
export { HelmIndexCache } from './index-cache.js';
export type { FetchIndexOptions, IndexFetchResult, IndexValidators } from './index-fetch.js';
export { fetchIndex, indexUrl } from './index-fetch.js';
export type { ParseIndexOptions } from './index-parse.js';
export { parseIndex } from './index-parse.js';
export type { StoredIndexMeta } from './index-store.js';
export { loadIndex, saveIndex } from './index-store.js';
export type { OciChartRegistry } from './oci-chart.js';
export { selectFrom, selectVersion, toSemver } from './select.js';
export type {
  BasicAuth,
  ChartLimits,
  ChartVersionEntry,
  FetchedChart,
  ParsedIndex,
  SkippedEntry,
} from './types.js';
