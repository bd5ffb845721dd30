/**
 * An ImageRepository's `exclusionList`: Go regular expressions; a tag any of them matches (anywhere in the tag,
 * as Go's MatchString does) is dropped before policies see it, as in Flux, whose default is `^.*\.sig$` (cosign
 * signatures). Pure.
 *
 * Patterns are Go's (go-regexp translates them, as for ImagePolicy filterTags). Beyond Flux: a pattern
 * JavaScript's backtracking engine could take exponential time on is refused (see regexRisk), since Go's engine
 * is linear-time and Flux users write patterns for it.
 */
import { compileGoRegexp, type GoRegexpRefusal } from './go-regexp.js';

/** An exclusion list that cannot be used; `problems` are checkExclusionList's messages. */
export class ExclusionListError extends Error {
  override readonly name = 'ExclusionListError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid exclusionList: ${problems.join('; ')}`);
  }
}

/**
 * What is wrong with each pattern, as `exclusionList[i]: reason` messages (empty when every pattern is usable).
 * Patterns are never quoted back: the index names them.
 */
export function checkExclusionList(list: readonly string[]): string[] {
  return compileList(list).problems;
}

/**
 * The tags no pattern of `exclusionList` matches, in their order, and how many were dropped. Throws
 * ExclusionListError when a pattern is invalid (see checkExclusionList).
 */
export function excludeTags(
  tags: readonly string[],
  exclusionList: readonly string[],
): { tags: string[]; excluded: number } {
  if (exclusionList.length === 0) return { tags: [...tags], excluded: 0 };
  const { patterns, problems } = compileList(exclusionList);
  if (problems.length > 0) throw new ExclusionListError(problems);
  const kept = tags.filter((tag) => !patterns.some((p) => p.test(tag)));
  return { tags: kept, excluded: tags.length - kept.length };
}

function compileList(list: readonly string[]): { patterns: RegExp[]; problems: string[] } {
  const patterns: RegExp[] = [];
  const problems: string[] = [];
  list.forEach((pattern, i) => {
    const r = typeof pattern === 'string' ? compileGoRegexp(pattern) : undefined;
    if (r?.ok) patterns.push(r.value.regexp);
    else problems.push(`exclusionList[${i}]: ${r ? problemOf(r) : 'must be a string'}`);
  });
  return { patterns, problems };
}

/** The reason alone, without the pattern. */
function problemOf(r: GoRegexpRefusal): string {
  return r.kind === 'syntax' ? `must be a valid regular expression (Go syntax): ${r.reason}` : r.reason;
}
