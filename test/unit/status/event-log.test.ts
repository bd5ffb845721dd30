import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/reconcile/events.js';
import { EventRecorder } from '../../../src/reconcile/events.js';
import { appendEvent, EventLog, eventView } from '../../../src/status/event-log.js';
import type { EventView } from '../../../src/status/model.js';

function ev(object: string, reason: string, at: number, message = `${reason} message`): EventView {
  const [kind = '', namespace = '', name = ''] = object.split('/');
  const time = new Date(at * 1000).toISOString();
  return {
    time,
    firstTime: time,
    count: 1,
    type: reason === 'Succeeded' ? 'Normal' : 'Warning',
    reason,
    message,
    object: { kind, namespace, name },
    revision: null,
  };
}

/** object:reason:count, newest first. */
const short = (list: readonly EventView[]) => list.map((e) => `${e.object.name}:${e.reason}:${e.count}`);

function run(events: EventView[], limit = 100): EventView[] {
  return events.reduce<EventView[]>((list, e) => appendEvent(list, e, limit), []);
}

describe('appendEvent', () => {
  it.each([
    {
      what: 'newest first',
      events: [ev('Sync/a/x', 'A', 1), ev('Sync/a/y', 'B', 2)],
      want: ['y:B:1', 'x:A:1'],
    },
    {
      what: 'a repeat of the same object collapses with a count',
      events: [ev('Sync/a/x', 'A', 1), ev('Sync/a/x', 'A', 2), ev('Sync/a/x', 'A', 3)],
      want: ['x:A:3'],
    },
    {
      what: 'A, B, A of one object stays three entries',
      events: [ev('Sync/a/x', 'A', 1), ev('Sync/a/x', 'B', 2), ev('Sync/a/x', 'A', 3)],
      want: ['x:A:1', 'x:B:1', 'x:A:1'],
    },
    {
      what: 'a repeat after another object moves to the front',
      events: [ev('Sync/a/x', 'A', 1), ev('Sync/a/y', 'B', 2), ev('Sync/a/x', 'A', 3)],
      want: ['x:A:2', 'y:B:1'],
    },
    {
      what: 'the same reason with another message is a new entry',
      events: [ev('Sync/a/x', 'A', 1, 'one'), ev('Sync/a/x', 'A', 2, 'two')],
      want: ['x:A:1', 'x:A:1'],
    },
    {
      what: 'the same name in another namespace is another object',
      events: [ev('Sync/a/x', 'A', 1), ev('Sync/b/x', 'A', 2)],
      want: ['x:A:1', 'x:A:1'],
    },
  ])('$what', ({ events, want }) => {
    expect(short(run(events))).toEqual(want);
  });

  it('keeps the first and last time of a collapsed entry', () => {
    const [only] = run([ev('Sync/a/x', 'A', 1), ev('Sync/a/x', 'A', 5)]);
    expect(only).toMatchObject({
      firstTime: '1970-01-01T00:00:01.000Z',
      time: '1970-01-01T00:00:05.000Z',
      count: 2,
    });
  });

  it('keeps at most the limit, dropping the oldest', () => {
    const list = run(
      Array.from({ length: 7 }, (_, i) => ev(`Sync/a/s${i}`, 'A', i)),
      5,
    );
    expect(list.map((e) => e.object.name)).toEqual(['s6', 's5', 's4', 's3', 's2']);
  });
});

describe('eventView', () => {
  const base: RecordedEvent = {
    involvedObject: {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      namespace: 'team-a',
      name: 'app',
      uid: 'u',
    },
    type: 'Warning',
    reason: 'GitOperationFailed',
    message: 'clone https://bot:tok@git.example/r failed',
    metadata: { 'steward.dev/revision': 'main@sha1:abc' },
    timestamp: new Date('2026-01-02T03:04:05.678Z'),
    suppressed: false,
  };

  it('keeps the object, the revision and the message without credentials', () => {
    expect(eventView(base)).toEqual({
      time: '2026-01-02T03:04:05.678Z',
      firstTime: '2026-01-02T03:04:05.678Z',
      count: 1,
      type: 'Warning',
      reason: 'GitOperationFailed',
      message: 'clone https://git.example/r failed',
      object: { kind: 'Sync', namespace: 'team-a', name: 'app' },
      revision: 'main@sha1:abc',
    });
  });

  it('caps a long message', () => {
    const v = eventView({ ...base, message: 'x'.repeat(5000), metadata: {} });
    expect(v.message).toHaveLength(1000);
    expect(v.message.endsWith('...')).toBe(true);
    expect(v.revision).toBeNull();
  });
});

describe('EventLog', () => {
  it('collects what an EventRecorder records, suppressed duplicates collapsed', () => {
    let now = 0;
    const recorder = new EventRecorder(
      { createEvent: async () => {} },
      () => new Date(now),
      () => {},
    );
    const log = new EventLog(10);
    recorder.subscribe(log.add);
    const obj = { apiVersion: 'steward.dev/v1alpha1', kind: 'Sync', namespace: 'team-b', name: 'app' };
    recorder.record(obj, 'Warning', 'BuildFailed', 'broken');
    now = 1_000;
    recorder.record(obj, 'Warning', 'BuildFailed', 'broken'); // suppressed by the recorder
    now = 2_000;
    recorder.record(
      { ...obj, namespace: 'team-a' },
      'Normal',
      'Succeeded',
      'Applied revision: main@sha1:abc',
    );
    expect(log.list().map((e) => [e.object.namespace, e.reason, e.count])).toEqual([
      ['team-a', 'Succeeded', 1],
      ['team-b', 'BuildFailed', 2],
    ]);
  });
});
