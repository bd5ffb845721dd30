import { createTask, validate } from 'node-cron';
import { describe, expect, it, vi } from 'vitest';
import { Findings } from '../../../src/api/errors.js';
import {
  type CronFields,
  CronSyntaxError,
  checkSyncWindows,
  cronMatches,
  parseCron,
  ZoneClock,
} from '../../../src/windows/index.js';

const at = (iso: string) => new Date(iso);
const accepts = (expression: string): boolean => {
  try {
    parseCron(expression);
    return true;
  } catch (err) {
    if (err instanceof CronSyntaxError) return false;
    throw err;
  }
};

describe('parseCron', () => {
  const all = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  it.each<[string, Partial<CronFields>]>([
    [
      '* * * * *',
      { seconds: [0], minutes: all(0, 59), hours: all(0, 23), days: all(1, 31), months: all(1, 12) },
    ],
    ['30 * * * * *', { seconds: [30] }],
    ['*/15 * * * *', { minutes: [0, 15, 30, 45] }],
    ['10-20/5 * * * *', { minutes: [10, 15, 20] }],
    ['0-70/50 * * * *', { minutes: [0, 50] }],
    ['55-5 * * * *', { minutes: [0, 1, 2, 3, 4, 5, 55, 56, 57, 58, 59] }],
    ['0 8,12,18 * * *', { hours: [8, 12, 18] }],
    ['0 0 * jan,JUL-sep *', { months: [1, 7, 8, 9] }],
    ['0 0 * * mon-fri', { weekdays: [1, 2, 3, 4, 5] }],
    ['0 0 * * fri-mon', { weekdays: [0, 1, 5, 6] }],
    ['0 0 * * Sunday,7', { weekdays: [0] }],
    ['0 0 * * 5-7', { weekdays: [0, 5, 6] }],
    ['0 0 ? * ?', { days: all(1, 31), weekdays: all(0, 6) }],
    ['0 0 L * *', { days: [], dayTokens: [{ kind: 'last', offset: 0 }] }],
    [
      '0 0 1,L-2,15W,LW * *',
      {
        days: [1],
        dayTokens: [
          { kind: 'last', offset: 2 },
          { kind: 'weekday', day: 15 },
          { kind: 'weekday', day: 'last' },
        ],
      },
    ],
    [
      '0 0 * * mon#2,5L,7#1',
      {
        weekdays: [],
        weekdayTokens: [
          { kind: 'nth', weekday: 1, nth: 2 },
          { kind: 'last', weekday: 5 },
          { kind: 'nth', weekday: 0, nth: 1 },
        ],
      },
    ],
    ['@daily', { seconds: [0], minutes: [0], hours: [0] }],
    ['  0   1  * * *  ', { minutes: [0], hours: [1] }],
  ])('%j', (expression, expected) => {
    expect(parseCron(expression)).toMatchObject(expected);
  });

  it.each([
    ['61 * * * *', 'minute 61 is outside 0-59'],
    ['* 24 * * *', 'hour 24 is outside 0-23'],
    ['* * 0 * *', 'day of month 0 is outside 1-31'],
    ['* * * 13 *', 'month 13 is outside 1-12'],
    ['* * * * 8', 'day of week 8 is outside 0-7'],
    ['*/0 * * * *', 'minute step must be at least 1 in "0-59/0"'],
    ['0-4000000000 * * * *', 'minute 0-4000000000 goes outside 0-59'],
    ['* * * *', 'expected 5 or 6 fields, got 4'],
    ['* * * * * * *', 'expected 5 or 6 fields, got 7'],
    ['@every 5m', 'only digits, letters, spaces and - * / , # ? are allowed'],
    ['0 0 31 2 *', 'day 31 never occurs in month 2'],
    ['5/15 * * * *', '"5/15" is not a valid minute'],
    ['0 0 L * 1L2', '"1L2" is not a valid day of week'],
  ])('rejects %j: %s', (expression, reason) => {
    expect(() => parseCron(expression)).toThrow(new CronSyntaxError(expression, reason));
  });
});

/** Expressions node-cron accepts and rejects, some only by quirks of its pipeline. */
const TABLE = [
  '* * * * *',
  '*/5 * * * * *',
  '0 22 * * *',
  '0 9 * * mon-fri',
  '0 9 * * MON-FRI',
  '0 0 1 1 *',
  '0 0 * * 7',
  '0 0 * * 1-7',
  '0 0 * * 8-1',
  '0 0 * * sunmon',
  '0 0 29 2 *',
  '0 0 L * *',
  '0 0 LW * *',
  '0 0 15W * *',
  '0 0 l-3 * *',
  '0 0 * * 5L',
  '0 0 * * mon#2',
  '0 0 ? * ?',
  '@daily',
  '@HOURLY',
  '@weekly',
  '0 0 * jan-mar *',
  '0-70/50 * * * *',
  '59-1 * * * *',
  '0 0 25-5 * *',
  '*/100 * * * *',
  '00 07 * * *',
  '  0  1 * * *',
  '61 * * * *',
  '* * * *',
  '0 0 31 2 *',
  '0 0 30 2 *',
  '*/0 * * * *',
  '5/15 * * * *',
  '0 0 1,,2 * *',
  '0 0 * * L',
  '0 0 L-0 * *',
  '0 0 L-31 * *',
  '0 0 32W * *',
  '0 0 1-5W * *',
  '0 0 * * 1#6',
  '0 0 * * 8#1',
  '0 0 ? * 1,?',
  '@every 1h',
  '0\t0 * * *',
  '** * * * *',
  '*-5 * * * *',
  '0 0 * janx *',
  '0 0 * * thurs',
  '0 0 * 0 *',
  '0 24 * * *',
  '0 0 0 * *',
  '',
  '0 0 * * -1',
  '0 0 * * 20-1',
  '0 0 * * 14-0',
  '0 0 1 * 1 2019',
];

/** Per field (seconds first): mostly valid tokens, and the edge cases node-cron treats specially. */
const POOLS = [
  ['0', '*/15', '30', '0-10/5', '55-5', '60', 'L'],
  ['0', '*', '*/5', '59', '10-20', '50-10/7', '0-70/50', '60', '5/15', '*/0'],
  ['0', '*', '22', '9-17', '22-2', '23', '24', '?'],
  ['*', '1', '15', '31', 'L', 'L-3', 'LW', '15W', '?', '0', '32W', 'L-31', '1-5W', '#2'],
  ['*', '1', '2', 'jan', 'JUL-sep', 'nov-feb', '*/3', '13', 'L', 'janx'],
  ['*', '0', '7', 'mon-fri', 'fri-mon', '5L', 'mon#2', '7#1', '?', 'sunmon', '8', 'L', '1#6', '8-1'],
];

/** Deterministic pseudo-random expressions, about half of them valid. */
function generated(count: number): string[] {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((seed / 2_147_483_648) * n);
  };
  const pick = (pool: readonly string[]) => {
    // Two tokens in three are the field's first five, which are valid.
    const i = next(3) < 2 ? next(Math.min(5, pool.length)) : next(pool.length);
    return pool[i] ?? '*';
  };
  return Array.from({ length: count }, () => {
    const fields = POOLS.map((pool) => (next(5) === 0 ? `${pick(pool)},${pick(pool)}` : pick(pool)));
    return (next(2) === 0 ? fields.slice(1) : fields).join(' ');
  });
}

describe('parseCron accepts exactly what node-cron validates', () => {
  it.each(TABLE)('%j', (expression) => {
    expect(accepts(expression)).toBe(validate(expression));
  });

  it('never prints, valid or not', () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    try {
      for (const expression of [...TABLE, ...generated(300)]) {
        const f = new Findings([]);
        checkSyncWindows([{ kind: 'deny', schedule: expression, duration: '1h' }], f);
        expect(f.errors.length === 0).toBe(validate(expression));
      }
      expect(spies.flatMap((s) => s.mock.calls)).toEqual([]);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('agrees on 3000 generated expressions', () => {
    const expressions = generated(3000);
    expect(expressions.filter((e) => accepts(e) !== validate(e))).toEqual([]);
    // Both outcomes are well represented, so agreement is not agreement on "invalid".
    expect(expressions.filter(accepts).length).toBeGreaterThan(300);
    expect(expressions.filter((e) => !accepts(e)).length).toBeGreaterThan(300);
  });
});

describe('cronMatches', () => {
  it.each([
    ['0 22 * * *', '2026-11-21T22:00:00Z', true],
    ['0 22 * * *', '2026-11-21T22:00:00.999Z', true],
    ['0 22 * * *', '2026-11-21T22:00:30Z', false], // five fields fire at second 0
    ['0 22 * * *', '2026-11-21T22:01:00Z', false],
    ['30 0 22 * * *', '2026-11-21T22:00:30Z', true],
    ['30 0 22 * * *', '2026-11-21T22:00:00Z', false],
    ['0 9 * * mon-fri', '2026-11-23T09:00:00Z', true], // a Monday
    ['0 9 * * mon-fri', '2026-11-22T09:00:00Z', false], // a Sunday
    ['0 0 L * *', '2026-02-28T00:00:00Z', true],
    ['0 0 L * *', '2028-02-28T00:00:00Z', false], // a leap year
    ['0 0 L-1 * *', '2026-11-29T00:00:00Z', true],
    ['0 0 15W * *', '2026-11-16T00:00:00Z', true], // the 15th is a Sunday
    ['0 0 1W * *', '2026-08-03T00:00:00Z', true], // the 1st is a Saturday: the Monday after, not July 31st
    ['0 0 LW * *', '2026-05-29T00:00:00Z', true], // May 31st is a Sunday
    ['0 0 * * mon#2', '2026-11-09T00:00:00Z', true],
    ['0 0 * * mon#2', '2026-11-16T00:00:00Z', false],
    ['0 0 * * 5L', '2026-11-27T00:00:00Z', true],
    ['0 0 * * 5L', '2026-11-20T00:00:00Z', false],
    ['0 0 1-7 * 1', '2026-11-02T00:00:00Z', true], // node-cron: both day fields must match, the first Monday
    ['0 0 1-7 * 1', '2026-11-09T00:00:00Z', false],
    ['0 0 1-7 * 1', '2026-11-03T00:00:00Z', false],
  ])('%j at %s: %s', (expression, iso, expected) => {
    expect(cronMatches(parseCron(expression), at(iso))).toBe(expected);
  });

  it.each([
    // Berlin springs forward at 01:00Z on 2026-03-29 (02:00 CET -> 03:00 CEST): 02:30 never happens.
    ['0 30 2 * * *', 'Europe/Berlin', '2026-03-29T00:30:00Z', false],
    ['0 30 2 * * *', 'Europe/Berlin', '2026-03-29T01:30:00Z', false],
    ['0 30 3 * * *', 'Europe/Berlin', '2026-03-29T01:30:00Z', true],
    // It falls back at 01:00Z on 2026-10-25 (03:00 CEST -> 02:00 CET): 02:30 happens twice.
    ['0 30 2 * * *', 'Europe/Berlin', '2026-10-25T00:30:00Z', true],
    ['0 30 2 * * *', 'Europe/Berlin', '2026-10-25T01:30:00Z', true],
    ['0 0 9 * * mon', 'America/New_York', '2026-11-23T14:00:00Z', true], // EST
    ['0 0 9 * * mon', 'America/New_York', '2026-07-06T13:00:00Z', true], // EDT
    ['0 0 0 1 * *', 'America/New_York', '2026-12-01T05:00:00Z', true], // still November in UTC
  ])('%j in %s at %s: %s', (expression, zone, iso, expected) => {
    expect(cronMatches(parseCron(expression), at(iso), zone)).toBe(expected);
  });

  it('agrees with node-cron every 5 minutes of the week around a DST change, in three zones', () => {
    const silent = { info() {}, warn() {}, error() {}, debug() {} };
    const expressions = [
      '0 22 * * *',
      '*/20 1-3 * * *',
      '30 2 * * 0',
      '0 0 L * *',
      '0 9 * * sat#4',
      '15 * 25-31 10 *',
    ];
    const disagreements: string[] = [];
    let matches = 0;
    for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York']) {
      for (const expression of expressions) {
        const task = createTask(expression, () => undefined, { timezone: zone, logger: silent });
        const fields = parseCron(expression);
        const clock = new ZoneClock(zone);
        for (let t = Date.UTC(2026, 9, 23); t < Date.UTC(2026, 10, 2); t += 5 * 60_000) {
          const date = new Date(t);
          const ours = cronMatches(fields, date, clock);
          if (ours) matches++;
          if (ours !== task.match(date)) {
            disagreements.push(`${expression} ${zone} ${date.toISOString()}`);
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(matches).toBeGreaterThan(100);
  });
});
