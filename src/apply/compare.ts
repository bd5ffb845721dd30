/**
 * Drift detection the fluxcd/pkg/ssa way: the server-side dry-run result is the object as the API server would
 * store it after Steward's apply (defaults, admission, field removal all included), so comparing it with the
 * live object tells whether a real apply would change anything. Equal means no write at all, which keeps
 * resourceVersions, generations and watch streams quiet on a no-op reconcile.
 */

/** Metadata the server rewrites on every write or that says nothing about the desired state. */
const VOLATILE_METADATA = [
  'managedFields',
  'resourceVersion',
  'generation',
  'uid',
  'creationTimestamp',
] as const;

/**
 * A copy of `obj` with what must not count as drift removed: `status` (owned by controllers, ignored on the
 * main endpoint) and the volatile metadata above.
 */
export function normalizeForCompare(obj: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = obj;
  if (typeof metadata !== 'object' || metadata === null) return rest;
  const meta: Record<string, unknown> = { ...(metadata as Record<string, unknown>) };
  for (const k of VOLATILE_METADATA) delete meta[k];
  return { ...rest, metadata: meta };
}

/** Deep equality of JSON values, insensitive to object key order (list order counts). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && jsonEqual(ra[k], rb[k]));
}

/** True when applying would leave the live object as it is. */
export function isUnchanged(live: Record<string, unknown>, dryRun: Record<string, unknown>): boolean {
  return jsonEqual(normalizeForCompare(live), normalizeForCompare(dryRun));
}

/**
 * The top-level paths (two levels deep) where the dry-run result differs from the live object, for logs and
 * events: `spec.replicas`, `metadata.labels`. Values are never included (Secrets).
 */
export function changedPaths(live: Record<string, unknown>, dryRun: Record<string, unknown>): string[] {
  const a = normalizeForCompare(live);
  const b = normalizeForCompare(dryRun);
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const va = a[k];
    const vb = b[k];
    if (jsonEqual(va, vb)) continue;
    const nested =
      typeof va === 'object' && va !== null && !Array.isArray(va) && typeof vb === 'object' && vb !== null;
    if (!nested) {
      out.push(k);
      continue;
    }
    const ra = va as Record<string, unknown>;
    const rb = vb as Record<string, unknown>;
    for (const k2 of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      if (!jsonEqual(ra[k2], rb[k2])) out.push(`${k}.${k2}`);
    }
  }
  return out.sort();
}
