import { describe, expect, it } from 'vitest';
import { FiringAlerts } from '../../../src/notify/firing.js';
import { notification } from './fixtures.js';

describe('FiringAlerts', () => {
  it('keeps the first start time while an object keeps failing, and resolves once', () => {
    const f = new FiringAlerts();
    const first = f.fire(
      'a|Sync/x/web',
      'ns/a',
      notification('failure', { timestamp: new Date(1_000) }),
      1_000,
    );
    const second = f.fire(
      'a|Sync/x/web',
      'ns/a',
      notification('failure', { timestamp: new Date(9_000), message: 'other' }),
      9_000,
    );
    expect(second.startsAt).toEqual(first.startsAt);
    expect(second.notification.event.message).toBe('other');
    expect(f.resolve('a|Sync/x/web')?.startsAt).toEqual(new Date(1_000));
    expect(f.resolve('a|Sync/x/web')).toBeUndefined();
  });

  it('returns the alerts due for a re-post, once per interval', () => {
    const f = new FiringAlerts();
    f.fire('s1', 'ns/a', notification(), 0);
    f.fire('s2', 'ns/a', notification(), 200);
    expect(f.due(250, 300).map((d) => d.stream)).toEqual([]);
    expect(f.due(300, 300).map((d) => d.stream)).toEqual(['s1']);
    expect(f.due(500, 300).map((d) => d.stream)).toEqual(['s2']);
    expect(f.due(600, 300).map((d) => d.stream)).toEqual(['s1']);
  });

  it("forgets a deleted Alert's alerts", () => {
    const f = new FiringAlerts();
    f.fire('ns/a|Sync/x/web', 'ns/a', notification(), 0);
    f.fire('ns/b|Sync/x/web', 'ns/b', notification(), 0);
    f.forget('ns/a|');
    expect(f.size()).toBe(1);
  });
});
