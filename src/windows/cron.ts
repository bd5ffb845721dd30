/**
 * Cron matching with node-cron's semantics. One difference from Vixie cron (and so from Argo CD, whose
 * parser follows it) matters: node-cron requires BOTH the day of month and the day of week to match, so
 * `0 0 1-7 * 1` is "the first Monday of the month", not "days 1-7 and every Monday".
 */
import type { CronFields, DayToken, WeekdayToken } from './cron-parse.js';
import { ZoneClock } from './zone.js';

/** A calendar date as a wall clock shows it; month 1-12, weekday 0-6 with Sunday 0. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** The weekday nearest to `target` within the month (Quartz `W`); -1 when the month is shorter. */
function nearestWeekday(year: number, month: number, target: number): number {
  const last = lastDayOfMonth(year, month);
  if (target < 1 || target > last) return -1;
  const weekday = weekdayOf(year, month, target);
  if (weekday === 6) return target === 1 ? target + 2 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}

function dayTokenMatches(token: DayToken, { year, month, day }: CalendarDate): boolean {
  const last = lastDayOfMonth(year, month);
  if (token.kind === 'last') return last - token.offset === day && day >= 1;
  const target = token.day === 'last' ? last : token.day;
  return nearestWeekday(year, month, target) === day;
}

function weekdayTokenMatches(token: WeekdayToken, date: CalendarDate, weekday: number): boolean {
  if (token.weekday !== weekday) return false;
  if (token.kind === 'nth') return Math.floor((date.day - 1) / 7) + 1 === token.nth;
  return date.day + 7 > lastDayOfMonth(date.year, date.month);
}

/** Whether the date fields (day of month, month, day of week) allow `date`; the time of day aside. */
export function dateMatches(fields: CronFields, date: CalendarDate): boolean {
  if (!fields.months.includes(date.month)) return false;
  if (!fields.days.includes(date.day) && !fields.dayTokens.some((t) => dayTokenMatches(t, date))) {
    return false;
  }
  const weekday = weekdayOf(date.year, date.month, date.day);
  return (
    fields.weekdays.includes(weekday) ||
    fields.weekdayTokens.some((t) => weekdayTokenMatches(t, date, weekday))
  );
}

/**
 * Whether the schedule fires at the second `date` falls in, read on the wall clock of `zone` (an IANA name,
 * default UTC, or a ZoneClock to reuse across calls). During a DST gap the skipped wall times never match;
 * during an overlap they match twice, as node-cron behaves.
 */
export function cronMatches(fields: CronFields, date: Date, zone: string | ZoneClock = 'UTC'): boolean {
  const clock = typeof zone === 'string' ? new ZoneClock(zone) : zone;
  const w = clock.wallTime(date.getTime());
  return (
    fields.seconds.includes(w.second) &&
    fields.minutes.includes(w.minute) &&
    fields.hours.includes(w.hour) &&
    dateMatches(fields, w)
  );
}

/** Every second of the day the schedule fires at, ascending, whatever the date. */
export function secondsOfDay(fields: CronFields): Int32Array {
  const out = new Int32Array(fields.hours.length * fields.minutes.length * fields.seconds.length);
  let i = 0;
  for (const h of fields.hours) {
    for (const m of fields.minutes) {
      for (const s of fields.seconds) out[i++] = h * 3600 + m * 60 + s;
    }
  }
  return out;
}
