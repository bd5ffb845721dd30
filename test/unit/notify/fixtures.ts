/** Events, Alerts and Provider targets for the notification unit tests. */
import type { Alert } from '../../../src/api/index.js';
import { validateAlert } from '../../../src/api/index.js';
import type { NotificationKind } from '../../../src/notify/dedup.js';
import { type NotificationEvent, toNotificationEvent } from '../../../src/notify/event.js';
import { buildNotification, type Notification } from '../../../src/notify/notification.js';
import type { ProviderTarget } from '../../../src/notify/provider.js';
import type { RecordedEvent } from '../../../src/reconcile/events.js';

export const REVISION = 'main@sha1:0123456789abcdef0123456789abcdef01234567';

export function recorded(overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    involvedObject: {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      namespace: 'team-a',
      name: 'web',
      uid: '7d4c1c9e-0000-4000-8000-000000000001',
    },
    type: 'Warning',
    reason: 'HealthCheckFailed',
    message: 'Deployment team-a/web: 1 of 3 updated replicas available',
    metadata: {
      'steward.dev/revision': REVISION,
      'steward.dev/failing-objects': 'Deployment/team-a/web',
    },
    timestamp: new Date('2026-03-01T10:00:00.123Z'),
    suppressed: false,
    ...overrides,
  };
}

export function event(overrides: Partial<RecordedEvent> = {}): NotificationEvent {
  return toNotificationEvent(recorded(overrides));
}

export function alert(spec: Record<string, unknown> = {}, namespace = 'team-a'): Alert {
  const result = validateAlert({
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Alert',
    metadata: { name: 'on-call', namespace },
    spec: { providerRef: { name: 'chat' }, eventSources: [{ kind: 'Sync', name: '*' }], ...spec },
  });
  if (!result.ok) throw new Error(`bad test Alert: ${JSON.stringify(result.errors)}`);
  return result.value;
}

export function notification(
  kind: NotificationKind = 'failure',
  overrides: Partial<RecordedEvent> = {},
  alertSpec: Record<string, unknown> = {},
): Notification {
  return buildNotification(event(overrides), kind, alert(alertSpec));
}

export function target(overrides: Partial<ProviderTarget> = {}): ProviderTarget {
  return {
    namespace: 'team-a',
    name: 'chat',
    type: 'slack',
    address: 'https://hooks.example.com/services/T000/B000/secret-part',
    headers: {},
    timeoutMs: 15_000,
    suspend: false,
    ...overrides,
  };
}
