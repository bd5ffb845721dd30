import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Every metric Steward exports, registered on the registry given. Names and labels are public API: dashboards and
 * alert rules in deploy/ query them, so rename nothing. docs/metrics.md is the reader's copy of this list.
 */

/** Reconciles take from tens of milliseconds (no-op diff) to minutes (waiting on rollouts). */
const RECONCILE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** A ref listing takes ~20 ms; a fresh clone of a large repo can take tens of seconds. */
const FETCH_BUCKETS = [0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** A webhook answers in tens of milliseconds; a slow chat service with retries can take tens of seconds. */
const DELIVERY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** A tag list is one request to a nearby registry (milliseconds) or a token and many pages from a far one. */
const IMAGE_SCAN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type ObjectLabels = 'kind' | 'namespace' | 'name';
type SyncLabels = 'namespace' | 'name';
/** Image scan series belong to an ImageRepository, so they carry no `kind` either. */
type ImageLabels = 'namespace' | 'name';

export interface Catalogue {
  reconcileDuration: Histogram<ObjectLabels>;
  reconcileTotal: Counter<ObjectLabels | 'result'>;
  condition: Gauge<ObjectLabels | 'type' | 'status'>;
  suspended: Gauge<ObjectLabels>;
  sourceFetchDuration: Histogram<ObjectLabels>;
  sourceFetchErrors: Counter<ObjectLabels | 'reason'>;
  objectsApplied: Counter<SyncLabels | 'action'>;
  objectsPruned: Counter<SyncLabels>;
  driftCorrections: Counter<SyncLabels>;
  queueDepth: Gauge<'queue' | 'state'>;
  buildInfo: Gauge<'version'>;
  notifications: Counter<'namespace' | 'provider' | 'type' | 'result'>;
  notificationDeliveryDuration: Histogram<'type'>;
  receiverRequests: Counter<'namespace' | 'name' | 'result'>;
  imageScanDuration: Histogram<ImageLabels>;
  imageScans: Counter<ImageLabels | 'result'>;
  imageTags: Gauge<ImageLabels>;
  imageScanErrors: Counter<ImageLabels | 'reason'>;
  registryRequests: Counter<'registry'>;
}

/** Creates and registers the catalogue; `collectQueues` fills the queue gauge at each scrape. */
export function registerCatalogue(
  registry: Registry,
  collectQueues: (gauge: Gauge<'queue' | 'state'>) => void,
): Catalogue {
  const registers = [registry];
  const objectLabels: ObjectLabels[] = ['kind', 'namespace', 'name'];
  const syncLabels: SyncLabels[] = ['namespace', 'name'];
  const imageLabels: ImageLabels[] = ['namespace', 'name'];
  return {
    reconcileDuration: new Histogram({
      name: 'steward_reconcile_duration_seconds',
      help: 'Duration of one reconcile of an object, from dequeue to status written.',
      labelNames: objectLabels,
      buckets: RECONCILE_BUCKETS,
      registers,
    }),
    reconcileTotal: new Counter({
      name: 'steward_reconcile_total',
      help: 'Reconciles finished, by result (success or failure).',
      labelNames: [...objectLabels, 'result'],
      registers,
    }),
    condition: new Gauge({
      name: 'steward_condition',
      help: "An object's status condition: 1 for its current status (True, False, Unknown), 0 for the others.",
      labelNames: [...objectLabels, 'type', 'status'],
      registers,
    }),
    suspended: new Gauge({
      name: 'steward_suspended',
      help: 'Whether reconciliation of the object is suspended (1) or not (0).',
      labelNames: objectLabels,
      registers,
    }),
    sourceFetchDuration: new Histogram({
      name: 'steward_source_fetch_duration_seconds',
      help: 'Duration of one fetch of a source (git, Helm repository, image tags), successful or not.',
      labelNames: objectLabels,
      buckets: FETCH_BUCKETS,
      registers,
    }),
    sourceFetchErrors: new Counter({
      name: 'steward_source_fetch_errors_total',
      help: 'Failed source fetches, by condition reason.',
      labelNames: [...objectLabels, 'reason'],
      registers,
    }),
    objectsApplied: new Counter({
      name: 'steward_objects_applied_total',
      help: 'Objects a Sync applied, by what server-side apply did (created, configured, unchanged).',
      labelNames: [...syncLabels, 'action'],
      registers,
    }),
    objectsPruned: new Counter({
      name: 'steward_objects_pruned_total',
      help: 'Objects a Sync deleted because they left its inventory.',
      labelNames: syncLabels,
      registers,
    }),
    driftCorrections: new Counter({
      name: 'steward_drift_corrections_total',
      help: 'Objects a Sync re-applied after a change made outside Git.',
      labelNames: syncLabels,
      registers,
    }),
    queueDepth: new Gauge({
      name: 'steward_queue_depth',
      help: 'Keys in a work queue by state: queued (waiting for a worker), in_flight, delayed (timer pending).',
      labelNames: ['queue', 'state'],
      registers,
      collect() {
        collectQueues(this);
      },
    }),
    buildInfo: new Gauge({
      name: 'steward_build_info',
      help: 'Always 1; the version label names the running build.',
      labelNames: ['version'],
      registers,
    }),
    notifications: new Counter({
      name: 'steward_notifications_total',
      help: 'Notifications handed to a Provider, by provider type and result (sent, failed, dropped).',
      labelNames: ['namespace', 'provider', 'type', 'result'],
      registers,
    }),
    notificationDeliveryDuration: new Histogram({
      name: 'steward_notification_delivery_duration_seconds',
      help: 'Time taken to deliver a notification that was sent, by provider type.',
      labelNames: ['type'],
      buckets: DELIVERY_BUCKETS,
      registers,
    }),
    receiverRequests: new Counter({
      name: 'steward_receiver_requests_total',
      help: 'Webhook requests to a Receiver, by result (accepted, unauthorized, rejected, not_found).',
      labelNames: ['namespace', 'name', 'result'],
      registers,
    }),
    imageScanDuration: new Histogram({
      name: 'steward_image_scan_duration_seconds',
      help: "Duration of the registry scan behind each of an ImageRepository's tag lists, its own or shared.",
      labelNames: imageLabels,
      buckets: IMAGE_SCAN_BUCKETS,
      registers,
    }),
    imageScans: new Counter({
      name: 'steward_image_scans_total',
      help: 'Tag lists an ImageRepository got, by result (scanned, shared, failed).',
      labelNames: [...imageLabels, 'result'],
      registers,
    }),
    imageTags: new Gauge({
      name: 'steward_image_tags',
      help: "Tags in an ImageRepository's last tag list, after its exclusion list.",
      labelNames: imageLabels,
      registers,
    }),
    imageScanErrors: new Counter({
      name: 'steward_image_scan_errors_total',
      help: 'Failed ImageRepository scans, by condition reason.',
      labelNames: [...imageLabels, 'reason'],
      registers,
    }),
    registryRequests: new Counter({
      name: 'steward_image_registry_requests_total',
      help: 'HTTP requests sent to an image registry and its token service, by registry host.',
      labelNames: ['registry'],
      registers,
    }),
  };
}
