import { describe, expect, it } from 'vitest';
import {
  cronMatches,
  evaluateWindows,
  InvalidSyncWindowsError,
  parseCron,
  type SyncWindow,
  SyncWindowSet,
  type WindowState,
  ZoneClock,
} from '../../../src/windows/index.js';

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

describe('evaluateWindows: the definition, read minute by minute', () => {
  /** Argo CD's definition: active at t when the schedule fires at some minute m with t - duration < m <= t. */
  function activeByDefinition(window: SyncWindow, t: number, minutes: number): boolean {
    const fields = parseCron(window.schedule);
    const clock = new ZoneClock(window.timeZone ?? 'UTC');
    for (let m = Math.floor(t / 60_000) * 60_000; m > t - minutes * 60_000; m -= 60_000) {
      if (cronMatches(fields, new Date(m), clock)) return true;
    }
    return false;
  }
  const windows: [SyncWindow, number][] = [
    [deny('*/20 1-3 * * *', '45m', { timeZone: 'Europe/Berlin' }), 45],
    [deny('30 2 * * *', '1h', { timeZone: 'Europe/Berlin' }), 60],
    [allow('0 1 * * *', '3h', { timeZone: 'America/New_York' }), 180],
    [deny('50 23 L * *', '20m'), 20],
  ];
  const ranges = [
    '2026-03-28T22:00:00Z', // Berlin springs forward at 01:00Z
    '2026-10-24T22:00:00Z', // Berlin falls back at 01:00Z
    '2026-03-08T04:00:00Z', // New York springs forward at 07:00Z
    '2026-11-01T04:00:00Z', // New York falls back at 06:00Z
    '2026-02-28T23:00:00Z', // the last day of February
  ];
  it.each(windows)('%j', (window, minutes) => {
    const set = new SyncWindowSet([window]);
    const differences: string[] = [];
    for (const from of ranges) {
      // Every 10 minutes for 10 hours, alternately on the minute and 30.5 seconds past it.
      for (let i = 0; i < 60; i++) {
        const t = at(from).getTime() + i * 600_000 + (i % 2) * 30_500;
        const ours = set.evaluate(WEB, new Date(t)).activeWindows.length === 1;
        if (ours !== activeByDefinition(window, t, minutes)) differences.push(new Date(t).toISOString());
      }
    }
    expect(differences).toEqual([]);
  });
});

describe('SyncWindowSet', () => {
  const windows: SyncWindow[] = [
    deny('0 22 * * *', '2h', { timeZone: 'Europe/Berlin', namespaces: ['team-*'] }),
    deny('*/5 * * * *', '1m', { syncs: ['team-1?/*'] }),
    allow('0 6 * * mon-fri', '14h', { timeZone: 'America/New_York', namespaces: ['team-2*'] }),
    allow('0 0 * * *', '30m', { syncs: ['team-3*/api-*'] }),
    deny('30 2 * * *', '90m', { timeZone: 'Europe/Berlin', driftCorrection: true }),
    deny('0 0 L * *', '36h', { namespaces: ['team-4*'] }),
  ];
  const targets = Array.from({ length: 1000 }, (_, i) => ({ namespace: `team-${i % 50}`, name: `api-${i}` }));
  const start = Date.UTC(2026, 9, 24, 18, 0); // Berlin falls back during this week

  it('gives the same answers as fresh evaluations, whatever it cached before', () => {
    const set = new SyncWindowSet(windows);
    const offsets = [0, 3, 50, 1, 30, 2, -20, 170, 26, 27].map((h) => h * 3_600_000 + 37_000);
    const differences: string[] = [];
    for (const offset of offsets) {
      const now = new Date(start + offset);
      for (const target of targets.slice(0, 20)) {
        const cached: WindowState = set.evaluate(target, now);
        if (JSON.stringify(cached) !== JSON.stringify(evaluateWindows(windows, target, now))) {
          differences.push(`${target.namespace}/${target.name} ${now.toISOString()}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it('keeps a decision until nextChange, then flips it', () => {
    const set = new SyncWindowSet(windows);
    for (const target of [targets[0], targets[11], targets[23], targets[37], targets[44]]) {
      if (!target) continue;
      let now = start;
      for (let step = 0; step < 40; step++) {
        const s = set.evaluate(target, new Date(now));
        const next = s.nextChange?.getTime();
        if (next === undefined) break;
        for (const probe of [now + 1, (now + next) / 2, next - 1]) {
          expect(set.evaluate(target, new Date(probe)).allowed).toBe(s.allowed);
        }
        expect(set.evaluate(target, new Date(next)).allowed).toBe(!s.allowed);
        now = next;
      }
    }
  });

  it('evaluates 1000 Syncs in under 50 ms', () => {
    const set = new SyncWindowSet(windows);
    const began = performance.now();
    const states = targets.map((target, i) => set.evaluate(target, new Date(start + i * 1_000)));
    expect(performance.now() - began).toBeLessThan(50);
    // Not a trivial run: windows applied, some held and some not.
    expect(states.filter((s) => s.allowed).length).toBeGreaterThan(0);
    expect(states.filter((s) => !s.allowed).length).toBeGreaterThan(0);
  });

  it('refuses windows config validation would refuse', () => {
    const bad = [
      deny('61 * * * *', '1h'),
      allow('* * * * *', '0s', { timeZone: 'Mars/Olympus', syncs: ['web'] }),
    ];
    expect(() => new SyncWindowSet(bad)).toThrow(InvalidSyncWindowsError);
    expect(() => new SyncWindowSet(bad)).toThrow(
      [
        'syncWindows[0].schedule: invalid cron expression "61 * * * *": minute 61 is outside 0-59',
        'syncWindows[1].duration: must be greater than 0 (got "0s")',
        'syncWindows[1].timeZone: unknown time zone "Mars/Olympus" (use an IANA name such as "Europe/Berlin")',
        'syncWindows[1].syncs[0]: must be namespace/name, globs allowed, such as "team-*/web" (got "web")',
      ].join('\n'),
    );
  });
});
