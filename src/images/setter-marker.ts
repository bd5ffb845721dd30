/**
 * Reads one image-policy setter marker, the JSON in a YAML line comment such as
 * `# {"$imagepolicy": "apps:podinfo:tag"}`. Pure.
 *
 * Flux reads the comment through kyaml's setter short hand, which ignores anything that does not unmarshal into
 * a map of strings, so a typo silently does nothing. Here a comment that starts with `{` and mentions
 * `$imagepolicy` is a marker, and one that cannot be read is reported with the reason.
 */

/** Which part of the policy's image a marker sets. */
export type SetterKind = 'image' | 'tag' | 'name' | 'digest';

/** A readable marker: the policy it names (`namespace:name`) and what it sets. */
export interface MarkerRef {
  policy: string;
  setter: SetterKind;
}

/** A marker that names a setter, or one that looks like a marker but cannot be read. */
export type MarkerRead = { ok: true; ref: MarkerRef } | { ok: false; reason: string };

/** The JSON key of a marker, as Flux spells it. */
export const MARKER_KEY = '$imagepolicy';

const FIELDS: ReadonlyMap<string, SetterKind> = new Map([
  ['tag', 'tag'],
  ['name', 'name'],
  ['digest', 'digest'],
]);
/** Namespaces and object names hold neither colons nor white space; anything else is left to the API server. */
const PART = /^[^\s:]+$/;

/**
 * Reads a comment's text (with its `#`). Returns undefined for a comment that is not a marker at all (prose that
 * mentions `$imagepolicy`, say), so the caller can leave it alone.
 */
export function readMarker(comment: string): MarkerRead | undefined {
  const body = comment.replace(/^#/, '').trim();
  if (!body.startsWith('{') || !body.includes(MARKER_KEY)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return { ok: false, reason: `the ${MARKER_KEY} marker is not valid JSON: ${(err as Error).message}` };
  }
  const value = isRecord(parsed) ? parsed[MARKER_KEY] : undefined;
  if (typeof value !== 'string') {
    return {
      ok: false,
      reason: `the ${MARKER_KEY} marker must be a JSON object with a string "${MARKER_KEY}"`,
    };
  }
  return readRef(value);
}

function readRef(value: string): MarkerRead {
  const parts = value.split(':');
  const [namespace, name, field] = parts;
  const setter = field === undefined ? 'image' : FIELDS.get(field);
  if (
    parts.length > 3 ||
    namespace === undefined ||
    name === undefined ||
    !PART.test(namespace) ||
    !PART.test(name) ||
    setter === undefined
  ) {
    return {
      ok: false,
      reason: `the ${MARKER_KEY} marker ${JSON.stringify(value)} must be "namespace:name" or "namespace:name:tag", ":name" or ":digest"`,
    };
  }
  return { ok: true, ref: { policy: `${namespace}:${name}`, setter } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
