/**
 * The checks a sync window needs beyond its schema: a cron expression node-cron accepts, a positive
 * duration, a time zone the runtime knows. Shared by config loading (through {@link checkSyncWindows}) and
 * {@link SyncWindowSet}, so a window is judged the same way wherever it comes from.
 */
import { validate as nodeCronValidate } from 'node-cron';
import { parseDuration } from '../api/duration.js';
import { type FieldError, type Findings, joinPath, showValue } from '../api/errors.js';
import { CronSyntaxError, parseCron } from './cron-parse.js';
import { isTimeZone } from './zone.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why `schedule` is not a valid cron expression, or undefined when it is. */
function cronProblem(schedule: string): string | undefined {
  try {
    // Ours first: it rejects absurd ranges before node-cron would expand them into huge lists.
    parseCron(schedule);
  } catch (err) {
    if (err instanceof CronSyntaxError) return err.message;
    throw err;
  }
  // node-cron's validate is the authority on syntax; it only reads the string and never logs.
  return nodeCronValidate(schedule) ? undefined : `invalid cron expression ${JSON.stringify(schedule)}`;
}

function durationProblem(duration: string): string | undefined {
  try {
    if (parseDuration(duration) > 0) return undefined;
    return `must be greater than 0 (got ${showValue(duration)})`;
  } catch {
    return `must be a duration such as "30s", "5m" or "1h30m" (got ${showValue(duration)})`;
  }
}

/** Every problem of one window (given as parsed YAML or typed), with paths under `base`. */
export function syncWindowErrors(window: unknown, base: string): FieldError[] {
  if (!isObj(window)) return [];
  const out: FieldError[] = [];
  const { schedule, duration, timeZone, syncs } = window;
  if (typeof schedule === 'string') {
    const problem = cronProblem(schedule);
    if (problem) out.push({ path: joinPath(base, 'schedule'), message: problem });
  }
  if (typeof duration === 'string') {
    const problem = durationProblem(duration);
    if (problem) out.push({ path: joinPath(base, 'duration'), message: problem });
  }
  if (typeof timeZone === 'string' && !isTimeZone(timeZone)) {
    out.push({
      path: joinPath(base, 'timeZone'),
      message: `unknown time zone ${showValue(timeZone)} (use an IANA name such as "Europe/Berlin")`,
    });
  }
  if (Array.isArray(syncs)) {
    syncs.forEach((glob: unknown, i) => {
      if (typeof glob === 'string' && !/^[^/]+\/[^/]+$/.test(glob)) {
        out.push({
          path: joinPath(joinPath(base, 'syncs'), i),
          message: `must be namespace/name, globs allowed, such as "team-*/web" (got ${showValue(glob)})`,
        });
      }
    });
  }
  return out;
}

/**
 * Adds the problems of the config's `syncWindows` list to `f`; for load.ts's checkRules, after the schema
 * has checked types (Findings drops anything on a path the schema already rejected).
 */
export function checkSyncWindows(list: unknown, f: Findings): void {
  if (!Array.isArray(list)) return;
  list.forEach((window: unknown, i) => {
    for (const e of syncWindowErrors(window, `syncWindows[${i}]`)) f.add(e.path, e.message);
  });
}
