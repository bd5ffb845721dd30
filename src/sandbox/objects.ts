/** Small helpers over wire objects shared by the sandbox handlers. */
import type { ManagedFieldsEntry, Obj, ResourceDef } from './types.js';
import { groupVersion, isObj, meta } from './types.js';

/** RFC 3339 with second precision, as metav1.Time marshals. */
export function rfc3339(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** Structural equality over JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ao = a as Obj;
  const bo = b as Obj;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

/**
 * Equality the way the API server decides that a write is a no-op: the stored bytes would not change once
 * managedFields timestamps are ignored (apiserver store.go IgnoreManagedFieldsTimestampsTransformer).
 */
export function sameStoredObject(a: Obj, b: Obj): boolean {
  return deepEqual(normalizeForCompare(a), normalizeForCompare(b));
}

function normalizeForCompare(o: Obj): Obj {
  const m = { ...meta(o) };
  delete m.resourceVersion;
  if (Array.isArray(m.managedFields)) {
    m.managedFields = (m.managedFields as ManagedFieldsEntry[]).map((e) => ({ ...e, time: '' }));
  }
  return { ...o, metadata: m };
}

/** The object as it goes out: kind and apiVersion of the version the request addressed. */
export function withTypeMeta(def: ResourceDef, o: Obj): Obj {
  return { apiVersion: groupVersion(def), kind: def.kind, ...withoutTypeMeta(o) };
}

export function withoutTypeMeta(o: Obj): Obj {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

/** Reads a dotted path (`spec.replicas`) from an object. */
export function getPath(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const part of path.split('.').filter((p) => p !== '')) {
    if (!isObj(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Returns a copy of `o` with a dotted path set. */
export function setPath(o: Obj, path: string, value: unknown): Obj {
  const parts = path.split('.').filter((p) => p !== '');
  const copy: Obj = { ...o };
  let cur = copy;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      cur[part] = value;
    } else {
      const next = isObj(cur[part]) ? { ...(cur[part] as Obj) } : {};
      cur[part] = next;
      cur = next;
    }
  });
  return copy;
}
