import { describe, expect, it } from 'vitest';
import { evaluateWindows, type SyncWindow } from '../../../src/windows/index.js';

const at = (iso: string) => new Date(iso);
const WEB = { namespace: 'team-a', name: 'web' };
const deny = (schedule: string, duration: string, more: Partial<SyncWindow> = {}): SyncWindow => ({
  kind: 'deny',
  schedule,
  duration,
  ...more,
});
const allow = (schedule: string, duration: string, more: Partial<SyncWindow> = {}): SyncWindow => ({
  kind: 'allow',
  schedule,
  duration,
  ...more,
});
/** The state with nextChange as an ISO string, for readable tables. */
const state = (windows: readonly SyncWindow[], iso: string, target = WEB) => {
  const { nextChange, ...rest } = evaluateWindows(windows, target, at(iso));
  return { ...rest, ...(nextChange ? { nextChange: nextChange.toISOString() } : {}) };
};

describe('evaluateWindows: deny and allow', () => {
  const nightly = deny('0 22 * * *', '2h');
  const label = 'deny window "0 22 * * *" (2h)';
  it.each<[string, readonly SyncWindow[], string, object]>([
    ['no windows', [], '2026-11-21T22:30:00Z', { allowed: true, driftCorrection: true, activeWindows: [] }],
    [
      'before a deny window',
      [nightly],
      '2026-11-21T21:59:59Z',
      { allowed: true, activeWindows: [], nextChange: '2026-11-21T22:00:00.000Z' },
    ],
    [
      'as a deny window opens',
      [nightly],
      '2026-11-21T22:00:00Z',
      {
        allowed: false,
        driftCorrection: false,
        activeWindows: [label],
        reason: `${label} active until 2026-11-22T00:00:00Z`,
        nextChange: '2026-11-22T00:00:00.000Z',
      },
    ],
    ['across midnight', [nightly], '2026-11-21T23:59:59.999Z', { allowed: false }],
    [
      'as it closes',
      [nightly],
      '2026-11-22T00:00:00Z',
      { allowed: true, activeWindows: [], nextChange: '2026-11-22T22:00:00.000Z' },
    ],
    [
      'outside every allow window',
      [allow('0 9 * * mon-fri', '3h')], // 2026-11-21 is a Saturday
      '2026-11-21T12:00:00Z',
      {
        allowed: false,
        activeWindows: [],
        reason: 'no allow window active; allow window "0 9 * * mon-fri" (3h) opens at 2026-11-23T09:00:00Z',
        nextChange: '2026-11-23T09:00:00.000Z',
      },
    ],
    [
      'inside an allow window',
      [allow('0 9 * * mon-fri', '3h'), allow('0 20 * * *', '1h')],
      '2026-11-23T10:00:00Z',
      {
        allowed: true,
        activeWindows: ['allow window "0 9 * * mon-fri" (3h)'],
        nextChange: '2026-11-23T12:00:00.000Z',
      },
    ],
    [
      'deny wins over an active allow',
      [allow('0 0 * * *', '24h'), deny('0 12 * * *', '1h')],
      '2026-11-21T12:30:00Z',
      {
        allowed: false,
        activeWindows: ['allow window "0 0 * * *" (24h)', 'deny window "0 12 * * *" (1h)'],
        reason: 'deny window "0 12 * * *" (1h) active until 2026-11-21T13:00:00Z',
        nextChange: '2026-11-21T13:00:00.000Z',
      },
    ],
    [
      'overlapping denies: allowed again when the last closes',
      [deny('0 22 * * *', '2h'), deny('0 23 * * *', '2h')],
      '2026-11-21T22:30:00Z',
      { allowed: false, activeWindows: [label], nextChange: '2026-11-22T01:00:00.000Z' },
    ],
    [
      'a deny window that never closes',
      [deny('* * * * *', '1h')],
      '2026-11-21T12:00:00Z',
      { allowed: false, reason: 'deny window "* * * * *" (1h) active for more than 7 days' },
    ],
    [
      'no change within 7 days',
      [deny('0 0 1 1 *', '1h')],
      '2026-11-21T12:00:00Z',
      { allowed: true, activeWindows: [] },
    ],
    [
      'an allow window that opens in more than 7 days',
      [allow('0 0 1 1 *', '1h')],
      '2026-11-21T12:00:00Z',
      { allowed: false, reason: 'no allow window active, and none opens within 7 days' },
    ],
    [
      'a seconds field',
      [deny('*/30 * * * * *', '10s')],
      '2026-11-21T12:00:35Z',
      { allowed: false, reason: 'deny window "*/30 * * * * *" (10s) active until 2026-11-21T12:00:40Z' },
    ],
    [
      'month end: the last day of November, into December',
      [deny('0 23 L * *', '3h')],
      '2026-12-01T01:59:00Z',
      { allowed: false, nextChange: '2026-12-01T02:00:00.000Z' },
    ],
    [
      'February 28th for 48 hours, into March',
      [deny('0 0 28 2 *', '48h')],
      '2026-03-01T23:59:00Z',
      { allowed: false, nextChange: '2026-03-02T00:00:00.000Z' },
    ],
  ])('%s', (_, windows, iso, expected) => {
    expect(state(windows, iso)).toMatchObject(expected);
  });

  it('leaves out nextChange and reason when nothing applies', () => {
    expect(evaluateWindows([deny('0 0 1 1 *', '1h')], WEB, at('2026-11-21T12:00:00Z'))).toStrictEqual({
      allowed: true,
      driftCorrection: true,
      activeWindows: [],
    });
  });
});

describe('evaluateWindows: which windows apply', () => {
  const window = (more: Partial<SyncWindow>) => [deny('0 0 * * *', '24h', more)];
  it.each<[string, Partial<SyncWindow>, { namespace: string; name: string }, boolean]>([
    ['no selectors: every Sync', {}, { namespace: 'platform', name: 'core' }, true],
    ['namespace glob', { namespaces: ['team-*'] }, WEB, true],
    [
      'namespace glob, other namespace',
      { namespaces: ['team-*'] },
      { namespace: 'platform', name: 'web' },
      false,
    ],
    ['namespace ? glob', { namespaces: ['team-?'] }, { namespace: 'team-ab', name: 'web' }, false],
    ['exact namespace', { namespaces: ['team-a'] }, WEB, true],
    ['sync glob', { syncs: ['team-*/web*'] }, { namespace: 'team-b', name: 'web-2' }, true],
    ['sync glob, other name', { syncs: ['team-*/web*'] }, { namespace: 'team-b', name: 'api' }, false],
    ['* never crosses /', { syncs: ['*/web'] }, { namespace: 'team-a', name: 'x/web' }, false],
    ['dots are literal', { namespaces: ['a.b'] }, { namespace: 'axb', name: 'web' }, false],
    ['namespaces or syncs', { namespaces: ['platform'], syncs: ['team-a/web'] }, WEB, true],
    ['empty lists: every Sync', { namespaces: [], syncs: [] }, WEB, true],
  ])('%s', (_, more, target, held) => {
    expect(evaluateWindows(window(more), target, at('2026-11-21T12:00:00Z')).allowed).toBe(!held);
  });

  it('an allow window for other Syncs does not restrict this one', () => {
    const windows = [allow('0 9 * * *', '1h', { namespaces: ['payments'] })];
    expect(evaluateWindows(windows, WEB, at('2026-11-21T12:00:00Z')).allowed).toBe(true);
    expect(
      evaluateWindows(windows, { namespace: 'payments', name: 'api' }, at('2026-11-21T12:00:00Z')).allowed,
    ).toBe(false);
  });
});

describe('evaluateWindows: time zones', () => {
  it.each<[string, SyncWindow, string, object]>([
    [
      'Berlin in winter (UTC+1)',
      deny('0 22 * * *', '2h', { timeZone: 'Europe/Berlin' }),
      '2026-11-21T21:30:00Z',
      {
        allowed: false,
        reason: 'deny window "0 22 * * *" (2h, Europe/Berlin) active until 2026-11-21T23:00:00Z',
      },
    ],
    [
      'Berlin in summer (UTC+2)',
      deny('0 22 * * *', '2h', { timeZone: 'Europe/Berlin' }),
      '2026-07-01T19:59:00Z',
      { allowed: true, nextChange: '2026-07-01T20:00:00.000Z' },
    ],
    [
      // 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z. Opening 01:00 CET (00:00Z), two elapsed hours
      // end at 02:00Z, which the wall clock shows as 04:00.
      'Berlin spring forward: a 2h window lasts two elapsed hours',
      deny('0 1 * * *', '2h', { timeZone: 'Europe/Berlin' }),
      '2026-03-29T01:30:00Z',
      { allowed: false, nextChange: '2026-03-29T02:00:00.000Z' },
    ],
    [
      'Berlin spring forward: 02:30 does not exist that night, so the window opens the next night',
      deny('30 2 * * *', '1h', { timeZone: 'Europe/Berlin' }),
      '2026-03-28T23:00:00Z',
      { allowed: true, nextChange: '2026-03-30T00:30:00.000Z' },
    ],
    [
      // 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z, so 02:30 happens at 00:30Z and again at 01:30Z.
      'Berlin fall back: 02:30 opens twice',
      deny('30 2 * * *', '30m', { timeZone: 'Europe/Berlin' }),
      '2026-10-25T01:00:00Z',
      { allowed: true, nextChange: '2026-10-25T01:30:00.000Z' },
    ],
    [
      'New York, Monday 09:00 EST',
      allow('0 9 * * mon-fri', '8h', { timeZone: 'America/New_York' }),
      '2026-11-23T13:59:00Z',
      { allowed: false, nextChange: '2026-11-23T14:00:00.000Z' },
    ],
    [
      // 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z; Friday opened at 14:00Z, Monday opens at 13:00Z.
      'New York across spring forward',
      allow('0 9 * * mon-fri', '8h', { timeZone: 'America/New_York' }),
      '2026-03-07T12:00:00Z',
      {
        allowed: false,
        reason:
          'no allow window active; allow window "0 9 * * mon-fri" (8h, America/New_York) opens at 2026-03-09T13:00:00Z',
      },
    ],
    [
      'New York: the 1st at midnight is 05:00Z on the 1st, still the 30th in no zone',
      deny('0 0 1 * *', '1h', { timeZone: 'America/New_York' }),
      '2026-12-01T05:30:00Z',
      { allowed: false, nextChange: '2026-12-01T06:00:00.000Z' },
    ],
  ])('%s', (_, window, iso, expected) => {
    expect(state([window], iso)).toMatchObject(expected);
  });
});

describe('evaluateWindows: drift correction while syncs are held', () => {
  const night = (driftCorrection: boolean) => deny('0 22 * * *', '2h', { driftCorrection });
  const office = (driftCorrection: boolean) => allow('0 9 * * *', '8h', { driftCorrection });
  it.each<[string, readonly SyncWindow[], boolean, boolean]>([
    ['allowed: always', [deny('0 12 * * *', '1h')], true, true],
    ['one active deny that allows it', [night(true)], false, true],
    ['every active deny must allow it', [night(true), deny('0 23 * * *', '1h')], false, false],
    [
      'outside allow windows that all allow it',
      [office(true), allow('0 20 * * *', '1h', { driftCorrection: true })],
      false,
      true,
    ],
    ['outside allow windows, one does not', [office(true), allow('0 20 * * *', '1h')], false, false],
    ['an active deny decides, not the allow windows', [office(true), night(false)], false, false],
  ])('%s', (_, windows, allowed, driftCorrection) => {
    const s = evaluateWindows(windows, WEB, at('2026-11-21T23:30:00Z'));
    expect({ allowed: s.allowed, driftCorrection: s.driftCorrection }).toEqual({ allowed, driftCorrection });
  });
});
