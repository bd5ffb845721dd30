/**
 * managedFields entries in and out of the engine (apimachinery pkg/util/managedfields/internal/managedfields.go,
 * buildmanagerinfo.go, capmanagers.go).
 */
import { isObj, type ManagedFieldsEntry } from '../types.js';
import type { FieldSet } from './fieldset.js';
import { decodeFieldsV1, encodeFieldsV1 } from './fieldsv1.js';
import { compareStrings, goJson } from './value.js';

/** One manager's claim: who, how, and the fields it owns. */
export interface ManagerEntry {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly subresource?: string | undefined;
  readonly time?: string | undefined;
  readonly set: FieldSet;
}

/** Entries by manager identifier. */
export type Managers = Map<string, ManagerEntry>;

type Identity = Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>;

/**
 * BuildManagerIdentifier: the entry's JSON without time and fields, and without apiVersion for appliers, so
 * that one applier has one entry whatever version it applies with. Field order follows ManagedFieldsEntry.
 */
export function managerKey(id: Identity): string {
  const o: Record<string, string> = { manager: id.manager, operation: id.operation };
  if (id.operation === 'Update' && id.apiVersion) o.apiVersion = id.apiVersion;
  if (id.subresource) o.subresource = id.subresource;
  return `{${Object.entries(o)
    .map(([k, v]) => `${goJson(k)}:${goJson(v)}`)
    .join(',')}}`;
}

/** How a manager appears in a conflict message (internal/conflict.go printManager; time is never set). */
export function printManager(id: Identity): string {
  let s = JSON.stringify(id.manager);
  if (id.subresource) s += ` with subresource ${JSON.stringify(id.subresource)}`;
  return id.operation === 'Update' ? `${s} using ${id.apiVersion}` : s;
}

/**
 * Decodes entries (DecodeManagedFields). Returns undefined when an entry is malformed, which the caller treats
 * as the API server does: fall back to the live object's entries, or to none.
 */
export function decodeManagers(raw: unknown): Managers | undefined {
  const out: Managers = new Map();
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) return undefined;
  for (const e of raw) {
    if (!isObj(e) || (e.operation !== 'Apply' && e.operation !== 'Update') || e.fieldsType !== 'FieldsV1') {
      return undefined;
    }
    let set: FieldSet;
    try {
      set = decodeFieldsV1(e.fieldsV1);
    } catch {
      return undefined;
    }
    const entry: ManagerEntry = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      subresource: typeof e.subresource === 'string' && e.subresource !== '' ? e.subresource : undefined,
      time: typeof e.time === 'string' ? e.time : undefined,
      set,
    };
    const key = managerKey(entry);
    const prev = out.get(key);
    out.set(key, prev ? { ...entry, set: prev.set.union(set) } : entry);
  }
  return out;
}

function seconds(time: string | undefined): number {
  const t = time === undefined ? Number.NaN : Date.parse(time);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

/** sortEncodedManagedFields: Apply before Update, then time, manager, apiVersion, subresource. */
function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
  const ps = seconds(p.time === '' ? undefined : p.time);
  const qs = seconds(q.time === '' ? undefined : q.time);
  if (ps !== qs) return ps < qs ? -1 : 1;
  return (
    compareStrings(p.manager, q.manager) ||
    compareStrings(p.apiVersion, q.apiVersion) ||
    compareStrings(p.subresource ?? '', q.subresource ?? '')
  );
}

/** Encodes entries, dropping empty ones, in the API server's order (encodeManagedFields). */
export function encodeManagers(managers: Managers): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers.values()) {
    if (m.set.isEmpty()) continue;
    // An entry decoded without a time keeps none, although entries this engine writes always carry one.
    const e = {
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time !== undefined && { time: m.time }),
      fieldsType: 'FieldsV1',
      fieldsV1: encodeFieldsV1(m.set),
      ...(m.subresource && { subresource: m.subresource }),
    } as ManagedFieldsEntry;
    out.push(e);
  }
  return out.sort(compareEntries);
}

/** The most Update entries kept; older ones are merged into `ancient-changes` (DefaultMaxUpdateManagers). */
export const MAX_UPDATE_MANAGERS = 10;

/**
 * capUpdateManagers: while there are more than `max` Update entries, the oldest ones of an apiVersion are merged
 * into that version's `ancient-changes` bucket, which takes the time of the last entry merged. The oldest entry
 * of each version seeds the bucket when the second one arrives.
 */
export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): Managers {
  const out: Managers = new Map(managers);
  const updaters = [...out].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= max) return out;
  updaters.sort(([ka, a], [kb, b]) => seconds(a.time) - seconds(b.time) || compareStrings(ka, kb));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (const [key, m] of updaters) {
    if (length <= max) break;
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, key);
      continue;
    }
    const bucket: Identity = { manager: 'ancient-changes', operation: 'Update', apiVersion: m.apiVersion };
    const bucketKey = managerKey(bucket);
    let seed = out.get(bucketKey)?.set;
    if (seed === undefined) {
      seed = out.get(first)?.set;
      out.delete(first);
    }
    out.set(bucketKey, { ...bucket, time: m.time, set: seed ? m.set.union(seed) : m.set });
    out.delete(key);
    length--;
  }
  return out;
}

/** True for `[{}]`-style lists, which a non-apply write uses to clear managedFields (isResetManagedFields). */
export function isResetManagedFields(raw: unknown): boolean {
  if (!Array.isArray(raw) || raw.length === 0) return false;
  return raw.every(
    (e) =>
      isObj(e) &&
      ['manager', 'operation', 'apiVersion', 'fieldsType', 'subresource'].every((k) => !e[k]) &&
      (e.fieldsV1 === undefined || e.fieldsV1 === null) &&
      (e.time === undefined || e.time === null),
  );
}

/**
 * The entries without their times, for detecting a no-op write: the API server discards changes that only
 * move managedFields timestamps (IgnoreManagedFieldsTimestampsTransformer, compared entry by entry in order).
 */
export function managedFieldsWithoutTimes(
  entries: readonly ManagedFieldsEntry[] | undefined,
): Omit<ManagedFieldsEntry, 'time'>[] {
  return (entries ?? []).map(({ time: _time, ...rest }) => rest);
}
