/**
 * core/v1 Events about Steward's objects, laid out as `kubectl get events` shows them (LAST SEEN, TYPE,
 * REASON, OBJECT, MESSAGE) and ordered by when they were last seen. Pure: the time is passed in.
 */
import { API_GROUP } from '../core/constants.js';
import type { Obj } from '../kube/index.js';
import { compare } from './object-view.js';
import { ageOf, oneLine } from './table.js';

interface Involved {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

function involvedOf(ev: Obj): Involved {
  const o = isRecord(ev.involvedObject) ? ev.involvedObject : {};
  return { apiVersion: str(o.apiVersion), kind: str(o.kind), name: str(o.name), namespace: str(o.namespace) };
}

/** True when the event is about an object of group steward.dev (any version). */
export function isAboutSteward(ev: Obj): boolean {
  return involvedOf(ev).apiVersion.startsWith(`${API_GROUP}/`);
}

/** True when the event is about the object `kind`/`name`. */
export function isAbout(ev: Obj, kind: string, name: string): boolean {
  const o = involvedOf(ev);
  return o.kind === kind && o.name === name;
}

/** When the event was last seen: lastTimestamp, else the events.k8s.io fields, else its creation. */
export function lastSeenOf(ev: Obj): string | undefined {
  const series = isRecord(ev.series) ? ev.series : {};
  const meta = isRecord(ev.metadata) ? ev.metadata : {};
  return firstString(ev.lastTimestamp, series.lastObservedTime, ev.eventTime, meta.creationTimestamp);
}

function firstSeenOf(ev: Obj): string | undefined {
  const meta = isRecord(ev.metadata) ? ev.metadata : {};
  return firstString(ev.firstTimestamp, ev.eventTime, meta.creationTimestamp);
}

/** Oldest first, as `kubectl events` and `flux events` print them; the newest is nearest the prompt. */
export function sortEvents(events: readonly Obj[]): Obj[] {
  const time = (ev: Obj) => {
    const t = Date.parse(lastSeenOf(ev) ?? '');
    return Number.isNaN(t) ? 0 : t;
  };
  const name = (ev: Obj) => str((isRecord(ev.metadata) ? ev.metadata : {}).name);
  return [...events].sort((a, b) => time(a) - time(b) || compare(name(a), name(b)));
}

/** The table header; NAMESPACE first across namespaces. */
export function eventHeader(allNamespaces: boolean): string[] {
  return [...(allNamespaces ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
}

/** One event as a row; a repeated event says how often and since when, as kubectl does (`5s (x3 over 2m)`). */
export function eventRow(ev: Obj, o: { allNamespaces: boolean; now: Date }): string[] {
  const meta = isRecord(ev.metadata) ? ev.metadata : {};
  const involved = involvedOf(ev);
  const count = typeof ev.count === 'number' ? ev.count : 1;
  const last = ageOf(lastSeenOf(ev), o.now);
  const seen = count > 1 ? `${last} (x${count} over ${ageOf(firstSeenOf(ev), o.now)})` : last;
  return [
    ...(o.allNamespaces ? [str(meta.namespace) || involved.namespace] : []),
    seen,
    str(ev.type),
    str(ev.reason),
    `${involved.kind}/${involved.name}`,
    oneLine(str(ev.message)),
  ];
}

/** A key that changes whenever the event does (a repeat bumps its resourceVersion). */
export function eventKey(ev: Obj): string {
  const meta = isRecord(ev.metadata) ? ev.metadata : {};
  return `${str(meta.uid) || `${str(meta.namespace)}/${str(meta.name)}`}@${str(meta.resourceVersion)}`;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
