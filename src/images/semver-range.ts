/**
 * Semantic versions and ranges as Flux's ImagePolicy reads them: fluxcd/pkg/version ParseVersion for tags, and
 * Masterminds/semver v3 Constraints for `policy.semver.range`. Pure.
 *
 * - Versions are read as Flux reads them: strict SemVer 2.0 with an optional leading `v`, so floating tags such
 *   as `1.2` or `1` are no versions; lenient reading is Masterminds NewVersion's (`1.2` is 1.2.0). Numbers
 *   above 2^64-1 are no versions, as in Masterminds.
 * - Ranges follow Masterminds/semver v3 Constraints, including its pre-release rule: a pre-release version
 *   satisfies a comparison only when that comparison's own version has a pre-release, so `>=1.0.0-0 <2.0.0`
 *   takes no pre-release while `>=1.0.0-0 <2.0.0-0` does. A wildcard major (`*`, `x`) matches every version
 *   with `=`, `~`, `^`, `>=` and `<=`, and none with `>`, `<` and `!=`.
 */

// --- versions -------------------------------------------------------------------------------------------------

/** A parsed version; build metadata is dropped, as it takes no part in precedence. */
export interface Version {
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

/** A tag as a version: strict (Flux) or lenient (Masterminds NewVersion); undefined when it is none. */
export function parseVersion(text: string, lenient: boolean): Version | undefined {
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
export function compareVersions(a: Version, b: Version): number {
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

// --- ranges ---------------------------------------------------------------------------------------------------

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

/** A parsed range: OR of ANDs of comparisons. */
export type Range = Constraint[][];

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

/** Parses a Masterminds constraint string; a message (completing "policy.semver.range ...") when it does not parse. */
export function parseRange(text: string): Range | string {
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

/** Whether `v` is in `range`. */
export function satisfies(v: Version, range: Range): boolean {
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
