/**
 * Steward's kinds as the API server's discovery lists them (group steward.dev), and the names a user may
 * type for one: kubectl's rules (plural, singular, kind, short names, optionally qualified with the group).
 * Pure: a kind added to the group later works without a code change.
 */
import { API_GROUP } from '../core/constants.js';

/** One Steward kind the server serves. */
export interface StewardKindInfo {
  group: string;
  version: string;
  /** `<group>/<version>`. */
  apiVersion: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  namespaced: boolean;
}

/** The kinds of an APIResourceList (GET /apis/<group>/<version>), subresources left out, sorted by kind. */
export function kindsFromResourceList(group: string, version: string, list: unknown): StewardKindInfo[] {
  const resources = isRecord(list) && Array.isArray(list.resources) ? list.resources : [];
  const kinds: StewardKindInfo[] = [];
  for (const r of resources) {
    if (!isRecord(r)) continue;
    const { name, kind, singularName, shortNames, namespaced } = r;
    if (typeof name !== 'string' || name.includes('/') || typeof kind !== 'string') continue;
    kinds.push({
      group,
      version,
      apiVersion: `${group}/${version}`,
      kind,
      plural: name,
      // Older servers leave singularName empty; kubectl then uses the lowercased kind.
      singular: typeof singularName === 'string' && singularName !== '' ? singularName : kind.toLowerCase(),
      shortNames: Array.isArray(shortNames) ? shortNames.filter((s) => typeof s === 'string') : [],
      namespaced: namespaced === true,
    });
  }
  return kinds.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

/**
 * The kind `input` names: its plural, singular, Kind or a short name, any case, optionally followed by
 * `.steward.dev` or `.<version>.steward.dev` as kubectl allows.
 */
export function resolveKind(kinds: readonly StewardKindInfo[], input: string): StewardKindInfo | undefined {
  let name = input.toLowerCase();
  const suffix = `.${API_GROUP}`;
  if (name.endsWith(suffix)) {
    name = name.slice(0, -suffix.length);
    const dot = name.indexOf('.');
    if (dot >= 0) {
      const version = name.slice(dot + 1);
      name = name.slice(0, dot);
      return kinds.find((k) => k.version === version && names(k).includes(name));
    }
  }
  return kinds.find((k) => names(k).includes(name));
}

/** What to tell a user who typed a kind that is not served: the plurals that are. */
export function knownKindsHint(kinds: readonly StewardKindInfo[]): string {
  return kinds.length === 0
    ? `the server serves no kinds of group ${API_GROUP}: are Steward's CRDs installed?`
    : `Steward kinds served: ${kinds.map((k) => k.plural).join(', ')}`;
}

function names(k: StewardKindInfo): string[] {
  return [k.plural, k.singular, k.kind.toLowerCase(), ...k.shortNames.map((s) => s.toLowerCase())];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
