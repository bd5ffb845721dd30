/**
 * Picks a chart version the way `helm pull --version` does (helm's IndexFile.Get): a version given exactly is
 * taken as is, even a prerelease; otherwise the highest version satisfying the semver range wins, and
 * prereleases are considered only when the range names one. Pure: the candidates come in.
 */
import type { SemVer } from 'semver';
import { compareBuild, minVersion, parse, satisfies, validRange } from 'semver';
import { HelmSourceError } from './errors.js';
import type { ChartVersionEntry, ParsedIndex } from './types.js';

/** How many versions an error lists. */
const SHOWN = 5;

/**
 * The semver of a chart version, as lenient as helm's (Masterminds) parser: a leading `v`, and a missing minor
 * or patch (`1.2` is `1.2.0`). Undefined when it is not a version at all.
 */
export function toSemver(version: string): SemVer | undefined {
  const strict = parse(version);
  if (strict !== null) return strict;
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(
    version.trim(),
  );
  if (m === null) return undefined;
  return parse(`${m[1]}.${m[2] ?? '0'}.${m[3] ?? '0'}${m[4] ?? ''}`) ?? undefined;
}

/** Newest first; equal versions (`1.0.0+a`, `1.0.0+b`) by build metadata, then by their text, so order is stable. */
export function compareVersionsDesc(a: string, b: string): number {
  const va = toSemver(a);
  const vb = toSemver(b);
  if (va === undefined || vb === undefined) return va === undefined ? (vb === undefined ? 0 : 1) : -1;
  return compareBuild(vb, va) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The entry of `chart` that `range` selects from `index`. `where` names the repository in messages.
 * Throws ChartNotFound naming the closest available versions (or similar chart names) when nothing matches.
 */
export function selectVersion(
  index: ParsedIndex,
  chart: string,
  range: string | undefined,
  where = 'the index',
): ChartVersionEntry {
  const versions = index.entries.get(chart);
  if (versions === undefined) {
    const similar = similarNames(chart, [...index.entries.keys()]);
    const hint = similar.length > 0 ? `; similar charts: ${similar.join(', ')}` : '';
    throw new HelmSourceError('ChartNotFound', `chart '${chart}' not found in ${where}${hint}`);
  }
  return selectFrom(versions, (v) => v.version, range, `chart '${chart}' in ${where}`);
}

/**
 * The candidate whose version `range` selects (the generic core of {@link selectVersion}, also used for OCI
 * tags). `what` names the chart and its repository in messages.
 */
export function selectFrom<T>(
  candidates: readonly T[],
  versionOf: (c: T) => string,
  range: string | undefined,
  what: string,
): T {
  const wanted = normaliseRange(range);
  // An exact version wins before any range logic, as in helm: a pinned prerelease or a `v` prefix still matches.
  if (wanted !== '*') {
    const exact = candidates.find((c) => versionOf(c) === wanted);
    if (exact !== undefined) return exact;
  }
  if (validRange(wanted) === null)
    throw new HelmSourceError('ChartNotFound', `${what}: version '${range}' is not a valid semver range`);
  const options = { includePrerelease: namesPrerelease(wanted) };
  let best: { c: T; v: string } | undefined;
  for (const c of candidates) {
    const v = versionOf(c);
    const sv = toSemver(v);
    if (sv === undefined || !satisfies(sv, wanted, options)) continue;
    if (best === undefined || compareVersionsDesc(v, best.v) < 0) best = { c, v };
  }
  if (best !== undefined) return best.c;
  const available = closestVersions(candidates.map(versionOf), wanted);
  const shown =
    available.length === 0
      ? 'it has no versions'
      : `closest available: ${available.join(', ')}${candidates.length > available.length ? ` (of ${candidates.length})` : ''}`;
  throw new HelmSourceError('ChartNotFound', `${what}: no version matches '${range ?? '*'}'; ${shown}`, {
    available,
  });
}

/** Helm (Masterminds) separates AND-ed comparators with commas; node-semver with spaces. */
function normaliseRange(range: string | undefined): string {
  const r = (range ?? '').trim();
  return r === '' ? '*' : r.replace(/\s*,\s*/g, ' ');
}

/**
 * True when a comparator of the range as written carries a prerelease (`>=1.0.0-rc.1`). Read from the text:
 * node-semver itself rewrites `<2` to `<2.0.0-0`, which is not the user asking for prereleases.
 */
function namesPrerelease(range: string): boolean {
  return range
    .split(/\s+|\|\|/)
    .map((t) => t.replace(/^[\^~<>=v]+/, ''))
    .some((t) => (parse(t)?.prerelease.length ?? 0) > 0);
}

/**
 * Up to {@link SHOWN} versions around the lowest one the range would accept (two above it, the rest below),
 * newest first.
 */
function closestVersions(versions: readonly string[], range: string): string[] {
  const all = [...new Set(versions.filter((v) => toSemver(v) !== undefined))].sort(compareVersionsDesc);
  // Prereleases are noise to someone who did not ask for one, unless there is nothing else.
  const stable = all.filter((v) => (toSemver(v)?.prerelease.length ?? 0) === 0);
  const valid = namesPrerelease(range) || stable.length === 0 ? all : stable;
  let anchor: SemVer | null = null;
  try {
    anchor = minVersion(range);
  } catch {
    anchor = null;
  }
  if (anchor === null) return valid.slice(0, SHOWN);
  const a = anchor;
  const below = valid.findIndex((v) => compareBuild(toSemver(v) as SemVer, a) < 0);
  const split = below === -1 ? valid.length : below;
  const above = valid.slice(Math.max(0, split - 2), split);
  return [...above, ...valid.slice(split, split + SHOWN - above.length)];
}

/** Chart names within a small edit distance, for a typo in spec.helm.chart. */
function similarNames(name: string, names: readonly string[]): string[] {
  const limit = name.length <= 4 ? 1 : 2;
  return names
    .map((n) => ({ n, d: editDistance(name.toLowerCase(), n.toLowerCase(), limit) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map((x) => x.n);
}

/** Levenshtein distance, giving up (returning limit + 1) as soon as it exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length] ?? limit + 1;
}
