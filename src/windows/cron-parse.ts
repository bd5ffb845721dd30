/**
 * A cron parser that accepts exactly what node-cron 4 validates, so a schedule that passes config validation
 * means the same thing when it is evaluated here. It follows node-cron's own pipeline step by step (nicknames,
 * optional seconds, `?`, month and weekday names, `*`, ranges with steps, then the per-field checks) rather
 * than a stricter grammar, because "accepts the same set" is the contract; test/unit/windows checks it against
 * node-cron's `validate` on a table of expressions.
 *
 * Unlike node-cron it never expands a range before checking it, so `0-4000000000 * * * *` fails fast instead
 * of building a four-billion-entry list.
 */

/** A day-of-month token beyond a plain number: `L` (offset 0), `L-3` (offset 3), `15W`, `LW`. */
export type DayToken =
  | { readonly kind: 'last'; readonly offset: number }
  | { readonly kind: 'weekday'; readonly day: number | 'last' };

/** A day-of-week token beyond a plain number: `1#2` (second Monday), `5L` (last Friday). */
export type WeekdayToken =
  | { readonly kind: 'nth'; readonly weekday: number; readonly nth: number }
  | { readonly kind: 'last'; readonly weekday: number };

/** A parsed schedule; numeric lists are sorted and deduplicated. Weekdays are 0-6 with Sunday 0. */
export interface CronFields {
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** Plain days of the month, 1-31. */
  readonly days: readonly number[];
  readonly dayTokens: readonly DayToken[];
  /** 1-12. */
  readonly months: readonly number[];
  readonly weekdays: readonly number[];
  readonly weekdayTokens: readonly WeekdayToken[];
}

/** Thrown by {@link parseCron}; the message says which field is wrong. */
export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';
  readonly code = 'InvalidCron';
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`invalid cron expression ${JSON.stringify(expression)}: ${reason}`);
  }
}

const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const ALLOWED_CHARS = /^[a-zA-Z0-9-*/,#? ]+$/;
const MONTHS = 'january february march april may june july august september october november december';
const WEEKDAYS = 'sunday monday tuesday wednesday thursday friday saturday';

interface Field {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** The range `*` stands for; for weekdays node-cron uses 0-6 although 7 is also Sunday. */
  readonly star: string;
}

const FIELDS: readonly Field[] = [
  { label: 'second', min: 0, max: 59, star: '0-59' },
  { label: 'minute', min: 0, max: 59, star: '0-59' },
  { label: 'hour', min: 0, max: 23, star: '0-23' },
  { label: 'day of month', min: 1, max: 31, star: '1-31' },
  { label: 'month', min: 1, max: 12, star: '1-12' },
  { label: 'day of week', min: 0, max: 6, star: '0-6' },
];

/** Longest day of each month (February may have 29), for rejecting `31 2` as node-cron does. */
const MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** node-cron swaps names for numbers anywhere in the field, full names first, ignoring case. */
function replaceNames(text: string, names: string, first: number): string {
  const full = names.split(' ');
  let out = text;
  for (const list of [full, full.map((n) => n.slice(0, 3))]) {
    list.forEach((name, i) => {
      out = out.replace(new RegExp(name, 'gi'), String(i + first));
    });
  }
  return out;
}

/**
 * Expands one range token (`a-b` or `a-b/step`, wrapping when a > b) the way node-cron does, stopping at the
 * first value outside the field, which node-cron would reject after expanding. Undefined when not a range.
 */
function expandRange(token: string, field: Field, fail: (why: string) => never): number[] | undefined {
  const m = /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(token);
  if (!m) return undefined;
  const first = Number.parseInt(m[1] ?? '', 10);
  const last = Number.parseInt(m[2] ?? '', 10);
  const step = Number.parseInt(m[3] ?? '1', 10);
  if (!(step >= 1)) fail(`${field.label} step must be at least 1 in ${JSON.stringify(token)}`);
  const limit = field.label === 'day of week' ? 7 : field.max;
  const out: number[] = [];
  const keep = (v: number) => {
    if (v < field.min || v > limit) fail(`${field.label} ${token} goes outside ${field.min}-${limit}`);
    out.push(v);
  };
  if (first <= last) {
    for (let v = first; v <= last; v += step) keep(v);
    return out;
  }
  const size = field.max - field.min + 1;
  const span = (((last - first) % size) + size) % size;
  for (let offset = 0; offset <= span; offset += step) {
    const v = first + offset;
    keep(v > field.max ? v - size : v);
  }
  return out;
}

interface Collected {
  numbers: number[];
  tokens: string[];
}

/** Splits a field into numbers and the special tokens node-cron leaves as strings, checking every part. */
function collect(text: string, field: Field, fail: (why: string) => never): Collected {
  const numbers: number[] = [];
  const tokens: string[] = [];
  for (const raw of text.split(',')) {
    const token = raw.includes('*') ? raw.replace('*', field.star) : raw;
    const range = expandRange(token.trim(), field, fail);
    if (range) {
      numbers.push(...range);
      continue;
    }
    const t = token.trim();
    if (/^\d+$/.test(t)) {
      const v = Number.parseInt(t, 10);
      const limit = field.label === 'day of week' ? 7 : field.max;
      if (v < field.min || v > limit) fail(`${field.label} ${t} is outside ${field.min}-${limit}`);
      numbers.push(v);
    } else {
      tokens.push(t.toUpperCase());
    }
  }
  return { numbers, tokens };
}

function sorted(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function dayTokens(tokens: readonly string[], raw: string, fail: (why: string) => never): DayToken[] {
  return tokens.map((t): DayToken => {
    if (t === 'L') return { kind: 'last', offset: 0 };
    const w = /^(\d{1,2}|L)W$/.exec(t);
    if (w) {
      if (w[1] === 'L') return { kind: 'weekday', day: 'last' };
      const day = Number.parseInt(w[1] ?? '', 10);
      if (day >= 1 && day <= 31) return { kind: 'weekday', day };
    }
    const off = /^L-(\d{1,2})$/.exec(t);
    const n = off ? Number.parseInt(off[1] ?? '', 10) : 0;
    if (n >= 1 && n <= 30) return { kind: 'last', offset: n };
    return fail(`${JSON.stringify(raw)} is not a valid day of month`);
  });
}

function weekdayTokens(tokens: readonly string[], raw: string, fail: (why: string) => never): WeekdayToken[] {
  return tokens.map((t): WeekdayToken => {
    const nth = /^([0-7])#([1-5])$/.exec(t);
    if (nth) return { kind: 'nth', weekday: Number(nth[1]) % 7, nth: Number(nth[2]) };
    const last = /^([0-7])L$/.exec(t);
    if (last) return { kind: 'last', weekday: Number(last[1]) % 7 };
    return fail(`${JSON.stringify(raw)} is not a valid day of week`);
  });
}

/**
 * Parses a node-cron expression: 5 fields, or 6 with seconds first; names for months and weekdays; `*`,
 * lists, ranges (wrapping, e.g. `fri-mon`) and steps; `?` for a whole day field; `L`, `L-n`, `nW`, `LW`
 * for days of the month; `n#k` and `nL` for weekdays; `@daily` and the other nicknames.
 * Throws {@link CronSyntaxError} on anything node-cron's `validate` rejects.
 */
export function parseCron(expression: string): CronFields {
  const fail = (why: string): never => {
    throw new CronSyntaxError(expression, why);
  };
  const resolved = NICKNAMES[expression.trim().toLowerCase()] ?? expression;
  if (!ALLOWED_CHARS.test(resolved)) fail('only digits, letters, spaces and - * / , # ? are allowed');
  const parts = resolved
    .replace(/\s{2,}/g, ' ')
    .trim()
    .split(' ');
  if (parts.length !== 5 && parts.length !== 6) fail(`expected 5 or 6 fields, got ${parts.length}`);
  const f = parts.length === 5 ? ['0', ...parts] : parts;
  const raw = (i: number): string => f[i] ?? '';
  const field = (i: number): Field => FIELDS[i] as Field;
  const plain = (i: number, text = raw(i)): number[] => {
    const { numbers, tokens } = collect(text, field(i), fail);
    if (tokens.length > 0) fail(`${JSON.stringify(raw(i))} is not a valid ${field(i).label}`);
    return sorted(numbers);
  };

  const dayText = raw(3) === '?' ? '*' : raw(3);
  // node-cron checks W on the field as written too, so `1-5W` fails even where expansion would not see it.
  if (dayText.split(',').some((t) => /w/i.test(t) && !/^(\d{1,2}|L)W$/i.test(t.trim()))) {
    fail(`${JSON.stringify(raw(3))} is not a valid day of month`);
  }
  const day = collect(dayText, field(3), fail);
  const weekdayText = replaceNames(raw(5) === '?' ? '*' : raw(5), WEEKDAYS, 0);
  const weekday = collect(weekdayText, field(5), fail);
  const months = plain(4, replaceNames(raw(4), MONTHS, 1));

  const fields: CronFields = {
    seconds: plain(0),
    minutes: plain(1),
    hours: plain(2),
    days: sorted(day.numbers),
    dayTokens: dayTokens(day.tokens, raw(3), fail),
    months,
    weekdays: sorted(weekday.numbers.map((d) => d % 7)),
    weekdayTokens: weekdayTokens(weekday.tokens, raw(5), fail),
  };
  if (
    fields.dayTokens.length === 0 &&
    !months.some((m) => fields.days.some((d) => d <= (MAX_DAYS[m - 1] ?? 0)))
  ) {
    fail(`day ${raw(3)} never occurs in month ${raw(4)}`);
  }
  return fields;
}
