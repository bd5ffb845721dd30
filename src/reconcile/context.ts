/** What every reconciler gets from the composition root: adapters, settings, and observability. */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { RevisionIndex } from '../core/revision-index.js';
import type { ImageScanner } from '../images/scanner.js';
import type { KubeClient } from '../kube/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Artifact } from '../sources/git/index.js';
import type { ChartFetcher, HelmIndexCache } from '../sources/helm/index.js';
import type { TokenCache } from '../sources/oci/index.js';
import type { SyncWindowSet } from '../windows/index.js';
import type { EventRecorder } from './events.js';
import type { ImageTagIndex } from './image-tags.js';
import type { ReconcileObserver } from './observe.js';

/** The artifacts of the GitRepositories this agent fetched, by `namespace/name`; a new revision wakes its Syncs. */
export class ArtifactIndex extends RevisionIndex<Artifact> {
  constructor() {
    super((artifact) => artifact.revision);
  }
}

export interface ReconcileContext {
  client: KubeClient;
  config: Config;
  metrics: Metrics;
  events: EventRecorder;
  log: Logger;
  artifacts: ArtifactIndex;
  /** The parsed indexes of the HTTP HelmRepositories, shared by every Sync that uses one. */
  helmIndexes: HelmIndexCache;
  /** Downloads, checks and caches the charts of HelmRepositories, shared by every Sync. */
  charts: ChartFetcher;
  /** Lists image tags, once per image and credentials for every ImageRepository that watches it. */
  imageScanner: ImageScanner;
  /** The scanned tags of each ImageRepository, read by its ImagePolicies. */
  imageTags: ImageTagIndex;
  /** Registry tokens, shared by the scanner and digest lookups. */
  registryTokens: TokenCache;
  now: () => Date;
  /** Git over plain http (tests and the quick start's local server). */
  allowInsecureHttp: boolean;
  /** PATH for the renderers' child processes (they get nothing else from the agent's environment). */
  pathEnv: string;
  /** A client that acts as `user` through impersonation (a tenant's service account), cached per user. */
  clientAs(user: string): KubeClient;
  /** The platform's sync windows, parsed once. */
  syncWindows: SyncWindowSet;
  /** Told of every reconcile's outcome (the status API's history); none in tests that do not need it. */
  observer?: ReconcileObserver;
}

export function rfc3339(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
