/**
 * CronJob schedules. Upstream: github.com/robfig/cron/v3 parser.go (ParseStandard, getRange, mustParseInt,
 * parseDescriptor), as used by kubernetes pkg/apis/batch/validation validateScheduleFormat.
 */
import { describe, expect, it } from 'vitest';
import { cronScheduleError } from '../../../../src/sandbox/validation/cron.js';

describe('cronScheduleError', () => {
  it.each<[string, string | undefined]>([
    ['*/5 * * * *', undefined],
    ['0 3 * * mon-fri', undefined],
    ['0 0 1 jan,jul *', undefined],
    ['@daily', undefined],
    ['@every 1h30m', undefined],
    ['TZ=Europe/Paris 0 3 * * *', undefined],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['@sometimes', 'unrecognized descriptor: @sometimes'],
    ['@every soon', 'failed to parse duration @every soon: time: invalid duration "soon"'],
  ])('%s', (schedule, want) => {
    expect(cronScheduleError(schedule)).toBe(want);
  });
});
