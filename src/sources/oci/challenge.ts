/**
 * `WWW-Authenticate` parsing (RFC 7235): a header may hold several challenges, each a scheme followed by
 * comma-separated `name=value` parameters (values as tokens or quoted strings) or by one token68. Pure.
 */

/** One challenge; the scheme and parameter names are lower case, values as sent. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const TOKEN68 = /[A-Za-z0-9._~+/-]+=*[ \t]*(?=,|$)/y;

/** Every challenge of the header, in order; unparseable tails are dropped rather than guessed at. */
export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  const s = header ?? '';
  const challenges: AuthChallenge[] = [];
  let current: AuthChallenge | undefined;
  let i = 0;
  const skip = (chars: string) => {
    while (i < s.length && chars.includes(s[i] ?? '')) i++;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return undefined;
    i = re.lastIndex;
    return m[0];
  };
  while (i < s.length) {
    skip(' \t,');
    if (i >= s.length) break;
    const token = match(TOKEN);
    if (token === undefined) break;
    skip(' \t');
    if (s[i] === '=' && current !== undefined) {
      i++;
      skip(' \t');
      const value = s[i] === '"' ? quoted() : (match(TOKEN) ?? '');
      current.params[token.toLowerCase()] = value;
      continue;
    }
    current = { scheme: token.toLowerCase(), params: {} };
    challenges.push(current);
    match(TOKEN68);
  }
  return challenges;

  function quoted(): string {
    let out = '';
    i++; // the opening quote
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      out += s[i];
      i++;
    }
    i++; // the closing quote
    return out;
  }
}

/** The challenge to answer: Bearer with a realm when offered (token auth), else Basic, else none. */
export function pickChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return (
    challenges.find((c) => c.scheme === 'bearer' && (c.params.realm ?? '') !== '') ??
    challenges.find((c) => c.scheme === 'basic')
  );
}
