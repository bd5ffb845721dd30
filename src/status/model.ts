/**
 * The status API's JSON model (docs/status.md). A view for people and dashboards, not an API object: it says
 * what the agent sees and holds nothing secret (no Secret data, tokens, webhook addresses or URL credentials).
 * Unknown values are `null` rather than absent, so every key is always there for clients.
 */

/** Bumped only for changes that break clients; additions keep it. */
export const STATUS_MODEL_VERSION = 1;

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** The `Ready` condition, or status Unknown with empty texts when there is none yet. */
export interface ReadyView {
  status: ConditionStatus;
  reason: string;
  message: string;
  /** lastTransitionTime (RFC 3339). */
  since: string | null;
}

/** The last reconcile this agent ran for an object (kept in memory: empty after a restart and on a standby). */
export interface LastReconcileView {
  /** When it finished (RFC 3339, milliseconds). */
  at: string;
  durationMs: number;
  /** `waiting`: it only waited, for a source, a dependency or a sync window. */
  result: 'success' | 'failure' | 'waiting';
}

export interface ObjectKeyView {
  kind: string;
  namespace: string;
  name: string;
}

/** A Flagger Canary or Argo Rollout a Sync applied, with its phase at the Sync's last health check. */
export interface CanaryView extends ObjectKeyView {
  /** `flagger.app` or `argoproj.io`. */
  group: string;
  phase: string;
}

export type TenantRole = 'platform' | 'tenant';

export interface SyncView {
  namespace: string;
  name: string;
  /** `platform` for Syncs in lockdown.platformNamespaces and bootstrap Syncs; every other Sync is a tenant's. */
  role: TenantRole;
  /** The service account the Sync applies as (in its own namespace); null when it acts as the agent. */
  serviceAccount: string | null;
  source: ObjectKeyView;
  path: string;
  revision: { applied: string | null; attempted: string | null };
  ready: ReadyView;
  reconciling: boolean;
  stalled: boolean;
  suspended: boolean;
  lastReconcile: LastReconcileView | null;
  /** Objects in the Sync's inventory. */
  inventory: number;
  canaries: CanaryView[];
}

export interface CountsView {
  total: number;
  ready: number;
  /** Not suspended and not Ready (False or Unknown). */
  notReady: number;
  suspended: number;
}

export interface TenantView {
  namespace: string;
  /** `platform` for a namespace in lockdown.platformNamespaces or holding only platform Syncs. */
  role: TenantRole;
  /** The service accounts its Syncs apply as, sorted. */
  serviceAccounts: string[];
  /** Names of its Syncs, sorted. */
  syncs: string[];
  counts: CountsView;
}

export interface SourceView {
  kind: 'GitRepository';
  namespace: string;
  name: string;
  /** The URL without user info, query or fragment. */
  url: string;
  /** `branch main`, `tag v1.2.0`, `semver ^1`, `name refs/...` or `commit <sha>`. */
  ref: string | null;
  revision: string | null;
  ready: ReadyView;
  suspended: boolean;
  /** The last poll of the remote (a poll that finds the same revision writes no status). */
  lastFetch: LastReconcileView | null;
  /** When the artifact last changed (status.artifact.lastUpdateTime). */
  artifactUpdatedAt: string | null;
  interval: string | null;
}

export interface ProviderView {
  namespace: string;
  name: string;
  type: string;
  ready: ReadyView;
  suspended: boolean;
}

export interface AlertView {
  namespace: string;
  name: string;
  provider: string;
  severity: string;
  /** `Kind/namespace/name` patterns of the selected objects. */
  sources: string[];
  ready: ReadyView;
  suspended: boolean;
}

export interface ReceiverView {
  namespace: string;
  name: string;
  type: string;
  /** `Kind/namespace/name` of the objects a call reconciles. */
  resources: string[];
  ready: ReadyView;
  suspended: boolean;
}

export interface EventView {
  /** The last occurrence (RFC 3339, milliseconds). */
  time: string;
  firstTime: string;
  /** Identical consecutive events of the same object collapse into one entry. */
  count: number;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  object: ObjectKeyView;
  revision: string | null;
}

export interface StatusSnapshot {
  version: typeof STATUS_MODEL_VERSION;
  generatedAt: string;
  agent: { version: string };
  summary: { syncs: CountsView; sources: CountsView };
  tenants: TenantView[];
  syncs: SyncView[];
  sources: SourceView[];
  notifications: { providers: ProviderView[]; alerts: AlertView[]; receivers: ReceiverView[] };
  /** Newest first. */
  events: EventView[];
}
