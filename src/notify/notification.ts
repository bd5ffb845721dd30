/**
 * One notification: an event as one Alert sends it, with the Alert's summary and metadata, and what it means
 * to the receiver (a failure, a recovery, or information). Pure.
 */
import type { Alert } from '../api/index.js';
import type { NotificationKind } from './dedup.js';
import type { NotificationEvent } from './event.js';

export interface Notification {
  event: NotificationEvent;
  kind: NotificationKind;
  /** The Alert's summary: spec.summary, else eventMetadata.summary. */
  summary?: string;
  /**
   * The event's metadata, plus the Alert's eventMetadata where the event has no such key (the event's own
   * values win, as in Flux), plus `summary`.
   */
  metadata: Record<string, string>;
  /** The Alert's eventMetadata alone (without summary): Alertmanager labels are made from it. */
  alertMetadata: Record<string, string>;
}

export function buildNotification(
  event: NotificationEvent,
  kind: NotificationKind,
  alert: Alert,
): Notification {
  const { summary: metadataSummary, ...alertMetadata } = alert.spec.eventMetadata ?? {};
  const summary = alert.spec.summary || metadataSummary;
  const metadata: Record<string, string> = { ...alertMetadata, ...event.metadata };
  if (summary) metadata.summary = summary;
  return { event, kind, ...(summary ? { summary } : {}), metadata, alertMetadata };
}
