/** The value a reconcile request writes. Pure: the time comes in. */

/**
 * The annotation value for a request made at `nowMs`, given the last one this process wrote at `lastMs`: an
 * RFC 3339 time in UTC with milliseconds, as `flux reconcile` writes one. Two writes in the same millisecond
 * would write the same value, which the controller could not tell from no write at all, so the value is
 * moved past the last one.
 */
export function requestStamp(nowMs: number, lastMs: number): { value: string; ms: number } {
  const ms = Math.max(Math.floor(nowMs), Math.floor(lastMs) + 1);
  return { value: new Date(ms).toISOString(), ms };
}
