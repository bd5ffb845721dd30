/**
 * The generic webhook body: Flux's event JSON (fluxcd/pkg/apis/event v1beta1 Event), so receivers written for
 * Flux's generic provider read Steward's unchanged. generic-hmac posts the same body, signed.
 */
import { createHmac } from 'node:crypto';
import { rfc3339 } from '../../reconcile/context.js';
import { REPORTING_CONTROLLER } from '../event.js';
import type { Notification } from '../notification.js';

export interface GenericEvent {
  involvedObject: {
    apiVersion: string;
    kind: string;
    namespace: string;
    name: string;
    uid?: string;
    resourceVersion?: string;
  };
  severity: 'info' | 'error';
  timestamp: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController: string;
}

export const SIGNATURE_HEADER = 'X-Signature';

export function genericPayload(n: Notification): GenericEvent {
  const o = n.event.involvedObject;
  return {
    involvedObject: {
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      ...(o.uid ? { uid: o.uid } : {}),
      ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}),
    },
    severity: n.event.severity,
    timestamp: rfc3339(n.event.timestamp),
    message: n.event.message,
    reason: n.event.reason,
    ...(Object.keys(n.metadata).length > 0 ? { metadata: n.metadata } : {}),
    reportingController: REPORTING_CONTROLLER,
  };
}

/** `sha256=<hex HMAC-SHA256 of body keyed with token>`, the X-Signature header of generic-hmac. */
export function hmacSignature(body: string, token: string): string {
  return `sha256=${createHmac('sha256', token).update(body, 'utf8').digest('hex')}`;
}
