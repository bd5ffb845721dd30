/**
 * Providers, Alerts and Receivers as the status API shows them. Deliberately left out: a Provider's address and
 * channel settings (webhook URLs are credentials), every secretRef, and a Receiver's webhook path (for the
 * `generic` type the path alone authorises a call).
 */
import { field, isRecord, str } from '../health/fields.js';
import type { AlertView, ProviderView, ReceiverView } from './model.js';
import { type KubeObject, nameOf, readyView, suspended } from './read.js';

/** `Kind/namespace/name` of each entry of a list of object references; the namespace defaults to the owner's. */
function refs(obj: KubeObject, path: string, namespace: string): string[] {
  const list = field(obj, path);
  if (!Array.isArray(list)) return [];
  return list
    .filter(isRecord)
    .map((r) => `${str(r, 'kind', '')}/${str(r, 'namespace', namespace)}/${str(r, 'name', '')}`);
}

export function providerView(obj: KubeObject): ProviderView {
  return {
    ...nameOf(obj),
    type: str(obj, 'spec.type', ''),
    ready: readyView(obj),
    suspended: suspended(obj),
  };
}

export function alertView(obj: KubeObject): AlertView {
  const { namespace, name } = nameOf(obj);
  return {
    namespace,
    name,
    provider: str(obj, 'spec.providerRef.name', ''),
    severity: str(obj, 'spec.eventSeverity', 'info'),
    sources: refs(obj, 'spec.eventSources', namespace),
    ready: readyView(obj),
    suspended: suspended(obj),
  };
}

export function receiverView(obj: KubeObject): ReceiverView {
  const { namespace, name } = nameOf(obj);
  return {
    namespace,
    name,
    type: str(obj, 'spec.type', ''),
    resources: refs(obj, 'spec.resources', namespace),
    ready: readyView(obj),
    suspended: suspended(obj),
  };
}
