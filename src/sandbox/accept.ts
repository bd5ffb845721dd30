/**
 * Accept header parsing shared by discovery and Table negotiation (RFC 9110 §12.5.1, as far as
 * apimachinery's `runtime/serializer/negotiation` reads it: media ranges with parameters and q-values).
 */

/** One media range of an Accept header. */
export interface MediaRange {
  /** `type/subtype`, lowercased. */
  type: string;
  /** Parameters other than q; names lowercased, values unquoted. */
  params: Readonly<Record<string, string>>;
  q: number;
}

function parseRange(raw: string): MediaRange | undefined {
  const [head = '', ...rest] = raw.split(';');
  const type = head.trim().toLowerCase();
  if (!type.includes('/')) return undefined;
  const params: Record<string, string> = {};
  let q = 1;
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    const value = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (key === 'q') {
      const n = Number(value);
      q = Number.isFinite(n) ? n : 1;
    } else {
      params[key] = value;
    }
  }
  return { type, params, q };
}

/**
 * The media ranges of an Accept header in the order a server should try them: by q-value, highest first,
 * keeping the client's order among equal q-values. Ranges with q=0 are dropped.
 */
export function parseAccept(header: string | readonly string[] | undefined): MediaRange[] {
  const text = typeof header === 'string' ? header : (header ?? []).join(',');
  const ranges = text
    .split(',')
    .map(parseRange)
    .filter((r): r is MediaRange => r !== undefined && r.q > 0);
  return ranges
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.q - a.r.q || a.i - b.i)
    .map(({ r }) => r);
}

/** True for `application/json`, `application/*` and `*\/*`: ranges a plain JSON body satisfies. */
export function acceptsJson(r: MediaRange): boolean {
  return r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*';
}
