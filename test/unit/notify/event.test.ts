import { describe, expect, it } from 'vitest';
import {
  classify,
  eventHash,
  eventMetadata,
  formatFailingObjects,
  toNotificationEvent,
} from '../../../src/notify/event.js';
import { event, REVISION, recorded } from './fixtures.js';

describe('toNotificationEvent', () => {
  it('maps a Warning to an error with revision, failing objects and trimmed metadata', () => {
    const e = toNotificationEvent(
      recorded({
        metadata: {
          'steward.dev/revision': REVISION,
          'steward.dev/failing-objects': 'Deployment/team-a/web, apps/web.yaml',
          'other.io/token': 'x',
        },
      }),
    );
    expect(e).toMatchObject({
      severity: 'error',
      class: 'failure',
      reason: 'HealthCheckFailed',
      revision: REVISION,
      failingObjects: ['Deployment/team-a/web', 'apps/web.yaml'],
      metadata: { revision: REVISION, 'failing-objects': 'Deployment/team-a/web, apps/web.yaml' },
    });
    // Keys of other prefixes never leave the agent (Flux keeps only its own group's keys too).
    expect(e.metadata).not.toHaveProperty('other.io/token');
  });

  it('maps a Normal event to info, and cuts a very long message', () => {
    const e = toNotificationEvent(
      recorded({ type: 'Normal', reason: 'CanaryProgressing', message: 'x'.repeat(5_000), metadata: {} }),
    );
    expect(e.severity).toBe('info');
    expect(e.class).toBe('info');
    expect(e.message).toHaveLength(2_000);
    expect(e.message.endsWith('...')).toBe(true);
    expect(e.revision).toBeUndefined();
    expect(e.failingObjects).toEqual([]);
  });
});

describe('classify', () => {
  it.each([
    ['Warning', 'ReconciliationFailed', 'failure'],
    ['Warning', 'HealthCheckFailed', 'failure'],
    ['Warning', 'CanaryFailed', 'failure'],
    ['Warning', 'GitOperationFailed', 'failure'],
    ['Warning', 'SymlinksSkipped', 'info'],
    ['Normal', 'ReconciliationSucceeded', 'success'],
    ['Normal', 'NewArtifact', 'success'],
    ['Normal', 'Succeeded', 'success'],
    ['Normal', 'CanaryProgressing', 'info'],
    ['Normal', 'CanaryPromoted', 'info'],
  ] as const)('%s %s is %s', (type, reason, cls) => {
    expect(classify(type, reason)).toBe(cls);
  });
});

describe('eventHash', () => {
  it('is the same for the same object, reason, message and revision, whatever the time', () => {
    expect(eventHash(event({ timestamp: new Date(0) }))).toBe(
      eventHash(event({ timestamp: new Date(1e12) })),
    );
  });

  it.each([
    [
      'object',
      {
        involvedObject: {
          apiVersion: 'steward.dev/v1alpha1',
          kind: 'Sync',
          namespace: 'team-a',
          name: 'api',
        },
      },
    ],
    ['reason', { reason: 'BuildFailed' }],
    ['message', { message: 'another message' }],
    ['revision', { metadata: { 'steward.dev/revision': 'main@sha1:ffff' } }],
  ])('changes with the %s', (_what, overrides) => {
    expect(eventHash(event(overrides))).not.toBe(eventHash(event()));
  });
});

describe('eventMetadata', () => {
  it('is undefined without revision or objects', () => {
    expect(eventMetadata(undefined, [])).toBeUndefined();
    expect(eventMetadata('')).toBeUndefined();
  });

  it('holds the revision and the failing objects', () => {
    expect(eventMetadata(REVISION, ['Deployment/a/b'])).toEqual({
      'steward.dev/revision': REVISION,
      'steward.dev/failing-objects': 'Deployment/a/b',
    });
  });

  it('lists ten objects, without duplicates, then counts', () => {
    const objects = Array.from({ length: 14 }, (_, i) => `ConfigMap/a/c${i}`);
    expect(formatFailingObjects([...objects, 'ConfigMap/a/c0'])).toBe(
      `${objects.slice(0, 10).join(', ')}, and 4 more`,
    );
  });
});
