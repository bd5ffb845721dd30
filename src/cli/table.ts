/**
 * kubectl's plain-text output: the column layout of its table printer and the ages it shows. Pure: the
 * current time is passed in.
 */

// cli-runtime printers.GetNewTabWriter: tabwriter minwidth 6, padding 3, padded with spaces.
const MIN_WIDTH = 6;
const PADDING = 3;

/** The width of each column but the last (which is never padded), from the header and every row. */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? MIN_WIDTH, cell.length + PADDING);
    });
  }
  return widths;
}

/** One line of a table laid out with `widths`; a cell longer than its column pushes the rest right. */
export function formatRow(cells: readonly string[], widths: readonly number[]): string {
  const last = cells.length - 1;
  const text = cells.map((cell, i) => (i === last ? cell : cell.padEnd(widths[i] ?? 0))).join('');
  return `${text.trimEnd()}\n`;
}

/** A header and rows laid out as kubectl lays out `get` output. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = columnWidths(all);
  return all.map((r) => formatRow(r, widths)).join('');
}

/**
 * A duration as kubectl shows ages (apimachinery util/duration.HumanDuration): exact seconds under two
 * minutes, then coarser units, with a second unit only while it still says something (3m2s, 4h, 2d5h).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // Up to two seconds in the future is clock skew between us and the API server: "now".
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return withRest(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return withRest(years, 'y', days % 365, 'd');
  return `${years}y`;
}

function withRest(n: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${n}${unit}` : `${n}${unit}${rest}${restUnit}`;
}

/** The age of an RFC 3339 timestamp at `now`, or `<unknown>` when there is none, as kubectl prints it. */
export function ageOf(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** A message on one line, so that one object stays one row (conditions may hold multi-line errors). */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
