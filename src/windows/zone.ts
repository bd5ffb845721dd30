/**
 * Wall clocks of IANA time zones, from the runtime's own tz database (Intl), so no zone data is bundled.
 * Windows open by the wall clock of their zone but last a fixed elapsed time, as in Argo CD (Go's
 * `time.Time.Add`): a 2h window opening at 01:00 on a spring-forward night closes at 04:00 local.
 */

const SECOND = 1000;
const HOUR = 3_600_000;
/** Zones change offset at most a few times a year and never twice within this step. */
const PROBE_STEP = 12 * HOUR;

/** The wall clock at an instant; month 1-12. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** A span of instants `[start, end)` over which the zone's offset from UTC is `offset` ms. */
export interface OffsetSpan {
  readonly start: number;
  readonly end: number;
  readonly offset: number;
}

/** Whether the runtime knows `timeZone`; `Intl.DateTimeFormat` throws a RangeError for unknown zones. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}

/** Reads wall clocks and UTC offsets of one zone; build one per zone and reuse it (formatters are costly). */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat | undefined;

  /** Throws a RangeError for a zone the runtime does not know. */
  constructor(readonly timeZone: string) {
    this.format = isUtc(timeZone)
      ? undefined
      : new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
  }

  /** The wall clock at instant `ms` (milliseconds since the epoch), to the second. */
  wallTime(ms: number): WallTime {
    if (!this.format) return utcWall(ms);
    const v: Record<string, number> = {};
    for (const part of this.format.formatToParts(ms)) {
      if (part.type !== 'literal') v[part.type] = Number(part.value);
    }
    return {
      year: v.year ?? 0,
      month: v.month ?? 0,
      day: v.day ?? 0,
      hour: v.hour ?? 0,
      minute: v.minute ?? 0,
      second: v.second ?? 0,
    };
  }

  /** Milliseconds to add to UTC to get the wall clock at instant `ms` (e.g. +3600000 for CET). */
  offsetAt(ms: number): number {
    if (!this.format) return 0;
    const at = Math.floor(ms / SECOND) * SECOND;
    const w = this.wallTime(at);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - at;
  }

  /** Splits `[from, to)` into spans of constant offset, in order; one span when the zone does not change. */
  offsetSpans(from: number, to: number): OffsetSpan[] {
    const out: OffsetSpan[] = [];
    let start = from;
    let offset = this.offsetAt(from);
    for (let t = from; t < to; ) {
      const next = Math.min(t + PROBE_STEP, to);
      if (!this.format || this.offsetAt(next) === offset) {
        t = next;
        continue;
      }
      // Offsets change on whole seconds: narrow to the first second with the new offset.
      let lo = Math.floor(t / SECOND);
      let hi = Math.floor(next / SECOND);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.offsetAt(mid * SECOND) === offset) lo = mid;
        else hi = mid;
      }
      const change = hi * SECOND;
      out.push({ start, end: change, offset });
      start = change;
      offset = this.offsetAt(change);
      t = change;
    }
    out.push({ start, end: to, offset });
    return out;
  }
}

function isUtc(timeZone: string): boolean {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC';
}

function utcWall(ms: number): WallTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}
