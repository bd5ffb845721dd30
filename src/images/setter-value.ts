/**
 * What a setter writes, and how the new value is spelled in the scalar's own style. Pure.
 *
 * Like kyaml's setters, a plain scalar whose new value would read back as something other than that string (a
 * tag `1.10` is the float 1.1, `on` a boolean in YAML 1.1) is written double-quoted. The check reads the value
 * back under both YAML 1.2 (this project) and YAML 1.1 (Helm and the Kubernetes decoders). Quoted scalars keep
 * their quote style.
 *
 * The digest goes only where the marker asks for it: the whole image (`name:tag@digest`) and `:digest`; `:tag`
 * writes the tag alone, so a Helm chart that joins `repository:tag` keeps working.
 */
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { SetterKind } from './setter-marker.js';

/** The image an ImagePolicy picked; `image` is the name without tag or digest. */
export interface PolicyValue {
  image: string;
  tag: string;
  digest?: string;
}

/** How a scalar is written in the source. */
export type ScalarStyle = 'plain' | 'single' | 'double';

/**
 * The value a setter writes: `name:tag` (with `@digest` when the policy has one) for the whole image, else the
 * one part. Undefined for a digest setter when the policy has no digest.
 */
export function setterValue(policy: PolicyValue, setter: SetterKind): string | undefined {
  switch (setter) {
    case 'image':
      return policy.digest
        ? `${policy.image}:${policy.tag}@${policy.digest}`
        : `${policy.image}:${policy.tag}`;
    case 'tag':
      return policy.tag;
    case 'name':
      return policy.image;
    case 'digest':
      return policy.digest || undefined;
  }
}

/**
 * The source text of a scalar holding `value`, in `style`. `flow` says the scalar sits inside a flow collection,
 * where a plain scalar may not hold `,[]{}`.
 */
export function renderScalar(value: string, style: ScalarStyle, flow: boolean): string {
  if (style === 'single' && !NEEDS_ESCAPE.test(value)) {
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (style === 'plain' && plainReadsBack(value, flow)) return value;
  return doubleQuoted(value);
}

/**
 * What a quoted scalar may not hold raw: anything outside YAML's printable set, and line breaks (quoted scalars
 * fold them). The same ranges as src/plan/text.ts, less the line breaks.
 */
const NEEDS_ESCAPE = /[^\t\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NEEDS_ESCAPE_ALL = new RegExp(NEEDS_ESCAPE.source, 'gu');

function doubleQuoted(value: string): string {
  // JSON's escapes are a subset of YAML's; JSON leaves DEL and C1 controls raw, which YAML refuses.
  return JSON.stringify(value).replace(
    NEEDS_ESCAPE_ALL,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

const SCHEMAS = ['core', 'yaml-1.1'] as const;

/**
 * Whether `value` written plain reads back as the same string. The value is followed by a line comment (the
 * marker), so it is tried in that position rather than reasoned about character by character.
 */
function plainReadsBack(value: string, flow: boolean): boolean {
  const snippet = flow ? `[${value} #\n]\n` : `k: ${value} #\n`;
  for (const schema of SCHEMAS) {
    const doc = parseDocument(snippet, { schema, prettyErrors: false });
    if (doc.errors.length > 0) return false;
    const root = doc.contents;
    const node = flow
      ? isSeq(root)
        ? only(root.items)
        : undefined
      : isMap(root)
        ? only(root.items)?.value
        : undefined;
    if (!isScalar(node) || node.value !== value) return false;
  }
  return true;
}

function only<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}
