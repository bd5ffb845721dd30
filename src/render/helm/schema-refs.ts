/**
 * What a chart's values.schema.json may reference. helm validates values against it with a JSON Schema library
 * that loads every reference it cannot resolve inside the document: `http(s)://` over the network, `file://`
 * and relative references from the agent's file system (relative to `/`, or to a remote `$id`). A chart is
 * third-party input, so only references inside the document itself (`#/definitions/x`, `#anchor`) pass, and
 * `$schema` must name a draft the library knows without loading it. Pure.
 */

/** Keywords whose string value is a URI reference the validator resolves. */
const REF_KEYWORDS = ['$ref', '$dynamicRef', '$recursiveRef'] as const;

/** The drafts helm's validator has built in; any other `$schema` is fetched. */
const KNOWN_METASCHEMA =
  /^https?:\/\/json-schema\.org\/(?:draft-0[467]\/schema|draft\/(?:2019-09|2020-12)\/schema)#?$/;

/** A reference the schema must not have. */
export interface SchemaRefProblem {
  /** JSON pointer to the object holding it, `#` for the root. */
  at: string;
  keyword: string;
  value: string;
  reason: string;
}

function pointerToken(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The first reference in a parsed schema that helm would resolve outside the document, or undefined. Every
 * object is checked, including data keywords such as `default`: telling schema positions from data would need
 * the full vocabulary, and a `$ref` in data is rare. Iterative, so a deep document cannot exhaust the stack.
 */
export function findExternalRef(schema: unknown): SchemaRefProblem | undefined {
  const stack: { value: unknown; at: string }[] = [{ value: schema, at: '#' }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { value, at } = top;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        stack.push({ value: v, at: `${at}/${i}` });
      });
      continue;
    }
    const obj = value as Record<string, unknown>;
    for (const keyword of REF_KEYWORDS) {
      const ref = obj[keyword];
      if (Object.hasOwn(obj, keyword) && typeof ref === 'string' && !ref.startsWith('#')) {
        return { at, keyword, value: ref, reason: 'is not a reference inside the schema (#/...)' };
      }
    }
    const meta = obj.$schema;
    if (Object.hasOwn(obj, '$schema') && typeof meta === 'string' && !KNOWN_METASCHEMA.test(meta)) {
      return {
        at,
        keyword: '$schema',
        value: meta,
        reason: 'is not a JSON Schema draft helm knows without fetching it',
      };
    }
    for (const [k, v] of Object.entries(obj)) stack.push({ value: v, at: `${at}/${pointerToken(k)}` });
  }
  return undefined;
}
