/**
 * A value loaded at most once per `ttlMs`, shared by concurrent callers: a status page open in ten browsers
 * lists Providers once every few seconds, not ten times per refresh.
 */
export function cachedLoader<T>(
  load: () => Promise<T>,
  ttlMs: number,
  nowMs: () => number,
): () => Promise<T> {
  let entry: { at: number; value: Promise<T> } | undefined;
  return () => {
    const at = nowMs();
    if (entry && at - entry.at < ttlMs) return entry.value;
    const value = load();
    const mine = { at, value };
    entry = mine;
    // A failure is not kept: the next caller tries again.
    value.catch(() => {
      if (entry === mine) entry = undefined;
    });
    return value;
  };
}
