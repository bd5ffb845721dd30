/** The YAML a diff compares: normalized (src/apply's rules), Secret values masked, keys in a stable order. */
import { stringify } from 'yaml';
import { normalizeForCompare } from '../apply/compare.js';
import { refString } from '../core/types.js';
import type { Obj } from '../kube/types.js';
import { maskSecretPair } from './secret.js';
import { unifiedDiff } from './unified.js';

// Identity first, as every manifest is written; everything else alphabetically.
const TOP_LEVEL_FIRST = ['apiVersion', 'kind', 'metadata'];

function sortKeys(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (typeof value !== 'object' || value === null) return value;
  const rank = (k: string) =>
    top && TOP_LEVEL_FIRST.includes(k) ? TOP_LEVEL_FIRST.indexOf(k) : TOP_LEVEL_FIRST.length;
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = sortKeys(v);
  }
  return out;
}

/**
 * An object as YAML with sorted keys, so that key order (which the API server does not promise to keep) never
 * shows as a change. Long strings are not folded: a folded line would show a change on lines that did not change.
 */
export function canonicalYaml(obj: Obj): string {
  return stringify(sortKeys(obj, true), { aliasDuplicateObjects: false, lineWidth: 0 });
}

/**
 * The unified diff between the live object and the server's dry-run result, both normalized as src/apply
 * compares them (no status, no volatile metadata) and with Secret values masked.
 */
export function objectDiff(
  ref: { kind: string; namespace: string; name: string },
  live: Obj,
  merged: Obj,
): string {
  const masked = maskSecretPair(normalizeForCompare(live), normalizeForCompare(merged));
  return unifiedDiff(canonicalYaml(masked.before), canonicalYaml(masked.after), {
    oldLabel: `live ${refString(ref)}`,
    newLabel: 'merged',
  });
}
