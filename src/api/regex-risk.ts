/**
 * A guard for regular expressions that tenants write and the agent runs (Alert filters, image tag filters and
 * exclusion lists): JavaScript's engine backtracks where Flux has Go's linear-time RE2.
 */

/**
 * Alert expressions are written by tenants and run in the agent on every event message, with JavaScript's
 * backtracking engine where Flux has Go's linear-time RE2. Refused: what RE2 refuses too (backreferences), and
 * a group repeated without bound that itself repeats, such as `(a+)+` or `(\w+\s?)*`, which can take
 * exponential time on some messages. A bounded repeat such as `(\d+\.){3}` stays allowed.
 */
export function regexRisk(source: string): string | undefined {
  const repeats: boolean[] = [false]; // per open group: does something inside it repeat?
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '(') {
      repeats.push(false);
      i += 1;
      continue;
    }
    // One atom: an escape, a character class, the end of a group, or a plain character; then its quantifier.
    let innerRepeats = false;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<'))
        return 'must not use backreferences (Go regexp, which Flux uses, has none)';
      i += 2;
    } else if (c === '[') {
      i = classEnd(source, i);
    } else if (c === ')') {
      innerRepeats = repeats.pop() ?? false;
      i += 1;
    } else {
      i += 1;
    }
    const q = quantifier(source, i);
    if (q && innerRepeats && q.unbounded)
      return 'must not repeat without bound a group that itself repeats (such as (a+)+): it can take exponential time';
    if (q) i += q.length;
    if (q?.repeats || innerRepeats) repeats[repeats.length - 1] = true;
  }
  return undefined;
}

/** Index after the character class opening at `start`. */
function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i += 1;
  if (source[i] === ']') i += 1;
  while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The quantifier at `i`, if any: how long it is, whether it repeats, whether without bound. */
function quantifier(
  source: string,
  i: number,
): { length: number; repeats: boolean; unbounded: boolean } | undefined {
  const c = source[i];
  let length = 0;
  let repeats = false;
  let unbounded = false;
  if (c === '*' || c === '+') {
    length = 1;
    repeats = true;
    unbounded = true;
  } else if (c === '?') {
    length = 1;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!m) return undefined;
    length = m[0].length;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
    repeats = max > 1;
    unbounded = max === Number.POSITIVE_INFINITY;
  } else {
    return undefined;
  }
  if (source[i + length] === '?') length += 1; // lazy
  return { length, repeats, unbounded };
}
