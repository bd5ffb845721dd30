/**
 * When one window is active: the union of `[start, start + duration)` over the schedule's firing instants,
 * as sorted disjoint intervals. Computing whole intervals once (instead of testing minute by minute) keeps
 * an evaluation to a few binary searches, however many Syncs ask.
 */

import { dateMatches, secondsOfDay } from './cron.js';
import type { CronFields } from './cron-parse.js';
import type { ZoneClock } from './zone.js';

const DAY = 86_400_000;

/** Sorted, disjoint, non-touching `[starts[i], ends[i])` intervals, exact for instants in `[from, to)`. */
export interface Intervals {
  readonly from: number;
  readonly to: number;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** Index of the last interval starting at or before `t`, or -1. */
export function intervalAt(iv: Intervals, t: number): number {
  let lo = 0;
  let hi = iv.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((iv.starts[mid] ?? 0) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Whether `t` lies inside one of the intervals. */
export function isActive(iv: Intervals, t: number): boolean {
  const i = intervalAt(iv, t);
  return i >= 0 && t < (iv.ends[i] ?? 0);
}

/** First index `i` in the ascending `list` with `list[i] * 1000 >= ms`. */
function lowerBound(list: Int32Array, ms: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] ?? 0) * 1000 < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A window's schedule, duration and zone, with what can be worked out once ahead of any instant. */
export class WindowSchedule {
  private readonly firings: Int32Array;
  /** Indexes into `firings` where a run starts: firings closer than the duration merge into one run. */
  private readonly runStarts: number[];

  constructor(
    private readonly fields: CronFields,
    readonly durationMs: number,
    private readonly zone: ZoneClock,
  ) {
    this.firings = secondsOfDay(fields);
    this.runStarts = [];
    this.firings.forEach((s, i) => {
      if (i === 0 || s * 1000 > (this.firings[i - 1] ?? 0) * 1000 + durationMs) this.runStarts.push(i);
    });
  }

  /** The active intervals, exact for every instant in `[from, to)`; boundaries at or after `to` are not. */
  intervals(from: number, to: number): Intervals {
    const starts: number[] = [];
    const ends: number[] = [];
    const add = (start: number, end: number) => {
      const last = ends.length - 1;
      // Firings come in order, so a run either extends the last interval or begins a new one.
      if (last >= 0 && start <= (ends[last] ?? 0)) ends[last] = Math.max(ends[last] ?? 0, end);
      else {
        starts.push(start);
        ends.push(end);
      }
    };
    for (const span of this.zone.offsetSpans(from - this.durationMs, to)) {
      // Within a span the wall clock is UTC shifted by a constant, so wall days map to instants directly.
      const wallFrom = span.start + span.offset;
      const wallTo = span.end + span.offset;
      for (let day = Math.floor(wallFrom / DAY) * DAY; day < wallTo; day += DAY) {
        const d = new Date(day);
        const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
        if (!dateMatches(this.fields, date)) continue;
        const first = lowerBound(this.firings, Math.max(wallFrom, day) - day);
        const stop = lowerBound(this.firings, Math.min(wallTo, day + DAY) - day);
        this.emitRuns(first, stop, day - span.offset, add);
      }
    }
    return { from, to, starts, ends };
  }

  /** Emits the runs of firings `[first, stop)` of one day; `base` is that day's wall midnight as an instant. */
  private emitRuns(first: number, stop: number, base: number, add: (s: number, e: number) => void): void {
    if (first >= stop) return;
    let lo = 0;
    let hi = this.runStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.runStarts[mid] ?? 0) <= first) lo = mid + 1;
      else hi = mid;
    }
    for (let r = lo - 1; r < this.runStarts.length; r++) {
      const runFirst = Math.max(this.runStarts[r] ?? 0, first);
      const runStop = Math.min(this.runStarts[r + 1] ?? this.firings.length, stop);
      if (runFirst >= stop) break;
      const a = (this.firings[runFirst] ?? 0) * 1000;
      const b = (this.firings[runStop - 1] ?? 0) * 1000;
      add(base + a, base + b + this.durationMs);
    }
  }
}

/** One window's intervals and kind, as {@link allowedFlips} sweeps them. */
export interface SweepInput {
  readonly iv: Intervals;
  readonly deny: boolean;
}

/** The `p`-th edge of `iv` in time order: starts at even positions, ends at odd ones. */
function edge(iv: Intervals, p: number): number {
  const v = (p & 1) === 0 ? iv.starts[p >> 1] : iv.ends[p >> 1];
  return v ?? Number.POSITIVE_INFINITY;
}

/**
 * The instants in `(from, to)` where Argo CD's rule (no active deny, and an active allow if any allow
 * applies) changes its answer for this set of windows. A merge of the windows' edges, linear in their
 * number, so even a schedule firing every few seconds costs milliseconds.
 */
export function allowedFlips(windows: readonly SweepInput[], from: number, to: number): number[] {
  const hasAllow = windows.some((w) => !w.deny);
  const next: number[] = [];
  let denies = 0;
  let allows = 0;
  for (const { iv, deny } of windows) {
    const i = intervalAt(iv, from);
    // Position of the first edge after `from`: this interval's end if `from` is inside it, else the next start.
    const inside = i >= 0 && from < (iv.ends[i] ?? 0);
    next.push(inside ? 2 * i + 1 : 2 * (i + 1));
    if (inside && deny) denies++;
    else if (inside) allows++;
  }
  let state = denies === 0 && (!hasAllow || allows > 0);
  const flips: number[] = [];
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let k = 0; k < windows.length; k++) {
      const e = edge((windows[k] as SweepInput).iv, next[k] ?? 0);
      if (e < t) t = e;
    }
    if (!(t < to)) return flips;
    for (let k = 0; k < windows.length; k++) {
      const w = windows[k] as SweepInput;
      const p = next[k] ?? 0;
      if (edge(w.iv, p) !== t) continue;
      const delta = (p & 1) === 0 ? 1 : -1;
      if (w.deny) denies += delta;
      else allows += delta;
      next[k] = p + 1;
    }
    const allowed = denies === 0 && (!hasAllow || allows > 0);
    if (allowed !== state) flips.push(t);
    state = allowed;
  }
}
