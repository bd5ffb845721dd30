/**
 * Notifications, wired: informers on Providers and Alerts feed the registry, the EventRecorder's listener feeds
 * the notifier, the dispatcher delivers, and a ticker re-checks Providers waiting for a Secret and re-posts
 * firing Alertmanager alerts. Runs in the leader only (only the leader reconciles, so only it records events).
 */
import type { Logger } from 'pino';
import { parseDuration } from '../api/index.js';
import type { Config } from '../config/index.js';
import { GROUP_VERSION } from '../core/constants.js';
import type { Clock } from '../engine/clock.js';
import type { KubeClient, Obj } from '../kube/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { EventRecorder, InvolvedObject } from '../reconcile/events.js';
import type { InformerEvent } from '../reconcile/informer.js';
import { runInformer } from '../reconcile/informer.js';
import { readData } from '../reconcile/secrets.js';
import { Deduplicator } from './dedup.js';
import { Dispatcher } from './dispatcher.js';
import { FiringAlerts } from './firing.js';
import { httpSend, type Sender } from './http.js';
import { Notifier } from './notifier.js';
import { NotifyRegistry } from './registry.js';

export interface NotificationControllerOptions {
  client: KubeClient;
  config: Config;
  metrics: Metrics;
  events: EventRecorder;
  log: Logger;
  clock: Clock;
  random: () => number;
  now: () => Date;
  /** How requests are posted; the platform's fetch unless a test passes its own. */
  send?: Sender;
  /** Re-post interval of firing Alertmanager alerts. Default 5 minutes. */
  resendMs?: number;
  /** Delay after the first failed attempt; doubles up to 30 s. Default 1 s. */
  retryBaseMs?: number;
}

/** Deliveries held at once; past it new ones fail (and are counted) rather than grow memory without bound. */
const MAX_QUEUED = 1_000;
/** Attempts in flight at once across all Providers. */
const CONCURRENCY = 8;
/** How often Providers waiting for their Secret are re-checked. */
const RECHECK_MS = 30_000;
/** How long the labels of an involved object are reused for matchLabels. */
const LABELS_TTL_MS = 30_000;

export class NotificationController {
  private readonly abort = new AbortController();
  private readonly registry: NotifyRegistry;
  private readonly notifier: Notifier;
  private readonly dispatcher: Dispatcher;
  private readonly labels = new Map<string, { at: number; labels: Record<string, string> | undefined }>();
  private readonly resendMs: number;
  private unsubscribe: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private markReady: () => void = () => undefined;

  constructor(private readonly opts: NotificationControllerOptions) {
    const { config, log, metrics } = opts;
    this.resendMs = opts.resendMs ?? 5 * 60_000;
    const match = { allowCrossNamespace: !config.lockdown.noCrossNamespaceRefs };
    this.dispatcher = new Dispatcher({
      send: opts.send ?? httpSend,
      clock: opts.clock,
      random: opts.random,
      maxRetries: config.notifications.maxRetries,
      backoff: { baseMs: opts.retryBaseMs ?? 1_000, maxMs: 30_000, jitter: 0.2 },
      maxRetryAfterMs: 60_000,
      maxQueued: MAX_QUEUED,
      concurrency: CONCURRENCY,
      onOutcome: (d, o) => {
        metrics.notification(d.provider.namespace, d.provider.name, d.provider.type, o.result);
        const fields = {
          provider: `${d.provider.namespace}/${d.provider.name}`,
          type: d.provider.type,
          subject: d.subject,
          attempts: o.attempts,
          detail: o.detail,
        };
        if (o.result === 'sent') {
          metrics.notificationDelivered(d.provider.type, o.seconds);
          log.debug(fields, 'notification sent');
        } else {
          log.warn(fields, 'notification failed');
        }
      },
      onRetry: (d, attempt, retryInMs, detail) =>
        log.debug(
          {
            provider: `${d.provider.namespace}/${d.provider.name}`,
            type: d.provider.type,
            attempt,
            retryInMs,
            detail,
          },
          'notification will be retried',
        ),
    });
    this.registry = new NotifyRegistry({
      client: opts.client,
      metrics,
      log,
      now: opts.now,
      fieldManager: config.fieldManager,
      defaultTimeoutMs: parseDuration(config.notifications.timeout),
      match,
      readSecret: (namespace, name) => readData(opts.client, 'Secret', namespace, name),
      rereadAfterMs: 60_000,
      onAlertDeleted: (key) => this.notifier.forgetAlert(key),
    });
    const ready = new Promise<void>((resolve) => {
      this.markReady = resolve;
    });
    this.notifier = new Notifier({
      usable: () => this.registry.usable(),
      ready,
      dispatcher: this.dispatcher,
      dedup: new Deduplicator({ windowMs: parseDuration(config.notifications.dedupWindow) }),
      firing: new FiringAlerts(),
      metrics,
      log,
      nowMs: () => opts.clock.now(),
      match,
      lookupLabels: (obj) => this.lookupLabels(obj),
      resendMs: this.resendMs,
    });
  }

  /** Subscribes to events at once (they wait for the first read of Providers and Alerts), then starts watching. */
  start(): void {
    this.unsubscribe = this.opts.events.subscribe(this.notifier.listener);
    void this.prime().finally(() => {
      this.markReady();
      this.watch('Provider', (type, obj) => this.registry.onProvider(type, obj));
      this.watch('Alert', (type, obj) => this.registry.onAlert(type, obj));
    });
    const tick = Math.min(RECHECK_MS, Math.max(1_000, Math.floor(this.resendMs / 2)));
    this.timers.push(setInterval(() => this.notifier.resendFiring(), tick).unref());
    this.timers.push(
      setInterval(() => {
        void this.registry.recheck();
      }, RECHECK_MS).unref(),
    );
  }

  /**
   * Stops watching and listening, lets the events already recorded reach the queue, and gives the queue up to
   * `drainTimeoutMs` in all to deliver before what is left is dropped (and counted as failed).
   */
  async stop(drainTimeoutMs: number): Promise<void> {
    const deadline = Date.now() + drainTimeoutMs;
    this.unsubscribe?.();
    this.abort.abort();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.markReady();
    await this.notifier.idle(Math.max(0, deadline - Date.now()));
    const abandoned = await this.dispatcher.drain(Math.max(0, deadline - Date.now()));
    if (abandoned > 0) this.opts.log.warn({ abandoned }, 'notifications dropped at shutdown');
  }

  /** Deliveries held and in flight, for tests and diagnostics. */
  stats(): { held: number; inFlight: number; lanes: number } {
    return this.dispatcher.stats();
  }

  /** Reads every Provider, then every Alert, before events are matched, so early events are not lost. */
  private async prime(): Promise<void> {
    try {
      for (const p of await this.opts.client.list(GROUP_VERSION, 'Provider'))
        await this.registry.onProvider('ADDED', p);
      for (const a of await this.opts.client.list(GROUP_VERSION, 'Alert'))
        await this.registry.onAlert('ADDED', a);
    } catch (err) {
      // The informers list again and retry; events only wait for this first attempt.
      this.opts.log.warn(
        { error: err instanceof Error ? err.message : String(err) },
        'listing Providers and Alerts failed',
      );
    }
  }

  private watch(kind: 'Provider' | 'Alert', onEvent: (type: InformerEvent, obj: Obj) => Promise<void>): void {
    void runInformer(
      this.opts.client,
      GROUP_VERSION,
      kind,
      {
        retryMs: 1_000,
        onError: (err) => this.opts.log.warn({ kind, error: String(err) }, 'watch failed, re-listing'),
      },
      (type, obj) => {
        void onEvent(type, obj);
      },
      this.abort.signal,
    );
  }

  private async lookupLabels(obj: InvolvedObject): Promise<Record<string, string> | undefined> {
    const key = `${obj.apiVersion}|${obj.kind}|${obj.namespace}/${obj.name}`;
    const now = Date.now();
    const cached = this.labels.get(key);
    if (cached && now - cached.at < LABELS_TTL_MS) return cached.labels;
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    let labels: Record<string, string> | undefined;
    try {
      const live = await this.opts.client.get({
        group: group ?? '',
        version: version ?? '',
        kind: obj.kind,
        namespace: obj.namespace,
        name: obj.name,
      });
      labels = ((live?.metadata ?? {}) as { labels?: Record<string, string> }).labels ?? {};
    } catch (err) {
      this.opts.log.debug(
        { kind: obj.kind, namespace: obj.namespace, name: obj.name, error: String(err) },
        'labels not read',
      );
    }
    if (this.labels.size >= 1_000) this.labels.clear();
    this.labels.set(key, { at: now, labels });
    return labels;
  }
}
