/**
 * Shared vocabulary of the sandbox API server. Objects are plain JSON, exactly as they travel on the wire:
 * the sandbox never decodes them into typed models, so it cannot drop fields the way generated clients do.
 */

/** A JSON object as decoded from a request body or held in the store. */
export type Obj = Record<string, unknown>;

/** metav1.ObjectMeta, loosely: only the fields the sandbox reads are named. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** meta/v1 ManagedFieldsEntry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Obj;
  subresource?: string;
}

/**
 * Merge semantics of a value, as structured-merge-diff sees it (k8s.io/api `+listType`, `+listMapKey`,
 * `+mapType`, `+structType` markers; `x-kubernetes-list-type` and friends on CRDs).
 *
 * A value without a Shape is "deduced": objects are granular maps, lists are atomic. That is how
 * structured-merge-diff treats unknown types, and how the API server treats CRD lists without markers.
 */
export interface Shape {
  /** Named fields of a struct or map; each may carry its own shape. */
  fields?: Readonly<Record<string, Shape>>;
  /** Shape of every map value (when the object is a map with arbitrary keys, e.g. labels) or list item. */
  elem?: Shape;
  /** For lists: how items are merged. `map` merges items by `keys`; `set` by value; `atomic` replaces. */
  listType?: 'atomic' | 'set' | 'map';
  /** For `listType: 'map'`: the key fields, in the order the API declares them. */
  keys?: readonly string[];
  /** Defaults of key fields, applied when an item leaves them out (container port protocol: "TCP"). */
  keyDefaults?: Readonly<Record<string, unknown>>;
  /** For objects: the whole value is replaced, never merged (`+structType=atomic`, `+mapType=atomic`). */
  atomic?: boolean;
}

/** Identity of the caller after authentication and impersonation (k8s.io/apiserver user.Info). */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** One resource the sandbox serves: a built-in kind or a kind from an established CRD. */
export interface ResourceDef {
  group: string; // '' for the core group
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: readonly string[];
  categories?: readonly string[];
  /** Verbs of the main resource, as discovery lists them. */
  verbs: readonly string[];
  /** Subresources the resource serves. */
  subresources: {
    status?: boolean;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  /** Merge semantics for apply and strategic merge patch. */
  shape: Shape;
  /**
   * How metadata.generation moves (see kube-api-facts §5):
   * - `spec`: bumped when anything outside metadata and status changes (apps kinds, most built-ins; CRDs)
   * - `spec+annotations`: Deployment, which also bumps on annotation changes
   * - `none`: ConfigMap, Secret, Namespace and other kinds without a generation
   */
  generation: 'spec' | 'spec+annotations' | 'none';
  /** For custom resources: the CRD version's schema and printer columns. */
  crd?: {
    name: string;
    schema?: Obj;
    printerColumns?: readonly Obj[];
    preserveUnknownFields?: boolean;
  };
}

/** `apps/v1` for a group, `v1` for the core group. */
export function groupVersion(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

/** `deployments.apps`, or `configmaps` for the core group (schema.GroupResource.String()). */
export function groupResource(def: Pick<ResourceDef, 'group' | 'plural'>): string {
  return def.group === '' ? def.plural : `${def.plural}.${def.group}`;
}

/** `Deployment.apps`, or `ConfigMap` for the core group (schema.GroupKind.String()). */
export function groupKind(def: Pick<ResourceDef, 'group' | 'kind'>): string {
  return def.group === '' ? def.kind : `${def.kind}.${def.group}`;
}

/** Reads obj.metadata, creating nothing. */
export function meta(obj: Obj): ObjectMeta {
  const m = obj.metadata;
  return m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as ObjectMeta) : {};
}

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
