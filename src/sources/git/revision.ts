/**
 * Pure ref logic: which refs to list for a GitRef, which one to pick from the listing, and how to write the
 * revision in Flux's format. No I/O here, so it is table-tested in isolation.
 */
import { compare, parse, satisfies, validRange } from 'semver';
import { refShapeIsValid } from '../../core/git-ref.js';
import { GitSourceError } from './errors.js';
import type { GitRef, ResolvedRevision } from './types.js';

/** The subset of isomorphic-git's ServerRef this logic reads. */
export interface ListedRef {
  ref: string;
  oid: string;
  target?: string | undefined;
  peeled?: string | undefined;
}

/** A GitRef after precedence and validation. */
export type RefPlan =
  | { kind: 'commit'; sha: string; branch?: string }
  | { kind: 'name'; name: string }
  | { kind: 'semver'; range: string }
  | { kind: 'tag'; tag: string }
  | { kind: 'branch'; branch: string }
  | { kind: 'head' };

const SHA1 = /^[0-9a-f]{40}$/;

/** Applies Flux's precedence (commit > name > semver > tag > branch) and validates the chosen fields. */
export function planRef(ref: GitRef): RefPlan {
  if (ref.commit !== undefined) {
    const sha = ref.commit.toLowerCase();
    if (!SHA1.test(sha))
      throw new GitSourceError('InvalidRef', 'ref.commit must be a full 40-character SHA-1');
    if (ref.branch === undefined) return { kind: 'commit', sha };
    return { kind: 'commit', sha, branch: checkRefPart(ref.branch, 'ref.branch') };
  }
  if (ref.name !== undefined) {
    if (!ref.name.startsWith('refs/')) {
      throw new GitSourceError('InvalidRef', 'ref.name must be a full reference starting with refs/');
    }
    return { kind: 'name', name: checkRefPart(ref.name, 'ref.name') };
  }
  if (ref.semver !== undefined) {
    if (validRange(ref.semver) === null) {
      throw new GitSourceError('InvalidRef', `ref.semver "${ref.semver}" is not a valid semver range`);
    }
    return { kind: 'semver', range: ref.semver };
  }
  if (ref.tag !== undefined) return { kind: 'tag', tag: checkRefPart(ref.tag, 'ref.tag') };
  if (ref.branch !== undefined) return { kind: 'branch', branch: checkRefPart(ref.branch, 'ref.branch') };
  return { kind: 'head' };
}

/** The ls-refs prefix that lists exactly what the plan needs (prefixes over-match; `selectRevision` filters). */
export function listPrefix(plan: RefPlan): string {
  switch (plan.kind) {
    case 'commit':
      return plan.branch === undefined ? 'HEAD' : `refs/heads/${plan.branch}`;
    case 'name':
      return plan.name;
    case 'semver':
      return 'refs/tags/';
    case 'tag':
      return `refs/tags/${plan.tag}`;
    case 'branch':
      return `refs/heads/${plan.branch}`;
    case 'head':
      return 'HEAD';
  }
}

/** Picks the revision for a plan from the remote's listing. */
export function selectRevision(plan: RefPlan, refs: readonly ListedRef[]): ResolvedRevision {
  const find = (name: string) => refs.find((r) => r.ref === name);
  switch (plan.kind) {
    case 'commit': {
      if (plan.branch === undefined)
        return { ref: 'HEAD', sha: plan.sha, revision: formatRevision('', plan.sha) };
      const ref = `refs/heads/${plan.branch}`;
      if (find(ref) === undefined) throw refNotFound(`branch "${plan.branch}"`);
      return { ref, sha: plan.sha, revision: formatRevision(ref, plan.sha) };
    }
    case 'semver': {
      const tags = refs
        .filter((r) => r.ref.startsWith('refs/tags/'))
        .map((r) => r.ref.slice('refs/tags/'.length));
      const tag = pickSemverTag(tags, plan.range);
      if (tag === undefined) throw refNotFound(`no tag matching semver "${plan.range}"`);
      return resolved(find(`refs/tags/${tag}`));
    }
    case 'head': {
      const head = find('HEAD');
      if (head === undefined) throw refNotFound('HEAD (is the repository empty?)');
      return resolved({ ...head, ref: head.target ?? 'HEAD' });
    }
    case 'name':
      return resolved(find(plan.name), `ref "${plan.name}"`);
    case 'tag':
      return resolved(find(`refs/tags/${plan.tag}`), `tag "${plan.tag}"`);
    case 'branch':
      return resolved(find(`refs/heads/${plan.branch}`), `branch "${plan.branch}"`);
  }
}

function resolved(listed: ListedRef | undefined, what = 'ref'): ResolvedRevision {
  if (listed === undefined) throw refNotFound(what);
  // Annotated tags list the tag object; the artifact is about the commit it points to.
  const sha = listed.peeled ?? listed.oid;
  return { ref: listed.ref, sha, revision: formatRevision(listed.ref, sha) };
}

function refNotFound(what: string): GitSourceError {
  return new GitSourceError('RefNotFound', `${what} not found on the remote`);
}

/**
 * Flux's revision string: branches and tags by short name (`main@sha1:<sha>`, `v1.2.0@sha1:<sha>`), other
 * refs by full name, and a bare `sha1:<sha>` when no ref is named (an empty ref or `HEAD`).
 */
export function formatRevision(ref: string, sha: string): string {
  if (ref === '' || ref === 'HEAD') return `sha1:${sha}`;
  const short = ref.replace(/^refs\/(heads|tags)\//, '');
  return `${short}@sha1:${sha}`;
}

/**
 * The highest tag satisfying the range. Tags that are not semver (a leading `v` is fine) are ignored;
 * prereleases match only when the range names one, as in npm and Flux. Ties between equal versions
 * (`v1.0.0` and `1.0.0`) go to the lexically smaller name, so the pick is stable.
 */
export function pickSemverTag(tags: readonly string[], range: string): string | undefined {
  let best: { tag: string; version: string } | undefined;
  for (const tag of tags) {
    const version = parse(tag)?.version;
    if (version === undefined || !satisfies(version, range)) continue;
    const order = best === undefined ? 1 : compare(version, best.version);
    if (best === undefined || order > 0 || (order === 0 && tag < best.tag)) best = { tag, version };
  }
  return best?.tag;
}

/** A light `git check-ref-format`: refuses what cannot be a ref before it reaches a server or a message. */
export function checkRefPart(value: string, field: string): string {
  const bad =
    value === '' ||
    value.length > 255 ||
    !refShapeIsValid(value) ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what git refuses
    /[\x00-\x20\x7f~^:?*[\\]/.test(value);
  if (bad) throw new GitSourceError('InvalidRef', `${field} is not a valid Git reference name`);
  return value;
}
