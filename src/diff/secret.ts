/**
 * Secret values kept out of diffs, as `flux diff` does (fluxcd/pkg/ssa `SanitizeUnstructuredData`): every value
 * under `data` and `stringData` becomes a marker that says whether it changed, never what it is. Key names
 * stay visible, so an added or removed key still shows.
 */
import { isSecret } from '../kube/redact.js';

/** A value that is the same on both sides, or present on one side only. */
export const MASK = '***';
/** The old side of a changed value. */
export const MASK_BEFORE = '*** (before)';
/** The new side of a changed value. */
export const MASK_AFTER = '*** (after)';

// kubectl's client-side apply keeps the whole last applied object, values included, in this annotation.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Obj = Record<string, unknown>;

/**
 * Copies of the two sides of a Secret's diff with every value masked; objects that are not Secrets are returned
 * as they are. Masking is pairwise: a value gets the before/after markers only when both sides have the key.
 */
export function maskSecretPair(before: Obj, after: Obj): { before: Obj; after: Obj } {
  if (!isSecret(before) && !isSecret(after)) return { before, after };
  const b = structuredClone(before);
  const a = structuredClone(after);
  for (const field of ['data', 'stringData']) maskMaps(b, a, field);
  maskMaps(metadataOf(b), metadataOf(a), 'annotations', (k) => k === LAST_APPLIED);
  return { before: b, after: a };
}

function metadataOf(obj: Obj): Obj | undefined {
  const meta = obj.metadata;
  return typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Obj) : undefined;
}

function mapAt(parent: Obj | undefined, field: string): Obj | undefined {
  const map = parent?.[field];
  return typeof map === 'object' && map !== null && !Array.isArray(map) ? (map as Obj) : undefined;
}

/** Masks `parent[field][key]` on both sides for every key (or the keys `only` selects), in place. */
function maskMaps(
  before: Obj | undefined,
  after: Obj | undefined,
  field: string,
  only: (key: string) => boolean = () => true,
): void {
  const mb = mapAt(before, field);
  const ma = mapAt(after, field);
  // Anything else under a Secret's data (a list, a scalar) is invalid but could still hold a value: hide it whole.
  for (const [parent, map] of [
    [before, mb],
    [after, ma],
  ] as const) {
    if (parent && field in parent && map === undefined && parent[field] !== null) parent[field] = MASK;
  }
  for (const key of new Set([...Object.keys(mb ?? {}), ...Object.keys(ma ?? {})])) {
    if (!only(key)) continue;
    const inBoth = mb !== undefined && ma !== undefined && key in mb && key in ma;
    const changed = inBoth && JSON.stringify(mb[key]) !== JSON.stringify(ma[key]);
    if (mb && key in mb) mb[key] = changed ? MASK_BEFORE : MASK;
    if (ma && key in ma) ma[key] = changed ? MASK_AFTER : MASK;
  }
}
