/**
 * The globs windows select Syncs with: `*` is any run of characters and `?` any one character, neither
 * crossing `/`: `team-*` matches namespaces team-a and team-b, and `team-?/web` matches team-a/web but not
 * team-a/api.
 * Everything else is literal; Kubernetes names have no characters that would need escaping anyway.
 */

/** Compiles globs into one anchored RegExp that matches when any of them does. */
export function globsToRegExp(globs: readonly string[]): RegExp {
  const alternatives = globs.map((glob) =>
    [...glob]
      .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join(''),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`, 'u');
}
