/**
 * From recorded events to deliveries: each event is matched against the usable Alerts, passed through the
 * per-Alert dedup and failure-episode state, turned into its Provider's request, and handed to the
 * dispatcher. The event listener only appends to an inbox and returns, so recording an event never waits for
 * any of this; the inbox is worked through in order, one event at a time.
 */
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import type { EventListener, InvolvedObject, RecordedEvent } from '../reconcile/events.js';
import type { Deduplicator } from './dedup.js';
import type { Dispatcher } from './dispatcher.js';
import { eventHash, type NotificationEvent, objectKey, toNotificationEvent } from './event.js';
import type { FiringAlerts } from './firing.js';
import { type MatchOptions, needsLabels, passesFilters, selectsObject } from './match.js';
import { buildNotification, type Notification } from './notification.js';
import { firingAlert, resolvedAlert } from './payload/alertmanager.js';
import type { HttpRequest } from './payload/common.js';
import { alertmanagerRequest, eventRequest } from './payload/request.js';
import type { UsableAlert } from './registry.js';

/** Events waiting to be matched; past this the newest are dropped (a burst this large is a bug elsewhere). */
const MAX_INBOX = 10_000;

export interface NotifierOptions {
  usable: () => UsableAlert[];
  /** Resolves once the Providers and Alerts have been read: events wait for it rather than match nothing. */
  ready: Promise<void>;
  dispatcher: Dispatcher;
  dedup: Deduplicator;
  firing: FiringAlerts;
  metrics: Metrics;
  log: Logger;
  nowMs: () => number;
  match: MatchOptions;
  /** Labels of an involved object, for sources with matchLabels; undefined when it cannot be read. */
  lookupLabels: (obj: InvolvedObject) => Promise<Readonly<Record<string, string>> | undefined>;
  /** How often a firing Alertmanager alert is posted again; it is posted with endsAt three of these ahead. */
  resendMs: number;
}

export class Notifier {
  private readonly inbox: RecordedEvent[] = [];
  private running: Promise<void> | undefined;
  private overflowed = false;

  constructor(private readonly opts: NotifierOptions) {}

  /** The EventRecorder listener: appends and returns. */
  readonly listener: EventListener = (event) => {
    if (this.inbox.length >= MAX_INBOX) {
      if (!this.overflowed)
        this.opts.log.warn({ limit: MAX_INBOX }, 'notification inbox full, dropping events');
      this.overflowed = true;
      return;
    }
    this.overflowed = false;
    this.inbox.push(event);
    this.running ??= this.work().finally(() => {
      this.running = undefined;
    });
  };

  /** Resolves when the inbox is empty (every event matched and handed to the dispatcher), or at the deadline. */
  async idle(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      (async () => {
        while (this.running) await this.running;
      })(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Posts again the Alertmanager alerts due for it, so they stay firing while their objects fail. */
  resendFiring(): void {
    const now = this.opts.nowMs();
    const usable = new Map(this.opts.usable().map((u) => [u.key, u]));
    for (const { stream, firing } of this.opts.firing.due(now, this.opts.resendMs)) {
      const u = usable.get(firing.alertKey);
      if (u?.provider.type !== 'alertmanager') {
        // The Alert went away or now sends elsewhere: its alert expires at the endsAt last posted.
        this.opts.firing.resolve(stream);
        continue;
      }
      if (u.provider.suspend) continue;
      const alert = firingAlert(firing.notification, firing.startsAt, new Date(now + 3 * this.opts.resendMs));
      this.enqueue(u, firing.notification, alertmanagerRequest([alert], u.provider));
    }
  }

  /** Forgets the notification state of a deleted Alert. */
  forgetAlert(key: string): void {
    this.opts.dedup.forget(`${key}|`);
    this.opts.firing.forget(`${key}|`);
  }

  private async work(): Promise<void> {
    await this.opts.ready;
    for (let event = this.inbox.shift(); event; event = this.inbox.shift()) {
      try {
        await this.handle(event);
      } catch (err) {
        this.opts.log.warn(
          { object: objectKey(event.involvedObject), reason: event.reason, error: String(err) },
          'notification not handled',
        );
      }
    }
  }

  private async handle(recorded: RecordedEvent): Promise<void> {
    const event = toNotificationEvent(recorded);
    const hash = eventHash(event);
    let labels: Readonly<Record<string, string>> | undefined;
    let looked = false;
    for (const u of this.opts.usable()) {
      if (!looked && needsLabels(u.alert, event, this.opts.match)) {
        labels = await this.opts.lookupLabels(event.involvedObject);
        looked = true;
      }
      if (!selectsObject(u.alert, event, labels, this.opts.match)) continue;
      // A suspended Provider is told nothing, so the stream's idea of what its receiver knows stays as it is.
      if (u.provider.suspend) continue;
      const stream = `${u.key}|${objectKey(event.involvedObject)}`;
      const input = { class: event.class, hash, passesFilters: passesFilters(u.alert, event, u.filters) };
      const decision = this.opts.dedup.decide(stream, input, this.opts.nowMs());
      if (decision.action === 'skip') continue;
      if (decision.action === 'drop') {
        this.opts.metrics.notification(u.provider.namespace, u.provider.name, u.provider.type, 'dropped');
        this.opts.log.debug(
          { alert: u.key, object: objectKey(event.involvedObject), reason: event.reason, why: decision.why },
          'duplicate notification dropped',
        );
        continue;
      }
      const n = buildNotification(event, decision.kind, u.alert);
      const request = this.requestFor(u, stream, n, event);
      if (request) this.enqueue(u, n, request);
    }
  }

  private requestFor(
    u: UsableAlert,
    stream: string,
    n: Notification,
    event: NotificationEvent,
  ): HttpRequest | undefined {
    if (u.provider.type !== 'alertmanager') return eventRequest(n, u.provider);
    const now = this.opts.nowMs();
    if (n.kind === 'failure') {
      const firing = this.opts.firing.fire(stream, u.key, n, now);
      return alertmanagerRequest(
        [firingAlert(n, firing.startsAt, new Date(now + 3 * this.opts.resendMs))],
        u.provider,
      );
    }
    if (n.kind === 'recovery') {
      const firing = this.opts.firing.resolve(stream);
      return alertmanagerRequest([resolvedAlert(n, firing?.startsAt, event.timestamp)], u.provider);
    }
    return undefined; // information is not an alert
  }

  private enqueue(u: UsableAlert, n: Notification, request: HttpRequest): void {
    this.opts.dispatcher.enqueue({
      provider: { namespace: u.provider.namespace, name: u.provider.name, type: u.provider.type },
      request,
      timeoutMs: u.provider.timeoutMs,
      subject: `${objectKey(n.event.involvedObject)} ${n.event.reason}`,
    });
  }
}
