/**
 * Go regular expressions (RE2 syntax, which Flux users write in `exclusionList`) run by JavaScript's RegExp.
 * What RE2 writes differently is translated: a leading `(?i)`/`(?s)`/`(?m)` becomes a flag, `(?P<name>` a named
 * group, `\z` and `\A` the ends of the text, `\Q...\E` escaped literals, `[[:alpha:]]` POSIX classes ranges,
 * `\x{...}` and `\p{Greek}` their JS forms, and a `{` or `}` that is not a repeat a literal, as in Go. What JS has
 * and RE2 does not (lookaround) is refused, as Go would refuse it; so is what cannot be translated (inline flags
 * in mid-pattern, `(?U)`, `\C`, negated POSIX classes). Patterns compile in Unicode mode, which rejects unknown
 * escapes as RE2 does. Pure.
 */

/** A Go pattern that is not valid, or that has no JavaScript equivalent; `message` is the reason alone. */
export class GoRegExpError extends Error {
  override readonly name = 'GoRegExpError';
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
/** Characters JS escapes as themselves in Unicode mode (outside classes). */
const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
/** Escapes RE2 and JS read the same way. */
const SAME_ESCAPES = new Set([...'dDwWsSbBntrfv0']);
const REPEAT = /\{\d+(?:,\d*)?\}/y;

/** Compiles a Go pattern to the RegExp that matches the same strings; throws GoRegExpError. */
export function compileGoRegExp(source: string): RegExp {
  const flags = new Set(['u']);
  let i = 0;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1] ?? '') {
      if (f !== 'i' && f !== 'm' && f !== 's') throw new GoRegExpError(`the flag (?${f}) is not supported`);
      flags.add(f);
    }
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < source.length) {
    const c = source[i] ?? '';
    if (c === '\\') {
      const [text, length] = translateEscape(source, i, inClass);
      out += text;
      i += length;
    } else if (inClass) {
      if (source.startsWith('[:', i)) {
        const end = source.indexOf(':]', i + 2);
        const name = end < 0 ? '' : source.slice(i + 2, end);
        const range = POSIX_CLASSES[name];
        if (name.startsWith('^'))
          throw new GoRegExpError(`the negated POSIX class [:${name}:] is not supported`);
        if (range === undefined) throw new GoRegExpError(`unknown POSIX class [:${name.slice(0, 20)}:]`);
        out += range;
        i = end + 2;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
    } else if (c === '[') {
      inClass = true;
      out += '[';
      i++;
      if (source[i] === '^') {
        out += '^';
        i++;
      }
      // In RE2 a `]` right after the opening is a literal; in JS `[]` is an empty class.
      if (source[i] === ']') {
        out += '\\]';
        i++;
      }
    } else if (c === '(' && source[i + 1] === '?') {
      const [text, length] = translateGroup(source, i);
      out += text;
      i += length;
    } else if (c === '{') {
      REPEAT.lastIndex = i;
      const repeat = REPEAT.exec(source)?.[0];
      out += repeat ?? '\\{';
      i += repeat?.length ?? 1;
    } else {
      // A `}` or `]` left over is a literal in RE2, an error in JS's Unicode mode.
      out += c === '}' || c === ']' ? `\\${c}` : c;
      i++;
    }
  }
  if (inClass) throw new GoRegExpError('missing closing ]');
  try {
    return new RegExp(out, [...flags].join(''));
  } catch (err) {
    // V8 quotes the translated pattern first; keep only its reason.
    const reason = ((err as Error).message ?? '').split(': ').at(-1) ?? 'invalid';
    throw new GoRegExpError(reason);
  }
}

function translateGroup(source: string, i: number): [string, number] {
  if (source.startsWith('(?P<', i)) return ['(?<', 4];
  if (/^\(\?(?:=|!|<=|<!)/.test(source.slice(i, i + 4))) {
    throw new GoRegExpError('lookahead and lookbehind are not supported (Go regexp has none)');
  }
  if (source.startsWith('(?:', i) || source.startsWith('(?<', i)) return ['(?', 2];
  const flagged = /^\(\?([a-zA-Z-]*)([:)])/.exec(source.slice(i, i + 16));
  if (flagged?.[2] === ')') {
    throw new GoRegExpError('inline flags are supported only at the start of the pattern, or as (?i:...)');
  }
  if (flagged && /U/.test(flagged[1] ?? '')) throw new GoRegExpError('the flag U is not supported');
  // `(?i:...)`: JS has the same syntax (RegExp modifiers).
  return ['(?', 2];
}

function translateEscape(source: string, i: number, inClass: boolean): [string, number] {
  const next = source[i + 1];
  if (next === undefined) throw new GoRegExpError('trailing backslash');
  if (next === 'Q') {
    const end = source.indexOf('\\E', i + 2);
    const literal = source.slice(i + 2, end < 0 ? source.length : end);
    return [[...literal].map(literalChar).join(''), (end < 0 ? source.length : end + 2) - i];
  }
  if (next === 'z' || next === 'A') {
    if (inClass) throw new GoRegExpError(`\\${next} is not allowed in a character class`);
    return [next === 'z' ? '(?![\\s\\S])' : '(?<![\\s\\S])', 2];
  }
  if (next === 'a') return ['\\x07', 2];
  if (next === 'x' && source[i + 2] === '{') {
    const m = /^\\x\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i, i + 11));
    if (!m) throw new GoRegExpError('invalid \\x{...} escape');
    return [`\\u{${m[1]}}`, m[0].length];
  }
  if (next === 'p' || next === 'P') return translateUnicodeClass(source, i, next === 'P');
  if (/[1-9]/.test(next)) throw new GoRegExpError('backreferences are not supported (Go regexp has none)');
  if (next === 'x' || SAME_ESCAPES.has(next)) return [`\\${next}`, 2];
  if (/[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/.test(next)) {
    return [SYNTAX.has(next) || (inClass && next === '-') ? `\\${next}` : literalChar(next), 2];
  }
  throw new GoRegExpError(`invalid escape \\${[...source.slice(i + 1)][0]}`);
}

function translateUnicodeClass(source: string, i: number, negated: boolean): [string, number] {
  let name: string;
  let length: number;
  if (source[i + 2] === '{') {
    const end = source.indexOf('}', i + 3);
    if (end < 0) throw new GoRegExpError('missing } in a \\p{...} class');
    name = source.slice(i + 3, end);
    length = end + 1 - i;
  } else {
    name = source[i + 2] ?? '';
    length = 3;
  }
  if (name.startsWith('^')) {
    negated = !negated;
    name = name.slice(1);
  }
  if (!/^[A-Za-z_]{1,40}$/.test(name)) throw new GoRegExpError('invalid Unicode class name');
  // Go names general categories (L, Lu) and scripts (Greek) alike; JS wants scripts spelled out.
  const property = /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
  return [`\\${negated ? 'P' : 'p'}{${property}}`, length];
}

/** One character as a literal, escaped when it means something to a RegExp. */
function literalChar(c: string): string {
  if (/[A-Za-z0-9_]/.test(c)) return c;
  const code = c.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}
