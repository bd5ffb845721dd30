/**
 * Go regular expressions (RE2 syntax, as Flux users write them in ImagePolicy `filterTags.pattern` and
 * ImageRepository `exclusionList`) translated into JavaScript RegExps that match the same strings. Pure: no I/O.
 *
 * One left-to-right pass follows Go's regexp/syntax parser: `(?P<name>...)` and `(?<name>...)` groups numbered as
 * Go numbers them, the flags `i`, `m`, `s` and `U` at the start, mid-group (`a(?i)b`, up to the end of the group)
 * and scoped (`(?i:...)`), `\A`, `\z`, `\Q...\E`, `\x{...}`, octal `\0`..`\777` (`\101` is `A`), `\pL`,
 * `\p{Greek}`, `\p{^Greek}`, POSIX classes such as `[[:digit:]]` and `[[:^alpha:]]`, a `]` first in a class and
 * a `-` anywhere in one as literals, a `{` that is no repeat as a literal, and repeats of assertions (`^*`). What
 * JavaScript reads differently is spelled out: `.` stops only at `\n`, `(?m)` lines end only at `\n`, `\s` is
 * Go's ASCII `[\t\n\f\r ]`. What Go refuses is refused with Go's reasons: lookaround, atomic groups,
 * backreferences, unknown escapes (`\C`, `[\b]`), repeats over 1000, also when nested repeats multiply past it.
 *
 * The translated RegExp is then checked by regexRisk, since JavaScript's engine backtracks where Go's is linear:
 * checking the translation rather than the Go text means `\101` (octal) or `\Q(a+)+\E` (literal) are no risk.
 *
 * The escapes and character classes are read in ./go-regexp-escapes.ts; this file holds the entry points, the
 * groups, the flags and the repeats.
 *
 * Known differences left: a `(?i)` after the start of the pattern becomes a JavaScript modifier group, which needs
 * Node 23 or later (Node 22 refuses it as an invalid pattern); under `(?i)`, `\b` and a negated POSIX class fold
 * case as JavaScript does, not exactly as Go does. Neither changes what a tag (ASCII letters, digits, `_.-`)
 * matches.
 */
import { regexRisk } from '../api/regex-risk.js';
import { type Atom, EscapeReader, literal, PatternError, Refused } from './go-regexp-escapes.js';

/** A Go pattern compiled to JavaScript, with its capture groups (numbered as Go and JavaScript both do). */
export interface GoRegexp {
  readonly regexp: RegExp;
  /** How many capturing groups, named or not. */
  readonly groups: number;
  /** Group index by name. */
  readonly names: ReadonlyMap<string, number>;
}

/** Why a pattern is refused: `syntax` when it is no valid Go regexp, `risk` when it is one JavaScript must not run. */
export interface GoRegexpRefusal {
  ok: false;
  kind: 'syntax' | 'risk';
  /** Completes "filterTags.pattern ...": Go's reason, quoting the pattern as Go does. */
  message: string;
  /** The reason without the `must be ...` preamble of a syntax error and without quoting the whole pattern. */
  reason: string;
}

/** Compiles a Go pattern, or says why it cannot. */
export function compileGoRegexp(pattern: string): { ok: true; value: GoRegexp } | GoRegexpRefusal {
  let t: ReturnType<Translator['run']>;
  try {
    t = new Translator(pattern).run();
  } catch (err) {
    if (err instanceof Refused) return { ok: false, kind: 'risk', message: err.message, reason: err.message };
    if (!(err instanceof PatternError)) throw err;
    return { ok: false, kind: 'syntax', message: `${INVALID}${err.message}`, reason: err.reason };
  }
  const risk = regexRisk(t.source);
  if (risk) return { ok: false, kind: 'risk', message: risk, reason: risk };
  try {
    return { ok: true, value: { regexp: new RegExp(t.source, t.flags), groups: t.groups, names: t.names } };
  } catch (err) {
    // The engine's message quotes the translated source, which is not what the user wrote: keep the reason only.
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return { ok: false, kind: 'syntax', message: `${INVALID}${reason} in '${pattern}'`, reason };
  }
}

/** Why a Go pattern is refused, or undefined when it compiles: for validation of any tenant-written tag pattern. */
export function goRegexpProblem(pattern: string): string | undefined {
  const r = compileGoRegexp(pattern);
  return r.ok ? undefined : r.message;
}

const INVALID = 'must be a valid Go regular expression: ';

/** Go's limit on a repeat count, and on the product of nested counted repeats. */
const MAX_REPEAT = 1000;

/** One open group: the modifier groups a mid-group `(?i)` opened, and the flags the translation spells out. */
interface Frame {
  mods: string[];
  ungreedy: boolean;
  dotNL: boolean;
  multiline: boolean;
  /** The largest weight of an atom inside the group so far. */
  weight: number;
}

/** A single left-to-right pass over a Go pattern, producing an equivalent JavaScript source and flags. */
class Translator extends EscapeReader {
  private out = '';
  private groups = 0;
  private readonly names = new Map<string, number>();
  private readonly flags = new Set<string>(['u']);
  private readonly frames: Frame[] = [
    { mods: [], ungreedy: false, dotNL: false, multiline: false, weight: 1 },
  ];

  run(): { source: string; flags: string; groups: number; names: Map<string, number> } {
    const p = this.p;
    while (this.i < p.length) {
      const c = p[this.i] as string;
      if (c === '(') {
        this.group();
      } else if (c === '|') {
        const f = this.top();
        this.out += `${')'.repeat(f.mods.length)}|${f.mods.join('')}`;
        this.i += 1;
      } else if (c === '*' || c === '+' || c === '?' || (c === '{' && this.repeatAt(this.i))) {
        const len = c === '{' ? this.repeatAt(this.i) : 1;
        throw new PatternError('missing argument to repetition operator', p.slice(this.i, this.i + len));
      } else if (c === '\\' && p[this.i + 1] === 'Q') {
        this.quoted();
      } else {
        const atom =
          c === ')' ? this.close() : c === '\\' ? this.escape() : c === '[' ? this.charClass() : this.plain();
        this.out += this.quantified(atom);
      }
    }
    if (this.frames.length > 1) throw new PatternError('missing closing )', p, true);
    this.out += ')'.repeat(this.top().mods.length);
    return { source: this.out, flags: [...this.flags].join(''), groups: this.groups, names: this.names };
  }

  private top(): Frame {
    return this.frames[this.frames.length - 1] as Frame;
  }

  /** A character outside a class; `.`, `^` and `$` as Go reads them under the flags in force. */
  private plain(): Atom {
    const cp = this.p.codePointAt(this.i) ?? 0;
    this.i += cp > 0xffff ? 2 : 1;
    const f = this.top();
    if (cp === 0x2e) return { src: f.dotNL ? '[\\s\\S]' : '[^\\n]', weight: 1 };
    if (cp === 0x5e) return { src: f.multiline ? '(?<![^\\n])' : '^', weight: 1, assertion: true };
    if (cp === 0x24) return { src: f.multiline ? '(?![^\\n])' : '$', weight: 1, assertion: true };
    return { src: literal(cp), weight: 1 };
  }

  /** `\Q...\E`: everything in between is literal; a repeat after it repeats the last character, as in Go. */
  private quoted(): void {
    const end = this.p.indexOf('\\E', this.i + 2);
    const cps = [...this.p.slice(this.i + 2, end < 0 ? undefined : end)].map((ch) => ch.codePointAt(0) ?? 0);
    this.i = end < 0 ? this.p.length : end + 2;
    const last = cps.pop();
    for (const cp of cps) this.out += literal(cp);
    if (last !== undefined) this.out += this.quantified({ src: literal(last), weight: 1 });
  }

  private push(f: Omit<Frame, 'mods' | 'weight'>): void {
    this.frames.push({ ...f, mods: [], weight: 1 });
  }

  private group(): void {
    const p = this.p;
    const rest = p.slice(this.i, this.i + 4);
    const top = this.top();
    if (!rest.startsWith('(?')) {
      this.groups += 1;
      this.push(top);
      this.out += '(';
      this.i += 1;
      return;
    }
    if (/^\(\?(=|!|<=|<!)/.test(rest))
      throw new PatternError(
        `lookaround '${/^\(\?<?[=!]/.exec(rest)?.[0]}' is not supported (Go regexp has none)`,
      );
    if (rest.startsWith('(?P<') || rest.startsWith('(?<')) {
      const named = /^\(\?P?<(.*?)>/su.exec(p.slice(this.i));
      const name = named?.[1];
      if (name === undefined || !/^[A-Za-z0-9_]+$/.test(name))
        throw new PatternError('invalid named capture', named?.[0] ?? p.slice(this.i), !named);
      if (this.names.has(name)) throw new PatternError('duplicate capture group name', name);
      this.groups += 1;
      this.names.set(name, this.groups);
      this.push(top);
      this.out += '(';
      this.i += (named?.[0] ?? '').length;
      return;
    }
    const m = /^\(\?([imsU]*)(?:(-)([imsU]*))?([:)])/.exec(p.slice(this.i));
    if (!m || (m[2] && !m[3]) || (!m[1] && !m[2] && m[4] === ')'))
      throw new PatternError('invalid or unsupported Perl syntax', p.slice(this.i, this.i + 3));
    this.i += m[0].length;
    // Go sets the flags before the `-`, then clears those after it: `(?i-i)` leaves `i` off.
    const on = m[1] ?? '';
    const off = m[3] ?? '';
    const flag = (f: string, was: boolean) => (off.includes(f) ? false : on.includes(f) || was);
    const next = {
      ungreedy: flag('U', top.ungreedy),
      dotNL: flag('s', top.dotNL),
      multiline: flag('m', top.multiline),
    };
    // Only case folding is left to JavaScript; the other flags are spelled out in the translation.
    const fold = off.includes('i') ? '(?-i:' : on.includes('i') ? '(?i:' : '';
    if (m[4] === ':') {
      this.push(next);
      this.out += fold || '(?:';
      return;
    }
    // `(?i)` holds up to the end of the enclosing group. At the very start that is the whole pattern, which a
    // RegExp flag expresses on every Node version; elsewhere a modifier group holds the rest of the group.
    Object.assign(top, next);
    if (this.out === '' && this.frames.length === 1) {
      if (fold === '(?i:') this.flags.add('i');
      if (fold === '(?-i:') this.flags.delete('i');
    } else if (fold) {
      top.mods.push(fold);
      this.out += fold;
    }
  }

  private close(): Atom {
    if (this.frames.length === 1) throw new PatternError('unexpected )', this.p, true);
    const f = this.frames.pop() as Frame;
    this.i += 1;
    return { src: `${')'.repeat(f.mods.length)})`, weight: f.weight };
  }

  /** Length of a valid `{n}`, `{n,}` or `{n,m}` at `at`, or 0: Go reads any other `{` (`{,2}`, `{01}`) as a literal. */
  private repeatAt(at: number): number {
    const m = /^\{(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?\}/.exec(this.p.slice(at, at + 64));
    if (!m) return 0;
    const [min, max] = this.counts(m[0]);
    if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min))
      throw new PatternError('invalid repeat count', m[0]);
    return m[0].length;
  }

  /** The bounds of a valid `{n,m}`; -1 for no upper bound. */
  private counts(text: string): [number, number] {
    const [min = '', max] = text.slice(1, -1).split(',');
    return [Number(min), max === undefined ? Number(min) : max === '' ? -1 : Number(max)];
  }

  /** An atom and the repeat after it, if any, with its laziness flipped under the `U` flag. */
  private quantified(atom: Atom): string {
    const f = this.top();
    const start = this.i;
    const len = this.quantifierAt(start);
    if (!len) {
      f.weight = Math.max(f.weight, atom.weight);
      return atom.src;
    }
    const text = this.p.slice(start, start + len);
    this.i += len;
    let lazy = this.p[this.i] === '?';
    if (lazy) this.i += 1;
    if (f.ungreedy) lazy = !lazy;
    const again = this.quantifierAt(this.i);
    if (again)
      throw new PatternError('invalid nested repetition operator', this.p.slice(start, this.i + again));
    let weight = atom.weight;
    if (text.startsWith('{')) {
      // Go refuses nested counted repeats whose product passes 1000, such as ((a{40}){30}).
      const [min, max] = this.counts(text);
      const most = max < 0 ? min : max;
      weight = most === 0 ? 1 : most * atom.weight;
      if (weight > MAX_REPEAT) throw new PatternError('invalid repeat count', text);
    }
    f.weight = Math.max(f.weight, weight);
    return `${atom.assertion ? `(?:${atom.src})` : atom.src}${text}${lazy ? '?' : ''}`;
  }

  private quantifierAt(at: number): number {
    const c = this.p[at];
    if (c === '*' || c === '+' || c === '?') return 1;
    return c === '{' ? this.repeatAt(at) : 0;
  }
}
