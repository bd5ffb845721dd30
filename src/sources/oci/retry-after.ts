/** `Retry-After` (RFC 9110): delay-seconds or an HTTP date. Pure: the current time is passed in. */

/** The wait in milliseconds (0 for a date in the past), or undefined when the header is absent or malformed. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const v = value?.trim() ?? '';
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Only the date forms carry letters; Date.parse would also take "1 2" or "2024" as dates.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
