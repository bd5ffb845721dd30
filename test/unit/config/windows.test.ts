import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Findings } from '../../../src/api/errors.js';
import { ConfigError, parseConfig } from '../../../src/config/index.js';
import { checkSyncWindows, type SyncWindow, SyncWindowSet } from '../../../src/windows/index.js';

const FILE = 'config/steward.yaml';

/**
 * The error lines of loading `text`: parseConfig's, then those of checkSyncWindows, which load.ts runs in
 * checkRules (so after that wiring the second step finds nothing parseConfig did not already report).
 */
function errorLines(text: string): string[] {
  try {
    const config = parseConfig(text, FILE);
    const findings = new Findings([]);
    checkSyncWindows(config.syncWindows, findings);
    return findings.errors.map((e) => `${FILE}: ${e.path}: ${e.message}`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message.split('\n');
  }
}

describe('syncWindows config', () => {
  it('defaults to no windows', () => {
    expect(parseConfig('', FILE).syncWindows).toEqual([]);
  });

  it('fills timeZone and driftCorrection, and keeps the selectors as given', () => {
    const config = parseConfig(
      'syncWindows:\n  - {kind: deny, schedule: "0 22 * * *", duration: 2h, namespaces: [team-*]}\n',
      FILE,
    );
    expect(config.syncWindows).toEqual([
      {
        kind: 'deny',
        schedule: '0 22 * * *',
        duration: '2h',
        timeZone: 'UTC',
        namespaces: ['team-*'],
        driftCorrection: false,
      },
    ]);
    // The config's windows are what src/windows evaluates, without conversion.
    const windows: readonly SyncWindow[] = config.syncWindows;
    expect(
      new SyncWindowSet(windows).evaluate(
        { namespace: 'team-a', name: 'web' },
        new Date('2026-11-21T22:30:00Z'),
      ),
    ).toMatchObject({ allowed: false, driftCorrection: false });
  });

  it('documents a valid example in config/steward.yaml', async () => {
    const text = await readFile(new URL('../../../config/steward.yaml', import.meta.url), 'utf8');
    const lines = text.split('\n');
    const first = lines.indexOf('# syncWindows:');
    const example = [];
    for (const line of lines.slice(first)) {
      if (!line.startsWith('# ')) break;
      example.push(line.slice(2));
    }
    const windows = (parse(example.join('\n')) as { syncWindows: unknown[] }).syncWindows;
    expect(windows.length).toBeGreaterThan(0);
    expect(errorLines(`syncWindows: ${JSON.stringify(windows)}`)).toEqual([]);
  });

  const window = (fields: string) =>
    `syncWindows:\n  - {kind: deny, schedule: "0 22 * * *", duration: 2h, ${fields}}\n`;
  it.each([
    ['syncWindows: {}', 'syncWindows: must be a list (got an object)'],
    [
      'syncWindows: [{kind: block, schedule: "0 22 * * *", duration: 2h}]',
      'syncWindows[0].kind: must be one of "allow", "deny" (got "block")',
    ],
    ['syncWindows: [{kind: deny, duration: 2h}]', 'syncWindows[0].schedule: is required'],
    ['syncWindows: [{kind: deny, schedule: "0 22 * * *"}]', 'syncWindows[0].duration: is required'],
    [
      'syncWindows: [{kind: deny, schedule: "", duration: 2h}]',
      'syncWindows[0].schedule: must be a non-empty string (got "")',
    ],
    [
      'syncWindows: [{kind: deny, schedule: "0 22 * * *", duration: 2 hours}]',
      'syncWindows[0].duration: must be a duration such as "30s", "5m" or "1h30m" (got "2 hours")',
    ],
    [window('timezone: Europe/Berlin'), 'syncWindows[0].timezone: unknown key (did you mean "timeZone"?)'],
    [
      window('manualSync: true'),
      'syncWindows[0].manualSync: unknown key (known keys: driftCorrection, duration, kind, namespaces, schedule, syncs, timeZone)',
    ],
    [window('driftCorrection: "yes"'), 'syncWindows[0].driftCorrection: must be true or false (got "yes")'],
    [window('namespaces: team-a'), 'syncWindows[0].namespaces: must be a list (got "team-a")'],
    [
      window('namespaces: [team-a/web]'),
      'syncWindows[0].namespaces[0]: must be a namespace glob such as "team-*" (got "team-a/web")',
    ],
    [
      window('syncs: [team-a/web, web]'),
      'syncWindows[0].syncs[1]: must be namespace/name, globs allowed, such as "team-*/web" (got "web")',
    ],
  ])('schema: %s', (text, line) => {
    expect(errorLines(text)).toEqual([`${FILE}: ${line}`]);
  });

  it.each([
    [
      'syncWindows: [{kind: allow, schedule: "0 9 * * 1-5", duration: 1h}, {kind: deny, schedule: "61 * * * *", duration: 1h}]',
      ['syncWindows[1].schedule: invalid cron expression "61 * * * *": minute 61 is outside 0-59'],
    ],
    [
      'syncWindows: [{kind: deny, schedule: "0 0 31 2 *", duration: 1h}]',
      ['syncWindows[0].schedule: invalid cron expression "0 0 31 2 *": day 31 never occurs in month 2'],
    ],
    [
      'syncWindows: [{kind: deny, schedule: "@every 1h", duration: 1h}]',
      [
        'syncWindows[0].schedule: invalid cron expression "@every 1h": only digits, letters, spaces and - * / , # ? are allowed',
      ],
    ],
    [
      'syncWindows: [{kind: deny, schedule: "0 22 * * *", duration: 0s}]',
      ['syncWindows[0].duration: must be greater than 0 (got "0s")'],
    ],
    [
      'syncWindows: [{kind: deny, schedule: "0 22 * * *", duration: 1h, timeZone: Mars/Olympus}]',
      [
        'syncWindows[0].timeZone: unknown time zone "Mars/Olympus" (use an IANA name such as "Europe/Berlin")',
      ],
    ],
    [
      'syncWindows: [{kind: deny, schedule: "0 25 * * *", duration: 0ms, timeZone: CEST}]',
      [
        'syncWindows[0].schedule: invalid cron expression "0 25 * * *": hour 25 is outside 0-23',
        'syncWindows[0].duration: must be greater than 0 (got "0ms")',
        'syncWindows[0].timeZone: unknown time zone "CEST" (use an IANA name such as "Europe/Berlin")',
      ],
    ],
  ])('rules: %s', (text, lines) => {
    expect(errorLines(text)).toEqual(lines.map((l) => `${FILE}: ${l}`));
  });

  it.each([
    '0 22 * * *',
    '0 0 9 * * mon-fri',
    '@daily',
    '0 0 L * *',
    '0 0 * * 5L',
    '0 0 * * mon#1',
    '0 0 ? * ?',
  ])('accepts %j', (schedule) => {
    expect(errorLines(`syncWindows: [{kind: deny, schedule: "${schedule}", duration: 1h}]`)).toEqual([]);
  });
});
