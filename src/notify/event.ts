/**
 * The notification event model: what Providers are told about one event a reconciler recorded, in the shape of
 * Flux's event (fluxcd/pkg/apis/event Event). Pure: a RecordedEvent in, a NotificationEvent out.
 */
import { createHash } from 'node:crypto';
import type { InvolvedObject, RecordedEvent } from '../reconcile/events.js';

/** Prefix of the event metadata keys that reach notifications; the prefix is trimmed (Flux does the same). */
export const METADATA_PREFIX = 'steward.dev/';
/** The revision an event is about. */
export const REVISION_KEY = `${METADATA_PREFIX}revision`;
/** The objects (or files) a failure is about, comma-separated. */
export const FAILING_OBJECTS_KEY = `${METADATA_PREFIX}failing-objects`;
/** `reportingController` of every notification. */
export const REPORTING_CONTROLLER = 'steward';

/** How many failing objects an event lists before it only counts the rest. */
const MAX_LISTED_OBJECTS = 10;
/** Longest message a notification carries; chat services cut or refuse longer texts. */
const MAX_MESSAGE_CHARS = 2_000;

export type Severity = 'info' | 'error';

/**
 * What an event says about its object: that it fails, that it succeeded (ends a failure, if there was one), or
 * neither (progress, a new revision seen by a canary).
 */
export type EventClass = 'failure' | 'success' | 'info';

export interface NotificationEvent {
  involvedObject: InvolvedObject;
  /** info for Normal events, error for Warning events. */
  severity: Severity;
  class: EventClass;
  reason: string;
  message: string;
  revision?: string;
  /** The objects or files the failure is about, when the reconciler knows them. */
  failingObjects: string[];
  /** The event's `steward.dev/` metadata with the prefix trimmed; other keys never leave the agent. */
  metadata: Record<string, string>;
  timestamp: Date;
}

/** Normal events that say the object reconciled successfully (and so end a failure). */
const SUCCESS_REASONS: ReadonlySet<string> = new Set(['ReconciliationSucceeded', 'Succeeded', 'NewArtifact']);
/** Warnings that report something worth knowing about an object that did not fail. */
const NOTICE_WARNINGS: ReadonlySet<string> = new Set(['SymlinksSkipped']);

/** The class of an event: Warnings are failures (but for notices), success reasons are successes. */
export function classify(type: RecordedEvent['type'], reason: string): EventClass {
  if (type === 'Warning') return NOTICE_WARNINGS.has(reason) ? 'info' : 'failure';
  return SUCCESS_REASONS.has(reason) ? 'success' : 'info';
}

/** The notification event for one recorded event. */
export function toNotificationEvent(recorded: RecordedEvent): NotificationEvent {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(recorded.metadata)) {
    if (key.startsWith(METADATA_PREFIX)) metadata[key.slice(METADATA_PREFIX.length)] = value;
  }
  const revision = recorded.metadata[REVISION_KEY];
  const failing = recorded.metadata[FAILING_OBJECTS_KEY];
  return {
    involvedObject: recorded.involvedObject,
    severity: recorded.type === 'Warning' ? 'error' : 'info',
    class: classify(recorded.type, recorded.reason),
    reason: recorded.reason,
    message: truncate(recorded.message, MAX_MESSAGE_CHARS),
    ...(revision ? { revision } : {}),
    failingObjects: failing ? parseFailingObjects(failing) : [],
    metadata,
    timestamp: recorded.timestamp,
  };
}

/** `Kind/namespace/name` of the event's object, as errors and the failing-objects list name objects. */
export function objectKey(obj: Pick<InvolvedObject, 'kind' | 'namespace' | 'name'>): string {
  return `${obj.kind}/${obj.namespace}/${obj.name}`;
}

/**
 * The identity of a notification for duplicate detection: object, reason, message and revision (Flux's
 * EventKey), hashed so that the dedup state holds no message text.
 */
export function eventHash(event: NotificationEvent): string {
  const parts = [
    `object=${objectKey(event.involvedObject)}`,
    `reason=${event.reason}`,
    `message=${event.message}`,
    `revision=${event.revision ?? ''}`,
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/**
 * Event metadata for a reconciler to record: the revision and the failing objects, or undefined when there is
 * neither (the recorder then adds no annotations).
 */
export function eventMetadata(
  revision: string | undefined,
  failingObjects: readonly string[] = [],
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (revision) out[REVISION_KEY] = revision;
  if (failingObjects.length > 0) out[FAILING_OBJECTS_KEY] = formatFailingObjects(failingObjects);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `a, b, c`, or the first ten and `and N more`. */
export function formatFailingObjects(objects: readonly string[]): string {
  const unique = [...new Set(objects)];
  const shown = unique.slice(0, MAX_LISTED_OBJECTS);
  const rest = unique.length - shown.length;
  return rest > 0 ? `${shown.join(', ')}, and ${rest} more` : shown.join(', ');
}

function parseFailingObjects(text: string): string[] {
  return text
    .split(', ')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
