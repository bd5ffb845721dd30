/**
 * The status API's JSON model (docs/status.md). A view for people and dashboards, not an API object: it says
 * what the agent sees and holds nothing secret (no Secret data, tokens, webhook addresses or URL credentials).
 * Unknown values are `null` rather than absent, so every key is always there for clients. Image automation
 * objects are shown without their commit message templates or template values (values may be private).
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
  /**
   * `platform` for a namespace in lockdown.platformNamespaces or holding only platform Syncs; a namespace with
   * image automation objects and no Syncs is `tenant` unless it is a platform namespace.
   */
  role: TenantRole;
  /** The service accounts its Syncs apply as, sorted. */
  serviceAccounts: string[];
  /** Names of its Syncs, sorted. */
  syncs: string[];
  /** Its Syncs' counts. */
  counts: CountsView;
  /** Its ImageRepositories, ImagePolicies and ImageUpdateAutomations together. */
  images: CountsView;
}

export interface SourceView {
  kind: 'GitRepository' | 'HelmRepository';
  namespace: string;
  name: string;
  /** The URL without user info, query or fragment. */
  url: string;
  /** GitRepository: `branch main`, `tag v1.2.0`, `semver ^1`, `name refs/...` or `commit <sha>`; else null. */
  ref: string | null;
  /** HelmRepository: `default` (an index.yaml) or `oci`; null for a GitRepository. */
  type: string | null;
  /** GitRepository: `main@sha1:<commit>`; HelmRepository: the index digest (none for OCI). */
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

/** The conditions every image automation object shows, as for Syncs. */
export interface ImageObjectState {
  ready: ReadyView;
  reconciling: boolean;
  stalled: boolean;
  suspended: boolean;
  lastReconcile: LastReconcileView | null;
}

export interface ImageRepositoryView extends ImageObjectState {
  namespace: string;
  name: string;
  /** spec.image, as written. */
  image: string;
  /** The image with its registry spelled out (docker.io/library/nginx), once scanned. */
  canonicalName: string | null;
  /** Tags of the last successful scan, after the exclusion list. */
  tagCount: number | null;
  /** When the registry answered the last successful scan. */
  lastScanTime: string | null;
  interval: string | null;
}

export interface ImagePolicyView extends ImageObjectState {
  namespace: string;
  name: string;
  /** The ImageRepository's name (always in the policy's namespace). */
  repository: string;
  /** `semver` with its range, or `alphabetical`/`numerical` with their order (default asc). */
  policy: {
    kind: 'semver' | 'alphabetical' | 'numerical' | null;
    range: string | null;
    order: 'asc' | 'desc' | null;
  };
  /** The chosen image as `name:tag` or `name:tag@digest`. */
  pick: string | null;
  /** The pick before the last change. */
  previousPick: string | null;
}

export interface ImageUpdateAutomationView extends ImageObjectState {
  namespace: string;
  name: string;
  /** The GitRepository it writes to. */
  source: ObjectKeyView;
  /** spec.update.path. */
  path: string;
  /** spec.git.checkout.ref.branch, else the GitRepository's branch; null when neither names one. */
  checkoutBranch: string | null;
  /** spec.git.push.branch, else the checkout branch. */
  pushBranch: string | null;
  lastRunTime: string | null;
  lastPushCommit: string | null;
  lastPushTime: string | null;
}

export interface ImagesView {
  repositories: ImageRepositoryView[];
  policies: ImagePolicyView[];
  automations: ImageUpdateAutomationView[];
}

export interface StatusSnapshot {
  version: typeof STATUS_MODEL_VERSION;
  generatedAt: string;
  agent: { version: string };
  summary: {
    syncs: CountsView;
    sources: CountsView;
    imageRepositories: CountsView;
    imagePolicies: CountsView;
    imageUpdateAutomations: CountsView;
  };
  tenants: TenantView[];
  syncs: SyncView[];
  sources: SourceView[];
  images: ImagesView;
  notifications: { providers: ProviderView[]; alerts: AlertView[]; receivers: ReceiverView[] };
  /** Newest first. */
  events: EventView[];
}
