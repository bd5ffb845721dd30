/**
 * An ImageRepository's `exclusionList`: Go regular expressions; a tag any of them matches (anywhere in the tag,
 * as Go's MatchString does) is dropped before policies see it, as in Flux, whose default is `^.*\.sig$` (cosign
 * signatures). Pure.
 *
 * Beyond Flux: a pattern JavaScript's backtracking engine could take exponential time on is refused (see
 * regexRisk), since Go's engine is linear-time and Flux users write patterns for it.
 */
import { regexRisk } from '../api/regex-risk.js';
import { compileGoRegExp, GoRegExpError } from './scan-regexp.js';

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
  const problems: string[] = [];
  list.forEach((pattern, i) => {
    const problem = patternProblem(pattern);
    if (problem !== undefined) problems.push(`exclusionList[${i}]: ${problem}`);
  });
  return problems;
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
  const problems = checkExclusionList(exclusionList);
  if (problems.length > 0) throw new ExclusionListError(problems);
  const patterns = exclusionList.map(compileGoRegExp);
  const kept = tags.filter((tag) => !patterns.some((p) => p.test(tag)));
  return { tags: kept, excluded: tags.length - kept.length };
}

function patternProblem(pattern: string): string | undefined {
  if (typeof pattern !== 'string') return 'must be a string';
  const risk = regexRisk(pattern);
  if (risk !== undefined) return risk;
  try {
    compileGoRegExp(pattern);
  } catch (err) {
    if (err instanceof GoRegExpError) return `must be a valid regular expression (Go syntax): ${err.message}`;
    throw err;
  }
  return undefined;
}
