/**
 * Keeps Secret values out of error messages. The API server echoes offending values in validation and
 * decoding messages (`Invalid value: "..."`, `expected string, got &value.valueUnstructured{Value:...}`), and
 * those messages end up in conditions, events, logs and chat notifications.
 */

const MASK = '***';

/** True for a core/v1 Secret. */
export function isSecret(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  return obj.kind === 'Secret' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined);
}

// Values the server renders after these markers are quoted Go strings or %v dumps of the value.
const ECHOED_VALUE: readonly RegExp[] = [
  /(Invalid value: )"(?:[^"\\]|\\.)*"/g,
  /(Invalid value: )(?!")[^:,\n]+/g,
  /(Value:)"(?:[^"\\]|\\.)*"/g,
  /(Value:)(?!")[^}\s,]+/g,
  /(got )"(?:[^"\\]|\\.)*"/g,
];

/**
 * A function that masks everything in a message that could be one of the Secret's values: the `data` values
 * (base64 and decoded), the `stringData` values (plain and encoded), and any value the server echoes after
 * `Invalid value:`. Returns the identity for objects that are not Secrets.
 */
export function secretRedactor(obj: Record<string, unknown>): (message: string) => string {
  if (!isSecret(obj)) return (m) => m;
  const values = new Set<string>();
  for (const [field, encoded] of [
    ['data', true],
    ['stringData', false],
  ] as const) {
    const map = obj[field];
    if (typeof map !== 'object' || map === null) continue;
    for (const v of Object.values(map)) {
      if (typeof v !== 'string' || v === '') continue;
      values.add(v);
      const other = encoded ? Buffer.from(v, 'base64').toString('utf8') : Buffer.from(v).toString('base64');
      if (other !== '') values.add(other);
      // Multi-line values (certificates, keys) may be echoed one line at a time.
      for (const line of (encoded ? other : v).split('\n'))
        if (line.trim().length >= 4) values.add(line.trim());
    }
  }
  // Longest first, so a value that contains another is masked whole.
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return (message) => {
    let out = message;
    for (const re of ECHOED_VALUE) out = out.replace(re, `$1${MASK}`);
    for (const v of sorted) {
      // Very short values would mask half the message as substrings; mask them only as whole tokens.
      out =
        v.length >= 4
          ? out.split(v).join(MASK)
          : out.replace(new RegExp(`(?<![\\w])${escapeRegExp(v)}(?![\\w])`, 'g'), MASK);
    }
    return out;
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
