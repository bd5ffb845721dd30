/**
 * What the scanner makes of a registry's tag list: only valid tags, each once, in byte order, and a digest of
 * the result that says whether the tags changed. Pure.
 *
 * Flux keeps whatever the registry lists. Steward drops names that are not valid tags (the Distribution spec's
 * `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`): no image reference can name them, and a registry that sends a
 * megabyte-long "tag" would otherwise cost every exclusion pattern and policy that reads it.
 */
import { createHash } from 'node:crypto';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The valid tags of `listed`, de-duplicated and sorted by their UTF-8 bytes, and how many were not valid. */
export function normalizeTags(listed: readonly string[]): { tags: string[]; ignored: number } {
  const unique = new Set<string>();
  let ignored = 0;
  for (const tag of listed) {
    if (TAG.test(tag)) unique.add(tag);
    else ignored++;
  }
  return { tags: [...unique].sort(compareBytes), ignored };
}

/** `sha256:<hex>` of a sorted tag list; equal lists give equal revisions, whatever order the registry used. */
export function tagsRevision(sortedTags: readonly string[]): string {
  // JSON, so no tag list can be written two ways.
  return `sha256:${createHash('sha256').update(JSON.stringify(sortedTags)).digest('hex')}`;
}

/** Tags are ASCII (see TAG), where UTF-16 code-unit order is byte order. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
