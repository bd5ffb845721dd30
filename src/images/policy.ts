/**
 * ImagePolicy's choice of the newest tag, as fluxcd/image-reflector-controller makes it: filterTags first (Go
 * pattern, optional extract), then a semver range, alphabetical or numerical order. Pure: no I/O, no clock.
 *
 * Where Flux is ambiguous or depends on Go map order, this module decides:
 * - Ties (tags whose compared values are equal: `v1.0.0` and `1.0.0`, `1.0.0+a` and `1.0.0+b`, two tags with the
 *   same extract, `1` and `1.0` numerically) go to the byte-wise greatest tag, whatever the order of the input,
 *   so a registry that lists tags in another order never moves the pick. Flux keeps whichever it met first.
 * - Versions and ranges are Flux's (strict SemVer by default, Masterminds/semver v3 constraints): see
 *   semver-range.ts.
 * - Numerical values are read like Go's strconv.ParseFloat for decimals (sign, fraction, exponent, `5.` and
 *   `.5`); `inf`, `nan`, hex floats, underscores, an empty value and values beyond float64 are not numbers (Go
 *   takes the first four), and one such candidate fails the policy as in Flux.
 * - Messages name the byte-wise smallest offending tag, again so that they do not change with the input order.
 */
import {
  compareVersions,
  parseRange,
  parseVersion,
  type Range,
  satisfies,
  type Version,
} from './semver-range.js';
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
