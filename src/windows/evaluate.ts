/**
 * Sync windows with Argo CD's rules: no matching window, always allowed; an active matching deny window
 * holds syncs; matching allow windows hold syncs whenever none of them is active; deny wins over allow.
 * Pure: the instant comes in, and the same windows, target and instant always give the same answer.
 */
import { parseDuration } from '../api/duration.js';
import type { FieldError } from '../api/errors.js';
import { parseCron } from './cron-parse.js';
import { globsToRegExp } from './glob.js';
import { allowedFlips, type Intervals, intervalAt, isActive, WindowSchedule } from './timeline.js';
import { syncWindowErrors } from './validate.js';
import { ZoneClock } from './zone.js';

const DAY = 86_400_000;
/** How far ahead nextChange and the "until" of a reason look. */
export const LOOKAHEAD_MS = 7 * DAY;

/** One window as the agent config holds it (see ConfigSchema.syncWindows). */
export interface SyncWindow {
  readonly kind: 'allow' | 'deny';
  /** node-cron syntax, read on the wall clock of timeZone. */
  readonly schedule: string;
  /** Go duration; how long the window stays active after each firing. */
  readonly duration: string;
  /** IANA zone; UTC when absent. */
  readonly timeZone?: string;
  /** Namespace globs; a window with neither namespaces nor syncs applies to every Sync. */
  readonly namespaces?: readonly string[];
  /** `namespace/name` globs. */
  readonly syncs?: readonly string[];
  /**
   * While this window holds syncs, drift is still corrected. A deny window holds syncs while active; allow
   * windows hold them while none is active. Every holding window must say so (Argo CD's manualSync rule).
   */
  readonly driftCorrection?: boolean;
}

/** What the windows say about one Sync at one instant. */
export interface WindowState {
  /** Whether an automated sync (new revision or spec change) may run now. */
  allowed: boolean;
  /** Whether drift of the applied revision may be corrected now. */
  driftCorrection: boolean;
  /** The active windows that apply to the Sync, e.g. `deny window "0 22 * * *" (2h)`. */
  activeWindows: string[];
  /** Why syncs are held; set only when not allowed. */
  reason?: string;
  /** When `allowed` next flips, if within {@link LOOKAHEAD_MS}. */
  nextChange?: Date;
}

/** Thrown by {@link SyncWindowSet} for windows that would fail config validation. */
export class InvalidSyncWindowsError extends Error {
  override readonly name = 'InvalidSyncWindowsError';
  readonly code = 'InvalidSyncWindows';
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  }
}

interface Compiled {
  readonly window: SyncWindow;
  readonly label: string;
  readonly schedule: WindowSchedule;
  readonly applies: (namespace: string, key: string) => boolean;
}

interface Cover {
  readonly from: number;
  readonly to: number;
  readonly intervals: readonly Intervals[];
  /** Instants in `(from, to)` where `allowed` flips, per set of applying windows (`"0,2"`). */
  readonly flips: Map<string, number[]>;
}

/** RFC 3339 in UTC, without milliseconds when there are none. */
function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function compile(window: SyncWindow): Compiled {
  const zone = window.timeZone ?? 'UTC';
  const where = zone === 'UTC' ? '' : `, ${zone}`;
  const ns = window.namespaces?.length ? globsToRegExp(window.namespaces) : undefined;
  const syncs = window.syncs?.length ? globsToRegExp(window.syncs) : undefined;
  return {
    window,
    label: `${window.kind} window ${JSON.stringify(window.schedule)} (${window.duration}${where})`,
    schedule: new WindowSchedule(
      parseCron(window.schedule),
      parseDuration(window.duration),
      new ZoneClock(zone),
    ),
    applies: (namespace, key) => (!ns && !syncs) || ns?.test(namespace) === true || syncs?.test(key) === true,
  };
}

/**
 * A config's windows, parsed once, with their active intervals cached for a day of `now` values: build one
 * at start and share it. Results never depend on the cache; it only makes 1000 evaluations cheap.
 */
export class SyncWindowSet {
  private readonly compiled: readonly Compiled[];
  private cover: Cover | undefined;

  /** Throws {@link InvalidSyncWindowsError} for windows config validation would reject. */
  constructor(readonly windows: readonly SyncWindow[]) {
    const errors = windows.flatMap((w, i) => syncWindowErrors(w, `syncWindows[${i}]`));
    if (errors.length > 0) throw new InvalidSyncWindowsError(errors);
    this.compiled = windows.map(compile);
  }

  /** The decision for `target` at `now`; see {@link WindowState}. */
  evaluate(target: { readonly namespace: string; readonly name: string }, now: Date): WindowState {
    const t = now.getTime();
    if (!Number.isFinite(t)) throw new RangeError('evaluate needs a valid Date');
    const key = `${target.namespace}/${target.name}`;
    const members = this.compiled.flatMap((c, i) => (c.applies(target.namespace, key) ? [i] : []));
    if (members.length === 0) return { allowed: true, driftCorrection: true, activeWindows: [] };
    const cover = this.coverFor(t);
    const at = (i: number): Intervals => cover.intervals[i] as Intervals;
    const win = (i: number): Compiled => this.compiled[i] as Compiled;
    const active = members.filter((i) => isActive(at(i), t));
    const activeDeny = active.filter((i) => win(i).window.kind === 'deny');
    const allows = members.filter((i) => win(i).window.kind === 'allow');
    const allowed =
      activeDeny.length === 0 && (allows.length === 0 || allows.some((i) => active.includes(i)));
    const holding = activeDeny.length > 0 ? activeDeny : allows;
    const state: WindowState = {
      allowed,
      driftCorrection: allowed || holding.every((i) => win(i).window.driftCorrection === true),
      activeWindows: active.map((i) => win(i).label),
    };
    const flips = this.flipsFor(cover, members);
    const next = flips[firstAfter(flips, t)];
    if (next !== undefined && next <= t + LOOKAHEAD_MS) state.nextChange = new Date(next);
    if (!allowed) {
      state.reason =
        activeDeny.length > 0
          ? activeDeny.map((i) => `${win(i).label} active ${until(at(i), t)}`).join('; ')
          : outsideAllow(
              allows.map((i) => ({ label: win(i).label, iv: at(i) })),
              t,
            );
    }
    return state;
  }

  /** Intervals exact over `[t, t + LOOKAHEAD_MS]`, recomputed once `t` moves a day past the cached start. */
  private coverFor(t: number): Cover {
    const c = this.cover;
    if (c && t >= c.from && t + LOOKAHEAD_MS < c.to) return c;
    const to = t + LOOKAHEAD_MS + DAY;
    const intervals = this.compiled.map((w) => w.schedule.intervals(t, to));
    this.cover = { from: t, to, intervals, flips: new Map() };
    return this.cover;
  }

  private flipsFor(cover: Cover, members: readonly number[]): number[] {
    const key = members.join(',');
    let flips = cover.flips.get(key);
    if (!flips) {
      const inputs = members.map((i) => ({
        iv: cover.intervals[i] as Intervals,
        deny: this.compiled[i]?.window.kind === 'deny',
      }));
      flips = allowedFlips(inputs, cover.from, cover.to);
      cover.flips.set(key, flips);
    }
    return flips;
  }
}

/** Index of the first entry of the ascending `list` greater than `t`. */
function firstAfter(list: readonly number[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] ?? 0) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function until(iv: Intervals, t: number): string {
  const end = iv.ends[intervalAt(iv, t)] ?? Number.POSITIVE_INFINITY;
  return end <= t + LOOKAHEAD_MS ? `until ${formatInstant(end)}` : 'for more than 7 days';
}

function outsideAllow(allows: readonly { label: string; iv: Intervals }[], t: number): string {
  let best: { label: string; at: number } | undefined;
  for (const { label, iv } of allows) {
    const at = iv.starts[intervalAt(iv, t) + 1];
    if (at !== undefined && at <= t + LOOKAHEAD_MS && (!best || at < best.at)) best = { label, at };
  }
  return best
    ? `no allow window active; ${best.label} opens at ${formatInstant(best.at)}`
    : 'no allow window active, and none opens within 7 days';
}

/**
 * The decision for `target` at `now` under `windows`. Parses the windows on every call: hold a
 * {@link SyncWindowSet} instead wherever many Syncs are evaluated.
 */
export function evaluateWindows(
  windows: readonly SyncWindow[],
  target: { readonly namespace: string; readonly name: string },
  now: Date,
): WindowState {
  return new SyncWindowSet(windows).evaluate(target, now);
}
