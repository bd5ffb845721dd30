/**
 * Alertmanager API v2 (`POST /api/v2/alerts`, prometheus/alertmanager api/v2/openapi.yaml). Unlike the chat
 * providers, Alertmanager holds state, so Steward sends it state rather than events:
 *   - a failure fires one alert per object, with labels that never change while the object fails
 *     (alertname, severity, kind, name, namespace, and the Alert's eventMetadata), so a new error of the same
 *     object updates the alert in place and the recovery can name it even after an agent restart;
 *   - a recovery resolves it: the same labels again with `endsAt` now;
 *   - while the object fails the alert is posted again every resend interval with `endsAt` three intervals
 *     ahead, as Prometheus does, so it neither resolves on its own (resolve_timeout) nor outlives an agent that
 *     died for long;
 *   - informational events are not sent: an alert that fires for "new revision applied" is noise.
 * Flux instead fires an alert per event with a timestamp label, which never resolves before resolve_timeout.
 */
import type { Notification } from '../notification.js';
import { headline } from './common.js';

export const ALERTS_PATH = '/api/v2/alerts';
/** The alertname of every failure: one alert per failing object, whatever the reason. */
export const ALERTNAME = 'StewardReconciliationFailed';

/** A postable alert (only the fields Steward sets). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/** The address as given when it already ends in /api/v2/alerts (Flux's form), else with that path appended. */
export function alertmanagerUrl(address: string): string {
  const url = new URL(address);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(ALERTS_PATH) ? path : `${path}${ALERTS_PATH}`;
  return url.toString();
}

/** Alertmanager label names are Prometheus label names: `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function labelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** The labels identifying the alert of the notification's object; the same for its failure and its recovery. */
export function alertLabels(n: Notification): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(n.alertMetadata)) labels[labelName(k)] = v;
  const o = n.event.involvedObject;
  // Assigned last: the Alert's metadata cannot rename or re-severity the alert.
  Object.assign(labels, {
    alertname: ALERTNAME,
    severity: 'error',
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
  });
  return labels;
}

function annotations(n: Notification): Record<string, string> {
  const out: Record<string, string> = {
    summary: n.summary ?? headline(n),
    message: n.event.message,
    reason: n.event.reason,
  };
  if (n.event.revision) out.revision = n.event.revision;
  if (n.event.failingObjects.length > 0) out.failing_objects = n.event.failingObjects.join(', ');
  return out;
}

/** A firing alert for a failure; `endsAt` is when it resolves unless posted again. */
export function firingAlert(n: Notification, startsAt: Date, endsAt: Date): AlertmanagerAlert {
  return {
    labels: alertLabels(n),
    annotations: annotations(n),
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
  };
}

/** The same alert resolved now. `startsAt` is the firing alert's, when this agent saw it fire. */
export function resolvedAlert(n: Notification, startsAt: Date | undefined, now: Date): AlertmanagerAlert {
  const start = startsAt && startsAt.getTime() <= now.getTime() ? startsAt : now;
  return {
    labels: alertLabels(n),
    annotations: annotations(n),
    startsAt: start.toISOString(),
    endsAt: now.toISOString(),
  };
}
