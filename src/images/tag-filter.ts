/**
 * ImagePolicy `filterTags`: a Go (RE2) pattern translated into a JavaScript RegExp, and Go's Regexp.Expand for
 * `extract`. Pure: no I/O.
 *
 * The translation keeps Go's meaning for what tag patterns use: `(?P<name>...)` and `(?<name>...)` groups,
 * `(?i)`-style flags (at the start they become RegExp flags; elsewhere a JavaScript modifier group, which needs
 * Node 23 or later), `\A`, `\z`, `\Q...\E`, `\x{...}`, octal `\0..`, `\pL` and `\p{Greek}`, POSIX classes such
 * as `[[:digit:]]`, `{` that is no repeat as a literal, the ungreedy flag `U`. It refuses what Go refuses
 * (lookaround, backreferences, atomic groups, repeats over 1000, an unknown escape), and, as every pattern
 * tenants write, what regexRisk refuses.
 *
 * Differs from Flux: an `extract` that names a group the pattern lacks, or holds a malformed `$` reference, is
 * refused up front, where Go's Expand silently writes nothing (or a literal `$`).
 */
import { regexRisk } from '../api/regex-risk.js';

/** filterTags of an ImagePolicy: tags must match `pattern`; `extract` says what the policy compares. */
export interface TagFilter {
  pattern: string;
  extract?: string;
}

/** A Go pattern compiled to JavaScript, with its capture groups (numbered as Go and JavaScript both do). */
export interface GoRegexp {
  readonly regexp: RegExp;
  /** How many capturing groups, named or not. */
  readonly groups: number;
  /** Group index by name. */
  readonly names: ReadonlyMap<string, number>;
}

/** A problem with a filter, keyed by field path relative to spec. */
export interface FilterProblem {
  path: 'filterTags.pattern' | 'filterTags.extract';
  message: string;
}

/** From a tag, the value the policy compares; undefined when the tag does not match. */
export type TagExtractor = (tag: string) => string | undefined;

/** Compiles a Go pattern, or says why it cannot: a message that completes "filterTags.pattern ...". */
export function compileGoRegexp(
  pattern: string,
): { ok: true; value: GoRegexp } | { ok: false; message: string } {
  const risk = regexRisk(pattern);
  if (risk) return { ok: false, message: risk };
  let t: ReturnType<Translator['run']>;
  try {
    t = new Translator(pattern).run();
  } catch (err) {
    if (err instanceof PatternError)
      return { ok: false, message: `must be a valid Go regular expression: ${err.message}` };
    throw err;
  }
  try {
    return { ok: true, value: { regexp: new RegExp(t.source, t.flags), groups: t.groups, names: t.names } };
  } catch (err) {
    // The engine's message quotes the translated source, which is not what the user wrote: keep the reason only.
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return { ok: false, message: `must be a valid Go regular expression: ${reason} in '${pattern}'` };
  }
}

/** Why a Go pattern is refused, or undefined when it compiles: for validation of any tenant-written tag pattern. */
export function goRegexpProblem(pattern: string): string | undefined {
  const r = compileGoRegexp(pattern);
  return r.ok ? undefined : r.message;
}

/**
 * Compiles filterTags into an extractor: a tag that matches gives the expansion of `extract`, or the whole tag
 * when `extract` is empty (as Flux: the whole tag, not only the matched part).
 */
export function compileTagFilter(
  filter: TagFilter,
): { ok: true; extract: TagExtractor } | { ok: false; problems: FilterProblem[] } {
  const re = compileGoRegexp(filter.pattern);
  if (!re.ok) return { ok: false, problems: [{ path: 'filterTags.pattern', message: re.message }] };
  const { regexp } = re.value;
  if (!filter.extract) return { ok: true, extract: (tag) => (regexp.exec(tag) ? tag : undefined) };
  const template = parseTemplate(filter.extract, re.value);
  if (typeof template === 'string')
    return { ok: false, problems: [{ path: 'filterTags.extract', message: template }] };
  return {
    ok: true,
    extract: (tag) => {
      const m = regexp.exec(tag);
      if (!m) return undefined;
      let out = '';
      for (const part of template) out += typeof part === 'string' ? part : (m[part.group] ?? '');
      return out;
    },
  };
}

// --- extract: Go's Regexp.Expand -------------------------------------------------------------------------------

type TemplatePart = string | { group: number };

/** Go's rule for a name after `$`: letters, digits and underscores, as many as there are. */
const NAME = /^[\p{L}\p{Nd}_]+/u;

/**
 * Parses an Expand template: `$$` is a `$`, `$name` takes the longest name (`$1x` is `${1x}`), `${name}` ends at
 * the brace; a purely numeric name without a leading zero is a group number. Returns the parts or a message.
 */
function parseTemplate(template: string, re: GoRegexp): TemplatePart[] | string {
  const parts: TemplatePart[] = [];
  let rest = template;
  for (let at = rest.indexOf('$'); at >= 0; at = rest.indexOf('$')) {
    if (at > 0) parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
    if (rest.startsWith('$')) {
      parts.push('$');
      rest = rest.slice(1);
      continue;
    }
    const brace = rest.startsWith('{');
    const name = NAME.exec(brace ? rest.slice(1) : rest)?.[0];
    if (!name || (brace && rest[name.length + 1] !== '}'))
      return `has a malformed reference at '$${rest.slice(0, 12)}': use $name, \${name}, $1 or \${1}, and $$ for a literal $`;
    rest = rest.slice(name.length + (brace ? 2 : 0));
    const group = groupOf(name, re);
    if (group === undefined) return missingGroup(name, brace, re);
    parts.push({ group });
  }
  if (rest) parts.push(rest);
  return parts;
}

function groupOf(name: string, re: GoRegexp): number | undefined {
  if (/^(0|[1-9][0-9]{0,8})$/.test(name)) {
    const n = Number(name);
    return n <= re.groups ? n : undefined;
  }
  return re.names.get(name);
}

function missingGroup(name: string, brace: boolean, re: GoRegexp): string {
  const named = [...re.names.keys()];
  const have = `the pattern has ${re.groups} group${re.groups === 1 ? '' : 's'}${named.length ? ` (named ${named.join(', ')})` : ''}`;
  // `$tsx` reads as the group `tsx`, not `ts` followed by `x`; say so when that is the likely slip.
  const number = /^(0|[1-9][0-9]*)/.exec(name)?.[0];
  const prefixes = number !== undefined && Number(number) <= re.groups ? [number, ...named] : named;
  const prefix = brace ? undefined : prefixes.find((n) => name.startsWith(n) && name !== n);
  const hint = prefix
    ? `; write \${${prefix}}${name.slice(prefix.length)} to follow $${prefix} with text`
    : '';
  return `refers to ${brace ? `\${${name}}` : `$${name}`}, which is no group of filterTags.pattern: ${have}${hint}`;
}

// --- Go RE2 syntax to JavaScript ------------------------------------------------------------------------------

class PatternError extends Error {}

/** Characters that JavaScript's `u` mode lets, and needs, a backslash for. */
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');

/** POSIX classes as code point ranges, ASCII only as in Go. */
const POSIX: Record<string, [number, number][]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

const MAX_REPEAT = 1000; // Go's limit on {n,m}

/** One open group: the modifier groups a mid-group `(?i)` opened, and whether quantifiers are ungreedy. */
interface Frame {
  mods: string[];
  ungreedy: boolean;
}

const hex = (cp: number) => `\\u{${cp.toString(16)}}`;

/** Escapes one character as a literal for a JavaScript `u` pattern, inside or outside a class. */
function literal(ch: string): string {
  if (JS_SYNTAX.has(ch)) return `\\${ch}`;
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x20 || ch === '-' ? hex(cp) : ch;
}

/** A single left-to-right pass over a Go pattern, producing an equivalent JavaScript source and flags. */
class Translator {
  private out = '';
  private i = 0;
  private groups = 0;
  private readonly names = new Map<string, number>();
  private flags = new Set<string>(['u']);
  private readonly frames: Frame[] = [{ mods: [], ungreedy: false }];

  constructor(private readonly p: string) {}

  run(): { source: string; flags: string; groups: number; names: Map<string, number> } {
    const p = this.p;
    while (this.i < p.length) {
      const c = p[this.i] as string;
      if (c === '(') {
        this.group();
      } else if (c === ')') {
        this.close();
        this.quantifier();
      } else if (c === '|') {
        const f = this.top();
        this.out += `${')'.repeat(f.mods.length)}|${f.mods.join('')}`;
        this.i += 1;
      } else if (c === '*' || c === '+' || c === '?' || (c === '{' && this.repeatAt(this.i))) {
        throw new PatternError(`missing argument to repetition operator: '${c}'`);
      } else if (c === '\\' && p[this.i + 1] === 'Q') {
        this.quoted();
      } else {
        this.out += c === '\\' ? this.escape(false) : c === '[' ? this.charClass() : this.plain();
        this.quantifier();
      }
    }
    if (this.frames.length > 1) throw new PatternError(`missing closing ): '${p}'`);
    this.out += ')'.repeat(this.top().mods.length);
    return { source: this.out, flags: [...this.flags].join(''), groups: this.groups, names: this.names };
  }

  private top(): Frame {
    return this.frames[this.frames.length - 1] as Frame;
  }

  /** A character outside a class: `.`, `^` and `$` keep their meaning; `]` and `}` are literals in Go. */
  private plain(): string {
    const ch = String.fromCodePoint(this.p.codePointAt(this.i) ?? 0);
    this.i += ch.length;
    if (ch === '.' || ch === '^' || ch === '$') return ch;
    return literal(ch);
  }

  /** `\Q...\E`: everything in between is literal; a quantifier after it repeats the last character, as in Go. */
  private quoted(): void {
    const end = this.p.indexOf('\\E', this.i + 2);
    const text = this.p.slice(this.i + 2, end < 0 ? undefined : end);
    this.i = end < 0 ? this.p.length : end + 2;
    for (const ch of text) this.out += literal(ch);
    if (text) this.quantifier();
  }

  private group(): void {
    const p = this.p;
    const rest = p.slice(this.i, this.i + 4);
    const inherit = this.top().ungreedy;
    if (!rest.startsWith('(?')) {
      this.groups += 1;
      this.frames.push({ mods: [], ungreedy: inherit });
      this.out += '(';
      this.i += 1;
      return;
    }
    if (/^\(\?(=|!|<=|<!)/.test(rest))
      throw new PatternError(
        `lookaround '${/^\(\?<?[=!]/.exec(rest)?.[0]}' is not supported (Go regexp has none)`,
      );
    const named = /^\(\?P?<(.*?)>/su.exec(p.slice(this.i));
    if (rest.startsWith('(?P<') || rest.startsWith('(?<')) {
      const name = named?.[1];
      if (name === undefined || !/^[A-Za-z0-9_]+$/.test(name))
        throw new PatternError(`invalid named capture: '${named?.[0] ?? p.slice(this.i)}'`);
      if (this.names.has(name)) throw new PatternError(`duplicate capture group name: '${name}'`);
      this.groups += 1;
      this.names.set(name, this.groups);
      this.frames.push({ mods: [], ungreedy: inherit });
      this.out += '(';
      this.i += (named?.[0] ?? '').length;
      return;
    }
    const flags = /^\(\?([imsU]*)(?:(-)([imsU]*))?([:)])/.exec(p.slice(this.i, this.i + 16));
    if (!flags || (flags[2] && !flags[3]) || (!flags[1] && !flags[2] && flags[4] === ')'))
      throw new PatternError(`invalid or unsupported Perl syntax: '${p.slice(this.i, this.i + 3)}'`);
    this.i += flags[0].length;
    const on = flags[1] ?? '';
    const off = flags[3] ?? '';
    const ungreedy = (inherit || on.includes('U')) && !off.includes('U');
    const js = (s: string) => s.replace(/U/g, '');
    const mod = js(on) || js(off) ? `(?${js(on)}${js(off) ? `-${js(off)}` : ''}:` : '';
    if (flags[4] === ':') {
      this.frames.push({ mods: [], ungreedy });
      this.out += mod || '(?:';
      return;
    }
    // `(?i)` sets flags up to the end of the enclosing group. At the very start that is the whole pattern, which
    // RegExp flags express on every Node version; elsewhere a modifier group holds the rest of the group.
    const f = this.top();
    f.ungreedy = ungreedy;
    if (this.out === '' && this.frames.length === 1) {
      for (const ch of js(on)) this.flags.add(ch);
      for (const ch of js(off)) this.flags.delete(ch);
    } else if (mod) {
      f.mods.push(mod);
      this.out += mod;
    }
  }

  private close(): void {
    if (this.frames.length === 1) throw new PatternError(`unexpected ): '${this.p}'`);
    const f = this.frames.pop() as Frame;
    this.out += `${')'.repeat(f.mods.length)})`;
    this.i += 1;
  }

  /** Length of a valid `{n}`, `{n,}` or `{n,m}` at `at`, or 0: Go reads any other `{` as a literal. */
  private repeatAt(at: number): number {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(at, at + 24));
    if (!m) return 0;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min))
      throw new PatternError(`invalid repeat count: '${m[0]}'`);
    return m[0].length;
  }

  /** The quantifier after an atom, if any, with its laziness flipped under the `U` flag. */
  private quantifier(): void {
    const start = this.i;
    const len = this.quantifierAt(start);
    if (!len) return;
    const text = this.p.slice(start, start + len);
    this.i += len;
    let lazy = this.p[this.i] === '?';
    if (lazy) this.i += 1;
    if (this.top().ungreedy) lazy = !lazy;
    this.out += text + (lazy ? '?' : '');
    if (this.quantifierAt(this.i))
      throw new PatternError(`invalid nested repetition operator: '${this.p.slice(start, this.i + 1)}'`);
  }

  private quantifierAt(at: number): number {
    const c = this.p[at];
    if (c === '*' || c === '+' || c === '?') return 1;
    return c === '{' ? this.repeatAt(at) : 0;
  }

  /** An escape at `this.i`, in a class or not, as JavaScript source. */
  private escape(inClass: boolean): string {
    const p = this.p;
    const c = p[this.i + 1];
    if (c === undefined) throw new PatternError(`trailing backslash at end of expression: '${p}'`);
    this.i += 2;
    switch (c) {
      case 'd':
      case 'D':
      case 's':
      case 'S':
      case 'w':
      case 'W':
        return `\\${c}`;
      case 'b':
      case 'B':
        if (inClass) break;
        return `\\${c}`;
      case 'A':
        if (inClass) break;
        return '(?<![\\s\\S])';
      case 'z':
        if (inClass) break;
        return '(?![\\s\\S])';
      case 'a':
        return hex(7);
      case 'f':
      case 't':
      case 'n':
      case 'r':
      case 'v':
        return `\\${c}`;
      case 'x':
        return this.hexEscape();
      case 'p':
      case 'P':
        return this.unicodeClass(c === 'P');
      default:
        if (c >= '0' && c <= '7') return this.octal(c);
        if (/^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]$/.test(c)) return literal(c);
    }
    throw new PatternError(`invalid escape sequence: '\\${c}'`);
  }

  /** Go: `\0`, `\01`, `\012` (a lone `\1`..`\9` is a backreference, which regexRisk refused before). */
  private octal(first: string): string {
    const digits = first + (/^[0-7]{0,2}/.exec(this.p.slice(this.i))?.[0] ?? '');
    this.i += digits.length - 1;
    return hex(Number.parseInt(digits, 8));
  }

  private hexEscape(): string {
    const p = this.p.slice(this.i);
    const m = /^\{([0-9A-Fa-f]{1,8})\}/.exec(p) ?? /^()([0-9A-Fa-f]{2})/.exec(p);
    const digits = m?.[1] || m?.[2];
    const cp = digits ? Number.parseInt(digits, 16) : Number.NaN;
    if (!m || !(cp <= 0x10ffff)) throw new PatternError(`invalid escape sequence: '\\x${p.slice(0, 4)}'`);
    this.i += m[0].length;
    return hex(cp);
  }

  /** `\pL`, `\p{Lu}`, `\p{Greek}`, `\p{^Greek}`: Go's general categories and scripts. */
  private unicodeClass(negated: boolean): string {
    const p = this.p.slice(this.i);
    const m = /^\{(\^?)([A-Za-z_]+)\}/.exec(p) ?? /^()([A-Za-z])/.exec(p);
    if (!m) throw new PatternError(`invalid character class range: '\\p${p.slice(0, 4)}'`);
    this.i += m[0].length;
    const name = m[2] as string;
    const neg = negated !== (m[1] === '^');
    const property = /^([A-Z][a-z]?|Any)$/.test(name) ? name : `Script=${name}`;
    return `\\${neg ? 'P' : 'p'}{${property}}`;
  }

  /** A character class: a leading `]` is literal, POSIX classes expand to ASCII ranges, escapes as outside. */
  private charClass(): string {
    const p = this.p;
    const start = this.i;
    let out = '[';
    this.i += 1;
    if (p[this.i] === '^') {
      out += '^';
      this.i += 1;
    }
    for (let first = true; ; first = false) {
      if (this.i >= p.length) throw new PatternError(`missing closing ]: '${p.slice(start)}'`);
      const c = p[this.i] as string;
      if (c === ']' && !first) {
        this.i += 1;
        return `${out}]`;
      }
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.i, this.i + 12));
      if (posix) {
        const ranges = POSIX[posix[2] as string];
        if (!ranges) throw new PatternError(`invalid character class range: '${posix[0]}'`);
        out += (posix[1] ? complement(ranges) : ranges).map(([lo, hi]) => `${hex(lo)}-${hex(hi)}`).join('');
        this.i += posix[0].length;
      } else if (c === '\\') {
        out += this.escape(true);
      } else if (c === ']' || c === '[') {
        out += `\\${c}`;
        this.i += 1;
      } else {
        const ch = String.fromCodePoint(p.codePointAt(this.i) ?? 0);
        out += ch;
        this.i += ch.length;
      }
    }
  }
}

function complement(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  out.push([next, 0x10ffff]);
  return out;
}
