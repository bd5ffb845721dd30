/**
 * The vocabulary the reconcile pipeline passes between its stages:
 *   source artifact -> render -> plan -> apply -> prune -> health -> status / events / metrics
 * Everything here is plain data; the stages that produce and consume it live in src/{sources,render,plan,
 * apply,health} and are tied together by src/reconcile.
 */

/** A Kubernetes object as rendered: plain JSON, never decoded into client models (they drop fields). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Identifies one object; `group` is '' for the core group. */
export interface ObjectRef {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Where a manifest came from, so errors can name the file. */
export interface ManifestSource {
  /** Path relative to the artifact root, or the renderer's name for generated output. */
  file: string;
  /** Index of the YAML document in the file. */
  document: number;
}

export interface PlannedObject {
  ref: ObjectRef;
  manifest: Manifest;
  source: ManifestSource;
  /** Apply stage: 0 = CRDs, 1 = Namespaces and cluster-wide RBAC, 2 = everything else. */
  stage: 0 | 1 | 2;
}

/** The set of objects a Sync applied last, stored in its status (Flux-style `group_kind_namespace_name` ids). */
export interface Inventory {
  entries: InventoryEntry[];
}

export interface InventoryEntry {
  /** `<namespace>_<name>_<group>_<kind>`, the Flux ObjMetadata string. */
  id: string;
  /** The apiVersion it was applied as. */
  v: string;
}

export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped';

export interface Change {
  ref: ObjectRef;
  action: ChangeAction;
  /** Why it was skipped, or what failed. */
  reason?: string;
}

/** What one apply or prune did, per object. */
export interface ChangeSet {
  changes: Change[];
}

/** Stable condition reasons (kstatus style) that status, events and alerts share. */
export const Reasons = {
  Succeeded: 'ReconciliationSucceeded',
  Progressing: 'Progressing',
  ArtifactFailed: 'ArtifactFailed',
  SourceNotFound: 'SourceNotReady',
  BuildFailed: 'BuildFailed',
  ValidationFailed: 'ValidationFailed',
  ApplyFailed: 'ReconciliationFailed',
  PruneFailed: 'PruneFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  DependencyNotReady: 'DependencyNotReady',
  Suspended: 'Suspended',
  FetchFailed: 'GitOperationFailed',
  AuthenticationFailed: 'AuthenticationFailed',
  ScanFailed: 'ScanFailed',
  RateLimited: 'RateLimited',
  PolicyFailed: 'PolicyChoiceFailed',
  UpdateFailed: 'UpdateFailed',
} as const;
export type Reason = (typeof Reasons)[keyof typeof Reasons];

/**
 * The one error type a reconcile stage throws. `terminal` errors stall until the input changes (bad
 * manifests, invalid spec); `transient` ones retry with backoff (network, API server, timeouts).
 * The message must never carry secrets or raw client error bodies: adapters wrap errors at their boundary.
 */
export class ReconcileError extends Error {
  override readonly name = 'ReconcileError';
  constructor(
    readonly reason: Reason,
    readonly retry: 'transient' | 'terminal',
    message: string,
    /** The object or file the error is about, e.g. `Deployment/team-a/web` or `apps/web.yaml`. */
    readonly subject?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function refString(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

export function inventoryId(ref: ObjectRef): string {
  return `${ref.namespace}_${ref.name}_${ref.group}_${ref.kind}`;
}

export function parseInventoryId(id: string, v: string): ObjectRef | undefined {
  const parts = id.split('_');
  if (parts.length !== 4) return undefined;
  const [namespace = '', name = '', group = '', kind = ''] = parts;
  const version = v.includes('/') ? (v.split('/')[1] ?? '') : v;
  return { namespace, name, group, kind, version };
}
