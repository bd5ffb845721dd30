/**
 * Sync windows (Argo CD's feature, for platform teams and their tenants): allow and deny windows, each a cron
 * schedule plus a duration in a time zone, that hold automated syncs of the Syncs they select.
 */

export { cronMatches } from './cron.js';
export type { CronFields, DayToken, WeekdayToken } from './cron-parse.js';
export { CronSyntaxError, parseCron } from './cron-parse.js';
export type { SyncWindow, WindowState } from './evaluate.js';
export { evaluateWindows, InvalidSyncWindowsError, LOOKAHEAD_MS, SyncWindowSet } from './evaluate.js';
export { checkSyncWindows } from './validate.js';
export { ZoneClock } from './zone.js';
