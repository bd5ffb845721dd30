/**
 * The recent events the status API shows: the last N recorded, newest first, with repeats collapsed. A Sync
 * failing the same way at every retry makes one entry with a count, not a page of copies; the recorder's own
 * de-duplication (suppressed events) is a time window, which this view does not need.
 */
import type { RecordedEvent } from '../reconcile/events.js';
import type { EventView } from './model.js';
import { redactText } from './redact.js';

/** How many entries the status API keeps. */
export const DEFAULT_EVENT_LIMIT = 100;

/** The recorder caps what it sends to the API server at the same length. */
const MAX_MESSAGE = 1000;

const REVISION_KEY = 'steward.dev/revision';

/** The view of one recorded event. */
export function eventView(event: RecordedEvent): EventView {
  const o = event.involvedObject;
  const message = redactText(event.message);
  const time = event.timestamp.toISOString();
  return {
    time,
    firstTime: time,
    count: 1,
    type: event.type,
    reason: event.reason,
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message,
    object: { kind: o.kind, namespace: o.namespace, name: o.name },
    revision: event.metadata[REVISION_KEY] ?? null,
  };
}

function sameObject(a: EventView, b: EventView): boolean {
  return (
    a.object.kind === b.object.kind &&
    a.object.namespace === b.object.namespace &&
    a.object.name === b.object.name
  );
}

/**
 * Adds an event to a newest-first list and keeps at most `limit`. An event identical (type, reason, message,
 * revision) to the newest entry of the same object replaces it with the count raised, so an A, B, A sequence
 * stays three entries while A, A, A becomes one. Pure: returns a new list.
 */
export function appendEvent(events: readonly EventView[], event: EventView, limit: number): EventView[] {
  const i = events.findIndex((e) => sameObject(e, event));
  const prev = i >= 0 ? events[i] : undefined;
  const repeat =
    prev !== undefined &&
    prev.type === event.type &&
    prev.reason === event.reason &&
    prev.message === event.message &&
    prev.revision === event.revision;
  const rest = repeat ? events.filter((_, j) => j !== i) : events;
  const entry = repeat ? { ...event, firstTime: prev.firstTime, count: prev.count + event.count } : event;
  return [entry, ...rest].slice(0, Math.max(0, limit));
}

/** Keeps the recent events as they are recorded; subscribe it to the agent's EventRecorder. */
export class EventLog {
  private entries: EventView[] = [];

  constructor(private readonly limit = DEFAULT_EVENT_LIMIT) {}

  /** An EventRecorder listener: cheap and never throws. */
  readonly add = (event: RecordedEvent): void => {
    this.entries = appendEvent(this.entries, eventView(event), this.limit);
  };

  /** Newest first. */
  list(): readonly EventView[] {
    return this.entries;
  }
}
