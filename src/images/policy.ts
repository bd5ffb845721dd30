/**
 * ImagePolicy's choice of the newest tag, as fluxcd/image-reflector-controller makes it: filterTags first (Go
 * pattern, optional extract), then a semver range, alphabetical or numerical order. Pure: no I/O, no clock.
 *
 * Where Flux is ambiguous or depends on Go map order, this module decides:
 * - Ties (tags whose compared values are equal: `v1.0.0` and `1.0.0`, `1.0.0+a` and `1.0.0+b`, two tags with the
 *   same extract, `1` and `1.0` numerically) go to the byte-wise greatest tag, whatever the order of the input,
 *   so a registry that lists tags in another order never moves the pick. Flux keeps whichever it met first.
 * - Versions are read as Flux reads them (fluxcd/pkg/version ParseVersion): strict SemVer 2.0 with an optional
 *   leading `v`, so floating tags such as `1.2` or `1` are skipped; `versions: 'lenient'` reads them as
 *   Masterminds NewVersion does (`1.2` is 1.2.0). Numbers above 2^64-1 are no versions, as in Masterminds.
 * - Ranges follow Masterminds/semver v3 Constraints, including its pre-release rule: a pre-release version
 *   satisfies a comparison only when that comparison's own version has a pre-release, so `>=1.0.0-0 <2.0.0`
 *   takes no pre-release while `>=1.0.0-0 <2.0.0-0` does. A wildcard major (`*`, `x`) matches every version
 *   with `=`, `~`, `^`, `>=` and `<=`, and none with `>`, `<` and `!=`.
 * - Numerical values are read like Go's strconv.ParseFloat for decimals (sign, fraction, exponent, `5.` and
 *   `.5`); `inf`, `nan`, hex floats, underscores, an empty value and values beyond float64 are not numbers (Go
 *   takes the first four), and one such candidate fails the policy as in Flux.
 * - Messages name the byte-wise smallest offending tag, again so that they do not change with the input order.
 */
import { compileTagFilter, type TagExtractor, type TagFilter } from './tag-filter.js';

export type { TagFilter } from './tag-filter.js';

/** asc picks the last value in ascending order (the newest for sortable tags), desc the first. */
export type PolicyOrder = 'asc' | 'desc';

/** How the newest tag is chosen: exactly one of semver, alphabetical, numerical. */
export type PolicyRule =
  | { semver: { range: string } }
  | { alphabetical: { order?: PolicyOrder } } // default asc
  | { numerical: { order?: PolicyOrder } }; // default asc

/** The result of a choice: a tag, or why there is none. */
export type PolicySelection =
  | { ok: true; tag: string; candidates: number } // candidates = tags that passed the filter (and parse)
  | { ok: false; reason: 'NoMatchingTag' | 'InvalidPolicy'; message: string };

/** Options beyond Flux's fields. */
export interface SelectOptions {
  /** How tags are read as versions: 'strict' as Flux (the default), 'lenient' as Masterminds NewVersion. */
  versions?: 'strict' | 'lenient';
}

/**
 * Problems with the rule or the filter, as messages keyed by field path relative to spec (e.g.
 * 'policy.semver.range', 'filterTags.pattern', 'filterTags.extract'); empty when valid.
 */
export function checkPolicy(rule: PolicyRule, filter?: TagFilter): { path: string; message: string }[] {
  const c = compile(rule, filter);
  return c.ok ? [] : c.problems;
}

/** Picks the newest allowed tag of `tags` (any order) by `rule`, after `filter`. Linear in the number of tags. */
export function selectTag(
  tags: readonly string[],
  rule: PolicyRule,
  filter?: TagFilter,
  options: SelectOptions = {},
): PolicySelection {
  const c = compile(rule, filter);
  if (!c.ok)
    return {
      ok: false,
      reason: 'InvalidPolicy',
      message: c.problems.map((p) => `spec.${p.path}: ${p.message}`).join('; '),
    };
  const policy = c.policy;
  if (tags.length === 0) return noMatch('there are no tags to choose from');
  const candidates: Candidate[] = [];
  for (const tag of tags) {
    const value = policy.extract ? policy.extract(tag) : tag;
    if (value !== undefined) candidates.push({ tag, value });
  }
  if (candidates.length === 0)
    return noMatch(
      tags.length === 1
        ? `the only tag does not match filterTags.pattern '${filter?.pattern}'`
        : `none of the ${tags.length} tags matches filterTags.pattern '${filter?.pattern}'`,
    );
  const scope = new Scope(tags.length, candidates.length, filter);
  if (policy.kind === 'semver')
    return pickVersion(candidates, policy.range, policy.rangeText, options.versions === 'lenient', scope);
  if (policy.kind === 'numerical') return pickNumber(candidates, policy.order, scope);
  return pickString(candidates, policy.order);
}

// --- compiling the rule and the filter ----------------------------------------------------------------------

type Problem = { path: string; message: string };

type Compiled = { extract?: TagExtractor } & (
  | { kind: 'semver'; range: Range; rangeText: string }
  | { kind: 'alphabetical' | 'numerical'; order: PolicyOrder }
);

const KINDS = ['semver', 'alphabetical', 'numerical'] as const;

/** The rule and the filter ready to run, or every problem with them (the input may not have been validated). */
function compile(
  rule: PolicyRule,
  filter?: TagFilter,
): { ok: true; policy: Compiled } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  let extract: TagExtractor | undefined;
  if (filter) {
    const f = compileTagFilter(filter);
    if (f.ok) extract = f.extract;
    else problems.push(...f.problems);
  }
  const fields = rule as Record<string, unknown>;
  const kinds = KINDS.filter((k) => fields[k] !== undefined && fields[k] !== null);
  const kind = kinds[0];
  let policy: Compiled | undefined;
  if (kinds.length !== 1 || kind === undefined) {
    problems.push({ path: 'policy', message: 'must set exactly one of semver, alphabetical, numerical' });
  } else if (kind === 'semver') {
    const text = (fields.semver as { range?: unknown }).range;
    const range = typeof text === 'string' ? parseRange(text) : 'must be a string';
    if (typeof range === 'string') problems.push({ path: 'policy.semver.range', message: range });
    else policy = { kind, range, rangeText: text as string };
  } else {
    const order = (fields[kind] as { order?: unknown }).order ?? 'asc';
    if (order === 'asc' || order === 'desc') policy = { kind, order };
    else
      problems.push({
        path: `policy.${kind}.order`,
        message: `must be asc or desc (got '${String(order)}')`,
      });
  }
  if (problems.length > 0 || !policy) return { ok: false, problems };
  if (extract) policy.extract = extract;
  return { ok: true, policy };
}

// --- the three choices -----------------------------------------------------------------------------------

interface Candidate {
  tag: string;
  /** What the policy compares: the tag, or its extract. */
  value: string;
}

const noMatch = (message: string): PolicySelection => ({ ok: false, reason: 'NoMatchingTag', message });

/** How many tags there were and what filtered them, for messages. */
class Scope {
  constructor(
    readonly total: number,
    readonly matched: number,
    readonly filter: TagFilter | undefined,
  ) {}

  /** "none of the 12 tags of 40 that match filterTags.pattern '^v' is", "none of the 40 tags is", "the only tag is not". */
  noneOf(): string {
    const matching = this.filter
      ? ` of ${this.total} that match filterTags.pattern '${this.filter.pattern}'`
      : '';
    if (this.matched === 1) return `the only tag${matching.replace('match', 'matches')} is not`;
    return `none of the ${this.matched} tags${matching} is`;
  }

  /** " after extract '$v'" when there is an extract. */
  extracted(): string {
    return this.filter?.extract ? ` after extract '${this.filter.extract}'` : '';
  }
}

/** Byte-wise comparison of UTF-8 strings, as Go's sort.Strings: code point order, not UTF-16 unit order. */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

/** Whether `c` beats `best` given the comparison of their values (positive: c's value is higher). */
function beats(d: number, order: PolicyOrder, c: Candidate, best: Candidate): boolean {
  if (d !== 0) return order === 'asc' ? d > 0 : d < 0;
  return compareBytes(c.tag, best.tag) > 0;
}

function pickString(candidates: Candidate[], order: PolicyOrder): PolicySelection {
  let best = candidates[0] as Candidate;
  for (const c of candidates) if (beats(compareBytes(c.value, best.value), order, c, best)) best = c;
  return { ok: true, tag: best.tag, candidates: candidates.length };
}

/** Go strconv.ParseFloat's decimal syntax. */
const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

function parseNumber(value: string): number | undefined {
  if (!DECIMAL.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function pickNumber(candidates: Candidate[], order: PolicyOrder, scope: Scope): PolicySelection {
  let best: { c: Candidate; n: number } | undefined;
  let bad: Candidate | undefined;
  let bads = 0;
  for (const c of candidates) {
    const n = parseNumber(c.value);
    if (n === undefined) {
      bads += 1;
      if (!bad || compareBytes(c.tag, bad.tag) < 0) bad = c;
    } else if (!best || beats(n - best.n, order, c, best.c)) {
      best = { c, n };
    }
  }
  if (bad) {
    const what = scope.filter?.extract
      ? `tag '${bad.tag}' gives '${bad.value}'${scope.extracted()}, which is not a number`
      : `tag '${bad.tag}' is not a number`;
    const every = scope.filter ? 'every tag that matches filterTags.pattern' : 'every tag';
    const hint = scope.filter ? '' : '; filterTags.pattern can keep only the numeric ones';
    return {
      ok: false,
      reason: 'InvalidPolicy',
      message: `${what}: the numerical policy compares ${every} as a number (${bads} of ${scope.matched} are not${hint})`,
    };
  }
  return { ok: true, tag: (best as { c: Candidate }).c.tag, candidates: candidates.length };
}

function pickVersion(
  candidates: Candidate[],
  range: Range,
  rangeText: string,
  lenient: boolean,
  scope: Scope,
): PolicySelection {
  let best: { c: Candidate; v: Version } | undefined;
  let outside: { c: Candidate; v: Version } | undefined; // the highest version not in range, for the message
  let versions = 0;
  for (const c of candidates) {
    const v = parseVersion(c.value, lenient);
    if (!v) continue;
    versions += 1;
    if (satisfies(v, range)) {
      if (!best || beats(compareVersions(v, best.v), 'asc', c, best.c)) best = { c, v };
    } else if (!outside || beats(compareVersions(v, outside.v), 'asc', c, outside.c)) {
      outside = { c, v };
    }
  }
  if (best) return { ok: true, tag: best.c.tag, candidates: versions };
  if (!outside)
    return noMatch(
      `${scope.noneOf()} a semantic version${scope.extracted()} (such as 1.2.3 or v1.2.3${lenient ? ', 1.2 or 1' : ''})`,
    );
  const counted = scope.filter
    ? `${scope.matched} match filterTags.pattern '${scope.filter.pattern}', ${versions} of them ${versions === 1 ? 'is a version' : 'are versions'}`
    : `${versions} ${versions === 1 ? 'is a version' : 'are versions'}`;
  const hint = outside.v.pre.length
    ? `; a pre-release is only taken by a range whose comparisons name pre-releases, such as '>=1.0.0-0 <2.0.0-0'`
    : '';
  return noMatch(
    `no tag of ${scope.total} is in semver range '${rangeText}' (${counted}, the highest ${outside.c.tag})${hint}`,
  );
}

// --- versions: Masterminds/semver v3 as Flux uses it ---------------------------------------------------------

interface Version {
  /** Decimal digits without leading zeros, so that length then text order is numeric order. */
  major: string;
  minor: string;
  patch: string;
  pre: readonly string[];
}

const NUM = '(0|[1-9][0-9]*)';
const PRE_ID = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
const PRE = `${PRE_ID}(?:\\.${PRE_ID})*`;
const META = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
/** fluxcd/pkg/version ParseVersion: StrictNewVersion after one leading `v`. */
const STRICT = new RegExp(`^v?${NUM}\\.${NUM}\\.${NUM}(?:-(${PRE}))?(?:\\+${META})?$`);
/** Masterminds NewVersion. */
const LENIENT = new RegExp(`^v?([0-9]+)(?:\\.([0-9]+))?(?:\\.([0-9]+))?(?:-(${PRE}))?(?:\\+${META})?$`);
const UINT64_MAX = '18446744073709551615';

/** Digits as a uint64 without leading zeros, or undefined when too large (Masterminds parses uint64). */
function uint(digits: string | undefined): string | undefined {
  const d = (digits ?? '0').replace(/^0+(?=.)/, '');
  return d.length < 20 || (d.length === 20 && d <= UINT64_MAX) ? d : undefined;
}

function parseVersion(text: string, lenient: boolean): Version | undefined {
  const m = (lenient ? LENIENT : STRICT).exec(text);
  if (!m) return undefined;
  const major = uint(m[1]);
  const minor = uint(m[2]);
  const patch = uint(m[3]);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, pre: m[4] ? m[4].split('.') : [] };
}

function compareNumbers(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

const NUMERIC = /^[0-9]+$/;

/** SemVer precedence (build metadata ignored), as Masterminds Version.Compare. */
function compareVersions(a: Version, b: Version): number {
  const d =
    compareNumbers(a.major, b.major) || compareNumbers(a.minor, b.minor) || compareNumbers(a.patch, b.patch);
  if (d !== 0) return d;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length; // a release beats its pre-releases
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = NUMERIC.test(x);
    const yn = NUMERIC.test(y);
    if (xn && yn) return compareNumbers(uint(x) ?? x, uint(y) ?? y);
    if (xn !== yn) return xn ? -1 : 1; // numeric identifiers rank below alphanumeric ones
    return x < y ? -1 : 1;
  }
  return 0;
}

// --- ranges: Masterminds/semver v3 Constraints -----------------------------------------------------------------

type Op = '' | '=' | '!=' | '>' | '<' | '>=' | '=>' | '<=' | '=<' | '~' | '~>' | '^';

interface Constraint {
  op: Op;
  con: Version;
  /** A wildcard major (`*`, `x`, `X`). */
  any: boolean;
  /** Minor left out or a wildcard (`1`, `1.x`). */
  minorDirty: boolean;
  /** Patch left out or a wildcard (`1.2`, `1.2.x`). */
  patchDirty: boolean;
}

/** OR of ANDs. */
type Range = Constraint[][];

const SEG = '([0-9]+|[xX*])';
const CV = `v?${SEG}(?:\\.${SEG})?(?:\\.${SEG})?(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+${META})?`;
const CV_PLAIN = CV.replace(/\((?!\?)/g, '(?:');
const CONSTRAINT = new RegExp(`\\s*(!=|>=|=>|<=|=<|~>|>|<|=|~|\\^)?\\s*${CV}`, 'y');
const SEPARATOR = /\s*(,)?\s*/y;
/** Masterminds rewrites `A - B` (spaces required) into `>= A, <= B`. */
const HYPHEN = new RegExp(`\\s*(${CV_PLAIN})\\s+-\\s+(${CV_PLAIN})\\s*`, 'g');
const PRE_ONLY = new RegExp(`^${PRE}$`);

const RANGE_HELP = "must be a semver range such as '>=1.0.0 <2.0.0', '^1.2', '~1.2.3' or '1.x'";

const isX = (s: string | undefined) => s === 'x' || s === 'X' || s === '*';

/** Parses a Masterminds constraint string; a message when it does not parse. */
function parseRange(text: string): Range | string {
  const rewritten = text.replace(HYPHEN, (_m, a: string, b: string) => ` >= ${a}, <= ${b} `);
  const range: Range = [];
  for (const part of rewritten.split('||')) {
    if (part.trim() === '') return `${RANGE_HELP}: an alternative around '||' is empty`;
    const and: Constraint[] = [];
    for (let at = 0; at < part.length; ) {
      CONSTRAINT.lastIndex = at;
      const m = CONSTRAINT.exec(part);
      const c = m && constraintOf(m);
      if (!m || !c) return `${RANGE_HELP}: cannot read '${part.slice(at).trim()}'`;
      and.push(c);
      SEPARATOR.lastIndex = CONSTRAINT.lastIndex;
      const sep = SEPARATOR.exec(part) as RegExpExecArray;
      at = SEPARATOR.lastIndex;
      if (at < part.length && sep[0] === '')
        return `${RANGE_HELP}: expected a space or a comma before '${part.slice(at).trim()}'`;
      if (at === part.length && sep[1]) return `${RANGE_HELP}: nothing follows the last comma`;
    }
    range.push(and);
  }
  return range;
}

function constraintOf(m: RegExpExecArray): Constraint | undefined {
  const [, op = '', major, minor, patch, pre] = m;
  if (pre !== undefined && !PRE_ONLY.test(pre)) return undefined; // a numeric identifier with a leading zero
  const any = isX(major);
  const minorDirty = !any && (minor === undefined || isX(minor));
  const patchDirty = !any && !minorDirty && (patch === undefined || isX(patch));
  const M = uint(any ? '0' : major);
  const mi = uint(any || minorDirty ? '0' : minor);
  const pa = uint(any || minorDirty || patchDirty ? '0' : patch);
  if (M === undefined || mi === undefined || pa === undefined) return undefined;
  return {
    op: op as Op,
    con: { major: M, minor: mi, patch: pa, pre: pre ? pre.split('.') : [] },
    any,
    minorDirty,
    patchDirty,
  };
}

function satisfies(v: Version, range: Range): boolean {
  return range.some((and) => and.every((c) => check(v, c)));
}

/** One comparison, as Masterminds' constraint functions. */
function check(v: Version, c: Constraint): boolean {
  const dirty = c.any || c.minorDirty || c.patchDirty;
  // Masterminds issue 21: a pre-release only satisfies a comparison that names a pre-release (a plain != aside).
  if (v.pre.length > 0 && c.con.pre.length === 0 && !(c.op === '!=' && !dirty)) return false;
  if (c.any) return !(c.op === '>' || c.op === '<' || c.op === '!=');
  const cmp = compareVersions(v, c.con);
  const major = compareNumbers(v.major, c.con.major);
  const minor = compareNumbers(v.minor, c.con.minor);
  switch (c.op) {
    case '':
    case '=':
      return dirty ? tilde(c, cmp, major, minor) : cmp === 0;
    case '!=':
      if (!dirty) return cmp !== 0;
      if (major !== 0) return true;
      if (c.minorDirty) return false;
      if (minor !== 0) return true;
      // `!=1.2.x` leaves out 1.2.* releases; its pre-releases differ only when they name another one.
      return (v.pre.length > 0 || c.con.pre.length > 0) && compareVersions(v, { ...v, pre: c.con.pre }) !== 0;
    case '>':
      if (!dirty) return cmp > 0;
      if (major !== 0) return major > 0;
      if (c.minorDirty) return false; // >1 wants 2.0.0 or higher
      return minor > 0; // >1.2 wants 1.3.0 or higher
    case '<':
      return cmp < 0;
    case '>=':
    case '=>':
      return cmp >= 0;
    case '<=':
    case '=<':
      if (!dirty) return cmp <= 0;
      if (major !== 0) return major < 0;
      return c.minorDirty || minor <= 0; // <=1 takes every 1.x, <=1.2 every 1.2.x
    case '~':
    case '~>':
      return tilde(c, cmp, major, minor);
    case '^':
      return caret(v, c, cmp, major, minor);
  }
}

/** `~1.2.3` is >=1.2.3 <1.3.0, `~1.2` and `~1.2.x` >=1.2.0 <1.3.0, `~1` >=1.0.0 <2.0.0. */
function tilde(c: Constraint, cmp: number, major: number, minor: number): boolean {
  if (cmp < 0) return false;
  // Masterminds: ~0.0.0 (written out in full) is >=0.0.0.
  const zero = c.con.major === '0' && c.con.minor === '0' && c.con.patch === '0';
  if (zero && !c.minorDirty && !c.patchDirty) return true;
  if (major !== 0) return false;
  return minor === 0 || c.minorDirty;
}

/** `^1.2.3` is >=1.2.3 <2.0.0, `^0.2.3` >=0.2.3 <0.3.0, `^0.0.3` >=0.0.3 <0.0.4, `^0` <1.0.0, `^0.0` <0.1.0. */
function caret(v: Version, c: Constraint, cmp: number, major: number, minor: number): boolean {
  if (cmp < 0) return false;
  if (c.con.major !== '0' || c.minorDirty) return major === 0;
  if (v.major !== '0') return false;
  if (c.con.minor !== '0' || c.patchDirty) return minor === 0;
  if (v.minor !== '0') return false;
  return compareNumbers(v.patch, c.con.patch) === 0;
}
