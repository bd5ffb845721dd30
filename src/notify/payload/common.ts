/** What the chat payloads share: the HTTP request they become, a headline, and the facts listed under it. */
import type { Notification } from '../notification.js';

/** A POST to make. Holds the address and credentials: never log it. */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Fact {
  title: string;
  value: string;
}

/** `Sync default/app` */
export function objectName(n: Notification): string {
  const o = n.event.involvedObject;
  return `${o.kind} ${o.namespace}/${o.name}`;
}

/** One line saying what happened: `Sync default/app failed`, `... recovered`, or `...: <reason>`. */
export function headline(n: Notification): string {
  switch (n.kind) {
    case 'failure':
      return `${objectName(n)} failed`;
    case 'recovery':
      return `${objectName(n)} recovered`;
    case 'info':
      return `${objectName(n)}: ${n.event.reason}`;
  }
}

/** Keys shown as facts of their own, or in the headline. */
const SHOWN_KEYS: ReadonlySet<string> = new Set(['revision', 'failing-objects', 'summary']);

/** Object, reason, revision, failing objects, then the rest of the metadata sorted by key. */
export function facts(n: Notification): Fact[] {
  const o = n.event.involvedObject;
  const out: Fact[] = [
    { title: 'Object', value: `${o.kind}/${o.namespace}/${o.name}` },
    { title: 'Reason', value: n.event.reason },
  ];
  if (n.event.revision) out.push({ title: 'Revision', value: n.event.revision });
  if (n.event.failingObjects.length > 0)
    out.push({ title: 'Failing objects', value: n.event.failingObjects.join(', ') });
  for (const key of Object.keys(n.metadata).sort()) {
    const value = n.metadata[key];
    if (!SHOWN_KEYS.has(key) && value !== undefined) out.push({ title: key, value });
  }
  return out;
}
