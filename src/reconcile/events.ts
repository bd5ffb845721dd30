/**
 * Kubernetes Events for Steward's objects (core/v1, as `kubectl describe` and `kubectl get events` show them).
 * Identical events for the same object within the window are sent once, so a Sync failing every retry does
 * not flood the API server (client-go's EventCorrelator does the same with its aggregation).
 */
import { randomBytes } from 'node:crypto';

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

export type EventType = 'Normal' | 'Warning';

/** One call of {@link EventRecorder.record}, as listeners (notifications, the status page) see it. */
export interface RecordedEvent {
  involvedObject: InvolvedObject;
  type: EventType;
  reason: string;
  message: string;
  /** Extra data such as `steward.dev/revision`; never secret. */
  metadata: Readonly<Record<string, string>>;
  timestamp: Date;
  /** True when an identical event was recorded within the window and so not sent to the API server again. */
  suppressed: boolean;
}

export type EventListener = (event: RecordedEvent) => void;

export interface EventSink {
  createEvent(event: Record<string, unknown>): Promise<void>;
}

export class EventRecorder {
  private readonly recent = new Map<string, number>();
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly sink: EventSink,
    private readonly now: () => Date,
    private readonly onError: (err: unknown) => void,
    private readonly windowMs = 5 * 60_000,
    private readonly component = 'steward',
  ) {}

  /** Records an event; never throws and never blocks the reconcile on the API server. */
  record(
    obj: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
    annotations?: Record<string, string>,
  ): void {
    const key = `${obj.kind}/${obj.namespace}/${obj.name}|${type}|${reason}|${message}`;
    const at = this.now().getTime();
    const last = this.recent.get(key);
    const suppressed = last !== undefined && at - last < this.windowMs;
    this.emit({
      involvedObject: obj,
      type,
      reason,
      message,
      metadata: annotations ?? {},
      timestamp: new Date(at),
      suppressed,
    });
    if (suppressed) return;
    this.recent.set(key, at);
    if (this.recent.size > 10_000) this.evict(at);
    const ts = `${this.now().toISOString().slice(0, 19)}Z`;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${obj.name}.${randomBytes(8).toString('hex')}`,
        namespace: obj.namespace || 'default',
        ...(annotations ? { annotations } : {}),
      },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: obj.namespace,
        name: obj.name,
        ...(obj.uid ? { uid: obj.uid } : {}),
        ...(obj.resourceVersion ? { resourceVersion: obj.resourceVersion } : {}),
      },
      type,
      reason,
      // Event messages are capped at 1 KiB by the API server's validation; keep well under it.
      message: message.length > 1000 ? `${message.slice(0, 997)}...` : message,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.component,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    };
    this.sink.createEvent(event).catch(this.onError);
  }

  /**
   * Calls `listener` for every event recorded, including those suppressed as duplicates (each listener has its
   * own idea of a duplicate). Listeners must not throw and must not block; returns the unsubscribe function.
   */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: RecordedEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  private evict(at: number): void {
    for (const [k, t] of this.recent) if (at - t >= this.windowMs) this.recent.delete(k);
  }
}
