/**
 * The escapes and character classes of a Go (RE2) pattern, read into JavaScript `u`-mode source: Go's C and
 * octal escapes, `\x{...}`, escaped punctuation, `\d \s \w` (with Go's ASCII `\s`), `\pL`, `\p{Greek}` and
 * `\p{^Greek}` checked against the engine's Unicode properties, POSIX classes such as `[[:^alpha:]]` as ASCII
 * ranges, and bracketed classes with a leading `]` and any `-` as literals. EscapeReader holds the pattern and
 * the read position; go-regexp.ts's Translator extends it with groups, flags and repeats. The errors here carry
 * Go's parse messages. Pure: no I/O.
 */

/** Go's parse error, quoting the piece of the pattern it is about, as Go does. */
export class PatternError extends Error {
  /** The same without the quote when the piece is all or the rest of the pattern. */
  readonly reason: string;

  constructor(code: string, piece?: string, whole = false) {
    super(piece === undefined ? code : `${code}: '${piece}'`);
    this.reason = whole ? code : this.message;
  }
}

/** A pattern Go refuses for a reason plainer words explain better than Go's (a backreference, which JavaScript has). */
export class Refused extends Error {}

const BACKREFERENCE = 'must not use backreferences (Go regexp, which Flux uses, has none)';

const ASSERTIONS: Record<string, string> = { b: '\\b', B: '\\B', A: '(?<![\\s\\S])', z: '(?![\\s\\S])' };

/** Go's C escapes; there is no `\b` (backspace), as Go refuses it. */
const CONTROLS: Record<string, number> = { a: 7, f: 0xc, t: 9, n: 0xa, r: 0xd, v: 0xb };

type Ranges = readonly (readonly [number, number])[];

/** ASCII ranges written as in a class (`0-9A-F`), in ascending order. */
function ranges(spec: string): Ranges {
  const out: [number, number][] = [];
  for (let k = 0; k < spec.length; k += spec[k + 1] === '-' ? 3 : 1) {
    const lo = spec.charCodeAt(k);
    out.push([lo, spec[k + 1] === '-' ? spec.charCodeAt(k + 2) : lo]);
  }
  return out;
}

/** POSIX classes, ASCII only as in Go. */
const POSIX: ReadonlyMap<string, Ranges> = new Map(
  Object.entries({
    alnum: '0-9A-Za-z',
    alpha: 'A-Za-z',
    ascii: '\x00-\x7f',
    blank: '\t ',
    cntrl: '\x00-\x1f\x7f',
    digit: '0-9',
    graph: '!-~',
    lower: 'a-z',
    print: ' -~',
    punct: '!-/:-@[-`{-~',
    space: '\t-\r ',
    upper: 'A-Z',
    word: '0-9A-Z_a-z',
    xdigit: '0-9A-Fa-f',
  }).map(([name, spec]) => [name, ranges(spec)] as const),
);

/** Go's `\s`: no `\v`, no Unicode spaces, unlike JavaScript's. */
const PERL_SPACE = ranges('\t\n\f\r ');

/** Characters that JavaScript's `u` mode lets, and needs, a backslash for. */
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');

/** A code point as a JavaScript escape that no reader takes for a repeat count (no `\u{123}`). */
function hex(cp: number): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  if (cp <= 0xff) return `\\x${h(cp, 2)}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return `\\u{${h(cp, 4)}}`; // a lone surrogate stays one, alone
  if (cp <= 0xffff) return `\\u${h(cp, 4)}`;
  const lo = cp - 0x10000;
  return `\\u${h(0xd800 + (lo >> 10), 4)}\\u${h(0xdc00 + (lo & 0x3ff), 4)}`; // one code point in `u` mode
}

/** One code point as a literal for a JavaScript `u` pattern, inside a class or not. */
export function literal(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (JS_SYNTAX.has(ch)) return `\\${ch}`;
  return cp < 0x21 || cp === 0x7f || ch === '-' ? hex(cp) : ch;
}

function classRanges(ranges: Ranges): string {
  return ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
}

function complement(ranges: Ranges): Ranges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  out.push([next, 0x10ffff]);
  return out;
}

/** One atom of JavaScript source; `weight` is the product of the counted repeats inside it, for Go's limit. */
export interface Atom {
  src: string;
  weight: number;
  /** An empty-width assertion, which JavaScript repeats only inside a group. */
  assertion?: boolean;
}

/** The read position in a Go pattern, and the reading of its escapes and character classes. */
export abstract class EscapeReader {
  protected i = 0;

  constructor(protected readonly p: string) {}

  /** An escape outside a class. */
  protected escape(): Atom {
    const p = this.p;
    const c = p[this.i + 1];
    if (c === undefined) throw new PatternError('trailing backslash at end of expression', p, true);
    const at = this.i;
    const assertion = ASSERTIONS[c];
    if (assertion) {
      this.i += 2;
      return { src: assertion, weight: 1, assertion: true };
    }
    const perl = this.perlClass(false);
    if (perl !== undefined) return { src: perl, weight: 1 };
    // Go has no backreferences; `\1`..`\7` followed by an octal digit is an octal escape, read below.
    if ((/^[1-9]$/.test(c) && !/^[1-7][0-7]$/.test(p.slice(at + 1, at + 3))) || p.startsWith('\\k<', at))
      throw new Refused(BACKREFERENCE);
    return { src: literal(this.escapedChar()), weight: 1 };
  }

  /** `\d \s \w \pL \p{Greek}` and their negations as JavaScript source, inside a class or not; else undefined. */
  private perlClass(inClass: boolean): string | undefined {
    const c = this.p[this.i + 1];
    if (c === 'p' || c === 'P') return this.unicodeClass(c === 'P');
    if (c === undefined || !'dDsSwW'.includes(c)) return undefined;
    this.i += 2;
    if (c !== 's' && c !== 'S') return `\\${c}`; // ASCII in both engines
    const set = c === 's' ? PERL_SPACE : complement(PERL_SPACE);
    return inClass ? classRanges(set) : `[${classRanges(set)}]`;
  }

  /** A single-character escape at `this.i` (octal, hex, C escapes, escaped punctuation) as a code point. */
  private escapedChar(): number {
    const p = this.p;
    const at = this.i;
    const c = p[at + 1] ?? '';
    this.i += 2;
    if (c === '0' || (c >= '1' && c <= '7' && /[0-7]/.test(p[this.i] ?? ''))) {
      // Go: `\0`, `\012`, `\101`; at most three digits (a lone `\1`..`\7` is no octal escape).
      const digits = c + (/^[0-7]{0,2}/.exec(p.slice(this.i))?.[0] ?? '');
      this.i += digits.length - 1;
      return Number.parseInt(digits, 8);
    }
    if (c === 'x') return this.hexEscape(at);
    const control = CONTROLS[c];
    if (control !== undefined) return control;
    // Go: any escaped ASCII character that is no letter or digit stands for itself (`\_`, `\-`, `\ `).
    if (c !== '' && c < '\x80' && !/[0-9A-Za-z]/.test(c)) return c.codePointAt(0) ?? 0;
    throw new PatternError(
      'invalid escape sequence',
      String.fromCodePoint(0x5c, p.codePointAt(at + 1) ?? 0x3f),
    );
  }

  /** `\xHH` or `\x{H...}` (any number of digits, up to U+10FFFF), `at` being the backslash. */
  private hexEscape(at: number): number {
    const p = this.p.slice(this.i);
    const m = /^\{0*([0-9A-Fa-f]{1,6})\}/.exec(p) ?? /^()([0-9A-Fa-f]{2})/.exec(p);
    const cp = Number.parseInt(m?.[1] || m?.[2] || 'z', 16);
    if (!m || !(cp <= 0x10ffff)) {
      const end = this.p.indexOf('}', this.i);
      const piece =
        p.startsWith('{') && end >= 0 && end - at < 16 ? this.p.slice(at, end + 1) : this.p.slice(at, at + 4);
      throw new PatternError('invalid escape sequence', piece);
    }
    this.i += m[0].length;
    return cp;
  }

  /** `\pL`, `\p{Lu}`, `\p{Greek}`, `\p{^Greek}`: Go's general categories and scripts, and `Any`. */
  private unicodeClass(negated: boolean): string {
    const p = this.p;
    const at = this.i;
    const end = p[at + 2] === '{' ? p.indexOf('}', at) : at + 2;
    const piece = end < 0 ? p.slice(at) : p.slice(at, end + 1);
    if (end < 0 || end >= p.length)
      throw new PatternError('invalid character class range', piece.slice(0, 40));
    this.i = end + 1;
    let name = piece.length === 3 ? piece.slice(2) : piece.slice(3, -1);
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    // Go looks the name up among the general categories, then the scripts (`Yi` is a script).
    const candidates =
      name === 'Any' ? [name] : /^[A-Z][a-z]?$/.test(name) ? [name, `Script=${name}`] : [`Script=${name}`];
    const property = /^[A-Za-z_]+$/.test(name) ? candidates.find(validProperty) : undefined;
    if (!property) throw new PatternError('invalid character class range', piece.slice(0, 40));
    return `\\${negated ? 'P' : 'p'}{${property}}`;
  }

  /** A character class: `]` first and `-` anywhere are literals, POSIX classes expand to ASCII ranges. */
  protected charClass(): Atom {
    const p = this.p;
    const start = this.i;
    let out = '[';
    this.i += 1;
    if (p[this.i] === '^') {
      out += '^';
      this.i += 1;
    }
    for (let first = true; ; first = false) {
      if (this.i >= p.length) throw new PatternError('missing closing ]', p.slice(start), true);
      const c = p[this.i] as string;
      if (c === ']' && !first) {
        this.i += 1;
        return { src: `${out}]`, weight: 1 };
      }
      const posix = this.posixClass();
      const perl = posix ?? (c === '\\' ? this.perlClass(true) : undefined);
      if (perl !== undefined) {
        out += perl;
        continue;
      }
      const from = this.i;
      const lo = this.classChar();
      if (p[this.i] !== '-' || p[this.i + 1] === undefined || p[this.i + 1] === ']') {
        out += literal(lo);
        continue;
      }
      this.i += 1;
      const hi = this.classChar();
      if (hi < lo) throw new PatternError('invalid character class range', p.slice(from, this.i));
      out += `${literal(lo)}-${literal(hi)}`;
    }
  }

  /** `[:alpha:]` or `[:^alpha:]` at `this.i` as class ranges; undefined when there is none (then `[` is literal). */
  private posixClass(): string | undefined {
    const p = this.p;
    if (!p.startsWith('[:', this.i)) return undefined;
    const end = p.indexOf(':]', this.i + 2);
    if (end < 0) return undefined;
    const name = p.slice(this.i, end + 2);
    const negated = name[2] === '^';
    const ranges = POSIX.get(name.slice(negated ? 3 : 2, -2));
    if (!ranges) throw new PatternError('invalid character class range', name.slice(0, 40));
    this.i = end + 2;
    return classRanges(negated ? complement(ranges) : ranges);
  }

  /** One character of a class, escaped or not, as a code point. */
  private classChar(): number {
    if (this.p[this.i] === '\\') {
      if (this.i + 1 >= this.p.length)
        throw new PatternError('trailing backslash at end of expression', this.p, true);
      return this.escapedChar();
    }
    const cp = this.p.codePointAt(this.i) ?? 0;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

/** Whether this engine knows a Unicode property (as `Greek` in `Script=Greek`). */
function validProperty(property: string): boolean {
  try {
    return new RegExp(`\\p{${property}}`, 'u').unicode;
  } catch {
    return false;
  }
}
