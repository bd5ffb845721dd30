/**
 * Which Alerts an event goes to (Flux notification-controller's event matching). Two questions, kept apart
 * because a recovery must reach every Alert that was told about the failure, whatever its filters say:
 *   - does the Alert select the object (kind, name with `*` wildcards, namespace, matchLabels)?
 *   - does the event pass the Alert's filters (eventSeverity, inclusionList, exclusionList)?
 * Pure: the object's labels come in when a source needs them.
 */
import type { Alert, EventSource } from '../api/index.js';
import type { NotificationEvent } from './event.js';

export interface MatchOptions {
  /** lockdown.noCrossNamespaceRefs turned off: an Alert may select objects in other namespaces. */
  allowCrossNamespace: boolean;
}

/** An Alert's inclusion and exclusion lists, compiled once. */
export interface CompiledFilters {
  include: RegExp[];
  exclude: RegExp[];
}

/** Compiles the lists of a validated Alert (validation has already refused expressions that do not compile). */
export function compileFilters(alert: Alert): CompiledFilters {
  return {
    include: (alert.spec.inclusionList ?? []).map((e) => new RegExp(e)),
    exclude: (alert.spec.exclusionList ?? []).map((e) => new RegExp(e)),
  };
}

/** `*` matches any run of characters (none included); everything else matches itself. */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!value.startsWith(first) || value.length < first.length + last.length) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = value.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return value.length - last.length >= at && value.endsWith(last);
}

/** The namespace a source selects: its own, else the Alert's. */
export function sourceNamespace(alert: Alert, source: EventSource): string {
  return source.namespace ?? alert.metadata.namespace;
}

/** Indexes of the sources that name another namespace while cross-namespace references are refused. */
export function refusedSources(alert: Alert, opts: MatchOptions): number[] {
  if (opts.allowCrossNamespace) return [];
  const out: number[] = [];
  alert.spec.eventSources.forEach((s, i) => {
    if (sourceNamespace(alert, s) !== alert.metadata.namespace) out.push(i);
  });
  return out;
}

function sourceSelects(
  alert: Alert,
  source: EventSource,
  event: NotificationEvent,
  opts: MatchOptions,
): 'yes' | 'no' | 'needs-labels' {
  const obj = event.involvedObject;
  const ns = sourceNamespace(alert, source);
  if (ns !== alert.metadata.namespace && !opts.allowCrossNamespace) return 'no';
  if (source.kind !== obj.kind || ns !== obj.namespace || !wildcardMatch(source.name, obj.name)) return 'no';
  if (!source.matchLabels || Object.keys(source.matchLabels).length === 0) return 'yes';
  return 'needs-labels';
}

/**
 * True when some source would select the object only if its labels match: the caller looks the labels up (once)
 * and calls {@link selectsObject} with them. False when the answer does not depend on labels.
 */
export function needsLabels(alert: Alert, event: NotificationEvent, opts: MatchOptions): boolean {
  const answers = alert.spec.eventSources.map((s) => sourceSelects(alert, s, event, opts));
  return !answers.includes('yes') && answers.includes('needs-labels');
}

/**
 * Whether the Alert selects the event's object. `labels` are the object's labels, or undefined when unknown: a
 * source with matchLabels then selects nothing (the cautious answer).
 */
export function selectsObject(
  alert: Alert,
  event: NotificationEvent,
  labels: Readonly<Record<string, string>> | undefined,
  opts: MatchOptions,
): boolean {
  return alert.spec.eventSources.some((source) => {
    const answer = sourceSelects(alert, source, event, opts);
    if (answer !== 'needs-labels') return answer === 'yes';
    if (!labels) return false;
    return Object.entries(source.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  });
}

/**
 * Whether the event passes the Alert's filters: eventSeverity error lets only errors through; when the
 * inclusion list is set the message must match one of its expressions, and it must match none of the exclusion
 * list (Flux applies both to the message).
 */
export function passesFilters(alert: Alert, event: NotificationEvent, filters: CompiledFilters): boolean {
  if ((alert.spec.eventSeverity ?? 'info') === 'error' && event.severity !== 'error') return false;
  if (filters.include.length > 0 && !filters.include.some((r) => r.test(event.message))) return false;
  return !filters.exclude.some((r) => r.test(event.message));
}
