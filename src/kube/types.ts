/**
 * The Kubernetes adapter's contract. Objects travel as plain JSON in both directions: client-node's generated
 * models drop fields they do not know (newer API fields, CRD fields), which would make Steward apply something
 * other than what is in Git.
 */
import type { Manifest, ObjectRef } from '../core/types.js';

/** A Kubernetes object (or Status) as plain JSON. */
export type Obj = Record<string, unknown>;

/** What discovery knows about one kind. */
export interface ResourceInfo {
  /** Plural resource name as used in URLs, e.g. `deployments`. */
  plural: string;
  namespaced: boolean;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface ListOptions {
  /** Omit for all namespaces (or for cluster-scoped kinds). */
  namespace?: string;
  labelSelector?: string;
}

export interface WatchOptions extends ListOptions {
  /** Start after this version; omit to receive ADDED events for the current state first. */
  resourceVersion?: string;
  /** Server-side stream lifetime; the stream ends cleanly after it and the caller resumes. Default 300. */
  timeoutSeconds?: number;
}

export interface ApplyOptions {
  fieldManager: string;
  /** Take ownership of fields other appliers own instead of failing with a 409 conflict. */
  force: boolean;
  /** Server-side dry run (`dryRun=All`): the answer is the object as it would be stored; nothing is written. */
  dryRun?: boolean;
}

/**
 * The operations Steward needs from the API server. Every method throws {@link KubeError} for API and network
 * failures; retries for throttling, 5xx and dropped connections happen inside.
 */
export interface KubeClient {
  /** The plural and scope of a kind, from a discovery cache refreshed on a miss; undefined if not served. */
  discover(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /** The live object, or undefined when it (or its kind) does not exist. */
  get(ref: ObjectRef): Promise<Obj | undefined>;
  /** All matching objects (pages followed), each with apiVersion and kind filled in. */
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<Obj[]>;
  /** Server-side apply of a raw manifest; returns the stored (or, on dry run, the would-be) object. */
  apply(manifest: Manifest, opts: ApplyOptions): Promise<Obj>;
  /** Server-side apply of `status` alone through the `/status` subresource (forced: the status is ours). */
  patchStatus(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
    status: Obj,
    fieldManager: string,
  ): Promise<Obj>;
  /** Replaces `status` through `/status` with an update on the latest version (read, write, retry on 409). */
  replaceStatus(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
    status: Obj,
    fieldManager: string,
  ): Promise<Obj>;
  /** Deletes one object; `notfound` when it was already gone. */
  delete(ref: ObjectRef, opts?: { propagationPolicy?: PropagationPolicy }): Promise<'deleted' | 'notfound'>;
  /**
   * Streams watch events to `onEvent` until the server ends the stream or `signal` aborts; then resolves.
   * An `ERROR` event carries a Status (410 Expired means: list again and watch from the new version).
   */
  watch(
    apiVersion: string,
    kind: string,
    opts: WatchOptions,
    onEvent: (type: string, obj: Obj) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Creates a core/v1 or events.k8s.io/v1 Event in the event's namespace. */
  createEvent(event: Obj): Promise<void>;
}
