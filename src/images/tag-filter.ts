/**
 * ImagePolicy `filterTags`: a Go (RE2) pattern, compiled by go-regexp, and Go's Regexp.Expand for `extract`.
 * Pure: no I/O.
 *
 * Differs from Flux: an `extract` that names a group the pattern lacks, or holds a malformed `$` reference, is
 * refused up front, where Go's Expand silently writes nothing (or a literal `$`).
 */
import { compileGoRegexp, type GoRegexp } from './go-regexp.js';

// Validation imports the pattern check from here, next to the filter it checks.

/** filterTags of an ImagePolicy: tags must match `pattern`; `extract` says what the policy compares. */
export interface TagFilter {
  pattern: string;
  extract?: string;
}

/** A problem with a filter, keyed by field path relative to spec. */
export interface FilterProblem {
  path: 'filterTags.pattern' | 'filterTags.extract';
  message: string;
}

/** From a tag, the value the policy compares; undefined when the tag does not match. */
export type TagExtractor = (tag: string) => string | undefined;

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
