import { describe, expect, it } from 'vitest';
import {
  eventHeader,
  eventKey,
  eventRow,
  isAbout,
  isAboutSteward,
  sortEvents,
} from '../../../src/cli/event-view.js';

const NOW = new Date('2026-03-01T12:00:00Z');

function event(name: string, o: Record<string, unknown>) {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7' },
    involvedObject: { apiVersion: 'steward.dev/v1alpha1', kind: 'Sync', name: 'app', namespace: 'default' },
    type: 'Normal',
    reason: 'ReconciliationSucceeded',
    message: 'Applied revision: main@sha1:1',
    count: 1,
    ...o,
  };
}

describe('events about Steward objects', () => {
  it('keeps only events whose involved object is in group steward.dev', () => {
    expect(isAboutSteward(event('a', {}))).toBe(true);
    const pod = event('b', { involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'x' } });
    expect(isAboutSteward(pod)).toBe(false);
    const lookalike = event('c', {
      involvedObject: { apiVersion: 'steward.dev.example.com/v1', kind: 'Sync' },
    });
    expect(isAboutSteward(lookalike)).toBe(false);
    expect(isAbout(event('a', {}), 'Sync', 'app')).toBe(true);
    expect(isAbout(event('a', {}), 'GitRepository', 'app')).toBe(false);
  });

  it('orders by last seen, whichever field holds it', () => {
    const events = [
      event('newest', { lastTimestamp: '2026-03-01T11:59:00Z' }),
      event('micro', { lastTimestamp: undefined, eventTime: '2026-03-01T11:58:00.123456Z' }),
      event('oldest', { lastTimestamp: '2026-03-01T11:00:00Z' }),
    ];
    expect(sortEvents(events).map((e) => (e.metadata as { name: string }).name)).toEqual([
      'oldest',
      'micro',
      'newest',
    ]);
  });

  it('lays a row out as kubectl does, counting repeats', () => {
    const once = event('a', {
      lastTimestamp: '2026-03-01T11:59:55Z',
      firstTimestamp: '2026-03-01T11:59:55Z',
    });
    expect(eventHeader(false)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(eventRow(once, { allNamespaces: false, now: NOW })).toEqual([
      '5s',
      'Normal',
      'ReconciliationSucceeded',
      'Sync/app',
      'Applied revision: main@sha1:1',
    ]);
    const repeated = event('b', {
      type: 'Warning',
      reason: 'BuildFailed',
      message: 'kustomize failed:\nline two',
      count: 3,
      firstTimestamp: '2026-03-01T11:55:00Z',
      lastTimestamp: '2026-03-01T11:59:58Z',
    });
    expect(eventRow(repeated, { allNamespaces: true, now: NOW })).toEqual([
      'default',
      '2s (x3 over 5m)',
      'Warning',
      'BuildFailed',
      'Sync/app',
      'kustomize failed: line two',
    ]);
  });

  it('keys an event by uid and version, so a repeat is new', () => {
    const a = event('a', {});
    expect(eventKey(a)).toBe('uid-a@7');
    expect(eventKey({ ...a, metadata: { ...a.metadata, resourceVersion: '8' } })).not.toBe(eventKey(a));
  });
});
