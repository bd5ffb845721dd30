import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ChangeSet } from '../core/types.js';
import { registerCatalogue } from './catalogue.js';

export type ReconcileResult = 'success' | 'failure';
export type ConditionStatus = 'True' | 'False' | 'Unknown';
export type ApplyAction = 'created' | 'configured' | 'unchanged';
/** `dropped`: a duplicate inside the rate-limit window; a delivery whose retries ran out is `failed`. */
export type NotificationResult = 'sent' | 'failed' | 'dropped';
/** `unauthorized`: a bad signature or token; `rejected`: a malformed request or an event the Receiver ignores. */
export type ReceiverResult = 'accepted' | 'unauthorized' | 'rejected' | 'not_found';
/** `shared`: the tag list came from a scan another ImageRepository's reconcile made or was making. */
export type ImageScanResult = 'scanned' | 'shared' | 'failed';

/** What an ImageRepository's reconcile got from the scanner. */
export interface ImageScanned {
  /** Duration of the registry scan behind the tag list (the shared one, when shared). */
  seconds: number;
  shared: boolean;
  /** Tags after the exclusion list. */
  tags: number;
}

/** What a work queue reports to the queue-depth gauge at each scrape. */
export type QueueStatsProvider = () => { queued: number; inFlight: number; delayed: number };

const CONDITION_STATUSES: readonly ConditionStatus[] = ['True', 'False', 'Unknown'];
const APPLY_ACTIONS: readonly ApplyAction[] = ['created', 'configured', 'unchanged'];
/** The kind whose apply, prune and drift counters are labelled by namespace and name only. */
const SYNC_KIND = 'Sync';
/** The kinds whose deletion removes the notification and receiver series (see `forget`). */
const PROVIDER_KIND = 'Provider';
const RECEIVER_KIND = 'Receiver';
/** The kind whose image scan series are labelled by namespace and name only. */
const IMAGE_REPOSITORY_KIND = 'ImageRepository';
/**
 * A `not_found` request is labelled with whatever namespace and name its sender asked for, and anyone can send
 * one. Past this many distinct pairs, further ones are counted under an empty namespace and name so that a
 * scan of made-up names cannot grow the agent's memory and Prometheus' series without bound.
 */
export const MAX_NOT_FOUND_RECEIVER_SERIES = 100;

export interface MetricsOptions {
  /** Reported by steward_build_info. */
  version?: string;
  /** Process and Node.js runtime metrics (process_*, nodejs_*); on unless turned off. */
  defaultMetrics?: boolean;
}

/**
 * Steward's metrics, on a Registry of its own (never prom-client's global one, which any dependency could write
 * to). Callers record through typed helpers so label names and values stay consistent across the codebase.
 */
export interface Metrics {
  readonly registry: Registry;
  /** A reconcile finished after `seconds`. */
  reconciled(kind: string, namespace: string, name: string, result: ReconcileResult, seconds: number): void;
  /** Sets condition `type` to `status`, zeroing the other statuses of that type (Flux's gotk_reconcile_condition). */
  setCondition(kind: string, namespace: string, name: string, type: string, status: ConditionStatus): void;
  setSuspended(kind: string, namespace: string, name: string, suspended: boolean): void;
  /** A source fetch finished after `seconds`; pass `errorReason` when it failed. */
  sourceFetched(kind: string, namespace: string, name: string, seconds: number, errorReason?: string): void;
  /** Counts a Sync's apply or prune ChangeSet: created/configured/unchanged as applied, deleted as pruned. */
  recordChanges(namespace: string, name: string, changeSet: ChangeSet): void;
  driftCorrected(namespace: string, name: string, objects?: number): void;
  /** A notification for Provider `namespace/provider` (of provider type `type`) was sent, failed or dropped. */
  notification(namespace: string, provider: string, type: string, result: NotificationResult): void;
  /** A notification of provider type `type` was delivered in `seconds`. */
  notificationDelivered(type: string, seconds: number): void;
  /**
   * A webhook request to Receiver `namespace/name` finished with `result`. For `not_found`, pass what the request
   * named (or empty strings); beyond MAX_NOT_FOUND_RECEIVER_SERIES distinct names they are counted as empty.
   */
  receiverRequest(namespace: string, name: string, result: ReceiverResult): void;
  /**
   * An ImageRepository's reconcile got a tag list: counted as `scanned` or `shared`, the duration of the scan
   * behind it observed either way (so each object's histogram shows how long its registry takes), and the tag
   * count after exclusion set.
   */
  imageScanned(namespace: string, name: string, scan: ImageScanned): void;
  /** An ImageRepository's scan failed with condition reason `reason` (counted as `failed` too). */
  imageScanFailed(namespace: string, name: string, reason: string): void;
  /** `n` HTTP requests went to image registry `registry` (`host[:port]`) or its token service. */
  registryRequests(registry: string, n: number): void;
  /** Reports a queue's stats at every scrape until the returned function is called. */
  watchQueue(queue: string, stats: QueueStatsProvider): () => void;
  /**
   * Removes every series of an object, so a deleted object stops being exported (as Flux does since 2.1): for a
   * Provider its notification counts, for a Receiver its request counts, for an ImageRepository its scan series.
   */
  forget(kind: string, namespace: string, name: string): void;
}

/** Builds the registry with default process metrics and Steward's catalogue (see docs/metrics.md). */
export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const queues = new Map<string, QueueStatsProvider>();
  // Keys (objectKey) of the Receivers that not_found requests named, to cap their number.
  const notFoundReceivers = new Set<string>();
  const m = registerCatalogue(registry, (gauge) => {
    // Rebuilt at every scrape so a queue that stopped being watched leaves no stale series.
    gauge.reset();
    for (const [queue, stats] of queues) {
      const s = stats();
      gauge.set({ queue, state: 'queued' }, s.queued);
      gauge.set({ queue, state: 'in_flight' }, s.inFlight);
      gauge.set({ queue, state: 'delayed' }, s.delayed);
    }
  });
  m.buildInfo.set({ version: opts.version ?? 'unknown' }, 1);

  // Per object, how to remove each series it has; prom-client removes only by the full label set.
  const series = new Map<string, Map<string, () => void>>();
  const track = (kind: string, namespace: string, name: string, id: string, remove: () => void): void => {
    const key = objectKey(kind, namespace, name);
    let removers = series.get(key);
    if (!removers) {
      removers = new Map();
      series.set(key, removers);
    }
    if (!removers.has(id)) removers.set(id, remove);
  };

  return {
    registry,
    reconciled(kind, namespace, name, result, seconds) {
      const labels = { kind, namespace, name };
      m.reconcileDuration.observe(labels, seconds);
      m.reconcileTotal.inc({ ...labels, result });
      track(kind, namespace, name, 'duration', () => m.reconcileDuration.remove(labels));
      track(kind, namespace, name, `total/${result}`, () => m.reconcileTotal.remove({ ...labels, result }));
    },
    setCondition(kind, namespace, name, type, status) {
      for (const s of CONDITION_STATUSES) {
        const labels = { kind, namespace, name, type, status: s };
        m.condition.set(labels, s === status ? 1 : 0);
        track(kind, namespace, name, `condition/${type}/${s}`, () => m.condition.remove(labels));
      }
    },
    setSuspended(kind, namespace, name, suspended) {
      const labels = { kind, namespace, name };
      m.suspended.set(labels, suspended ? 1 : 0);
      track(kind, namespace, name, 'suspended', () => m.suspended.remove(labels));
    },
    sourceFetched(kind, namespace, name, seconds, errorReason) {
      const labels = { kind, namespace, name };
      m.sourceFetchDuration.observe(labels, seconds);
      track(kind, namespace, name, 'fetch', () => m.sourceFetchDuration.remove(labels));
      if (errorReason === undefined) return;
      const errLabels = { ...labels, reason: errorReason };
      m.sourceFetchErrors.inc(errLabels);
      track(kind, namespace, name, `fetch-error/${errorReason}`, () => m.sourceFetchErrors.remove(errLabels));
    },
    recordChanges(namespace, name, changeSet) {
      const counts = new Map<string, number>();
      for (const change of changeSet.changes) counts.set(change.action, (counts.get(change.action) ?? 0) + 1);
      for (const action of APPLY_ACTIONS) {
        const n = counts.get(action);
        if (!n) continue;
        const labels = { namespace, name, action };
        m.objectsApplied.inc(labels, n);
        track(SYNC_KIND, namespace, name, `applied/${action}`, () => m.objectsApplied.remove(labels));
      }
      const pruned = counts.get('deleted');
      if (pruned) {
        m.objectsPruned.inc({ namespace, name }, pruned);
        track(SYNC_KIND, namespace, name, 'pruned', () => m.objectsPruned.remove({ namespace, name }));
      }
    },
    driftCorrected(namespace, name, objects = 1) {
      m.driftCorrections.inc({ namespace, name }, objects);
      track(SYNC_KIND, namespace, name, 'drift', () => m.driftCorrections.remove({ namespace, name }));
    },
    notification(namespace, provider, type, result) {
      const labels = { namespace, provider, type, result };
      m.notifications.inc(labels);
      track(PROVIDER_KIND, namespace, provider, `notification/${type}/${result}`, () =>
        m.notifications.remove(labels),
      );
    },
    notificationDelivered(type, seconds) {
      m.notificationDeliveryDuration.observe({ type }, seconds);
    },
    receiverRequest(namespace, name, result) {
      let labels = { namespace, name, result };
      if (result === 'not_found') {
        const key = objectKey(RECEIVER_KIND, namespace, name);
        if (notFoundReceivers.has(key) || notFoundReceivers.size < MAX_NOT_FOUND_RECEIVER_SERIES) {
          notFoundReceivers.add(key);
        } else {
          labels = { namespace: '', name: '', result };
        }
      }
      m.receiverRequests.inc(labels);
      track(RECEIVER_KIND, labels.namespace, labels.name, `requests/${result}`, () =>
        m.receiverRequests.remove(labels),
      );
    },
    imageScanned(namespace, name, scan) {
      const labels = { namespace, name };
      const result: ImageScanResult = scan.shared ? 'shared' : 'scanned';
      m.imageScanDuration.observe(labels, scan.seconds);
      m.imageScans.inc({ ...labels, result });
      m.imageTags.set(labels, scan.tags);
      track(IMAGE_REPOSITORY_KIND, namespace, name, 'scan-duration', () =>
        m.imageScanDuration.remove(labels),
      );
      track(IMAGE_REPOSITORY_KIND, namespace, name, `scans/${result}`, () =>
        m.imageScans.remove({ ...labels, result }),
      );
      track(IMAGE_REPOSITORY_KIND, namespace, name, 'tags', () => m.imageTags.remove(labels));
    },
    imageScanFailed(namespace, name, reason) {
      const labels = { namespace, name };
      const failed = { ...labels, result: 'failed' satisfies ImageScanResult };
      m.imageScans.inc(failed);
      m.imageScanErrors.inc({ ...labels, reason });
      track(IMAGE_REPOSITORY_KIND, namespace, name, 'scans/failed', () => m.imageScans.remove(failed));
      track(IMAGE_REPOSITORY_KIND, namespace, name, `scan-error/${reason}`, () =>
        m.imageScanErrors.remove({ ...labels, reason }),
      );
    },
    registryRequests(registry, n) {
      if (n > 0) m.registryRequests.inc({ registry }, n);
    },
    watchQueue(queue, stats) {
      queues.set(queue, stats);
      return () => {
        if (queues.get(queue) === stats) queues.delete(queue);
      };
    },
    forget(kind, namespace, name) {
      const key = objectKey(kind, namespace, name);
      for (const remove of series.get(key)?.values() ?? []) remove();
      series.delete(key);
      notFoundReceivers.delete(key);
    },
  };
}

function objectKey(kind: string, namespace: string, name: string): string {
  // Kubernetes names cannot contain '/', so this key is unambiguous.
  return `${kind}/${namespace}/${name}`;
}
