/**
 * Durations as Kubernetes and Flux write them (`metav1.Duration`, Go `time.ParseDuration` syntax), so a spec
 * that works with Flux works here.
 */

/**
 * The pattern Flux puts on `interval`, `timeout` and `retryInterval` in its CRDs. It is narrower than Go's
 * syntax on purpose (no sign, no ns/us): a negative or sub-millisecond interval is always a typo.
 */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

/** Milliseconds per unit; both spellings of micro (U+00B5 and U+03BC) because Go accepts both. */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's limit: a time.Duration is an int64 count of nanoseconds. */
const MAX_MS = 9_223_372_036_854.775;

/**
 * The longest `interval`, `retryInterval` or `timeout` a Sync or GitRepository may set. Flux allows any Go
 * duration, but the agent waits with Node.js timers, which fire after 1 ms instead when asked to wait more
 * than 2^31-1 ms (about 24.8 days): an interval of 1000h would reconcile about 150 times a second (Flux
 * CVE-2022-39272 was the same class). A week is well inside the timer range and longer than anyone needs
 * between two drift corrections; `suspend` is the way to stop reconciling.
 */
export const MAX_SPEC_DURATION = '168h';
/** {@link MAX_SPEC_DURATION} in milliseconds. */
export const MAX_SPEC_DURATION_MS = 7 * 24 * 3_600_000;

/** Thrown by {@link parseDuration}; `value` is the input exactly as given. */
export class InvalidDurationError extends Error {
  override readonly name = 'InvalidDurationError';
  readonly code = 'InvalidDuration';
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`invalid duration ${JSON.stringify(value)}: ${reason}`);
  }
}

/**
 * Parses a Go duration (`1m30s`, `500ms`, `1.5h`, `-2s`, `0`) into milliseconds, which may be fractional
 * for ns/us inputs. Throws {@link InvalidDurationError} naming the input on anything Go would reject.
 */
export function parseDuration(s: string): number {
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  // Go special-cases a bare zero: it is the only number allowed without a unit.
  if (rest === '0') return 0;
  if (rest === '') throw new InvalidDurationError(s, 'empty duration');
  let total = 0;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2] ?? '';
    if (whole === '' && fraction === '') {
      throw new InvalidDurationError(s, `expected a number at ${JSON.stringify(rest)}`);
    }
    rest = rest.slice(number?.[0].length ?? 0);
    const unit = /^[^\d.]+/.exec(rest)?.[0] ?? '';
    if (unit === '') throw new InvalidDurationError(s, 'missing unit (use ns, us, ms, s, m or h)');
    const perUnit = UNIT_MS[unit];
    if (perUnit === undefined) {
      throw new InvalidDurationError(s, `unknown unit ${JSON.stringify(unit)} (use ns, us, ms, s, m or h)`);
    }
    rest = rest.slice(unit.length);
    total += Number(`${whole || '0'}.${fraction || '0'}`) * perUnit;
    if (total > MAX_MS) throw new InvalidDurationError(s, 'out of range (more than about 292 years)');
  }
  // Summing floats can leave noise like 90000.00000000001; nanoseconds are the finest unit Go has.
  const ms = Math.round(total * 1e6) / 1e6;
  return ms === 0 ? 0 : sign * ms;
}
