/**
 * Field ownership, read from `metadata.managedFields`, and removal of owned fields from a manifest. This is how
 * Steward avoids fighting other controllers: a field that Flagger or the HPA controller owns is not in what
 * Steward applies, so server-side apply neither resets it nor takes it over.
 *
 * FieldsV1 is a trie of path elements (structured-merge-diff `fieldpath/serialize.go`): `f:<name>` a struct
 * field or map key, `k:<json>` an associative-list element by its keys, `v:<json>` a set element, `i:<n>` an
 * atomic-list index; `"."` marks the node itself as owned. An empty object is a leaf: an owned value.
 */
import { API_GROUP } from '../core/constants.js';

/** One step of a field path. */
export type PathElement =
  | { field: string }
  | { key: Record<string, unknown> }
  | { value: unknown }
  | { index: number };

export type FieldPath = readonly PathElement[];

/** The subset of a managedFields entry read here. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: unknown;
}

function parseElement(key: string): PathElement | undefined {
  const body = key.slice(2);
  try {
    switch (key.slice(0, 2)) {
      case 'f:':
        return { field: body };
      case 'k:': {
        const k: unknown = JSON.parse(body);
        return typeof k === 'object' && k !== null && !Array.isArray(k)
          ? { key: k as Record<string, unknown> }
          : undefined;
      }
      case 'v:':
        return { value: JSON.parse(body) as unknown };
      case 'i:':
        return /^\d+$/.test(body) ? { index: Number(body) } : undefined;
    }
  } catch {
    // A malformed element is skipped: ownership we cannot read is ownership we do not act on.
  }
  return undefined;
}

/** The leaf paths (owned values) of a FieldsV1 trie. */
export function leafPaths(fieldsV1: unknown): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (node: unknown, prefix: PathElement[]) => {
    if (typeof node !== 'object' || node === null) return;
    for (const [k, child] of Object.entries(node)) {
      if (k === '.') continue;
      const el = parseElement(k);
      if (!el) continue;
      const path = [...prefix, el];
      const isLeaf = typeof child !== 'object' || child === null || Object.keys(child).length === 0;
      if (isLeaf) out.push(path);
      else walk(child, path);
    }
  };
  walk(fieldsV1, []);
  return out;
}

/** The leaf paths owned by any of `managers` in an object's managedFields (all operations and subresources). */
export function ownedLeafPaths(managedFields: unknown, managers: readonly string[]): FieldPath[] {
  if (!Array.isArray(managedFields)) return [];
  const wanted = new Set(managers);
  const out: FieldPath[] = [];
  for (const e of managedFields as ManagedFieldsEntry[]) {
    if (typeof e !== 'object' || e === null || e.manager === undefined || !wanted.has(e.manager)) continue;
    out.push(...leafPaths(e.fieldsV1));
  }
  return out;
}

/** True if `manager` owns exactly this value through a server-side apply (operation Apply). */
export function appliesPath(managedFields: unknown, manager: string, path: FieldPath): boolean {
  if (!Array.isArray(managedFields)) return false;
  return (managedFields as ManagedFieldsEntry[]).some(
    (e) =>
      e?.manager === manager &&
      e.operation === 'Apply' &&
      leafPaths(e.fieldsV1).some((p) => pathString(p) === pathString(path)),
  );
}

/** A readable path: `spec.template.spec.containers[name=app].image`. */
export function pathString(path: FieldPath): string {
  let s = '';
  for (const el of path) {
    if ('field' in el) s += s === '' ? el.field : `.${el.field}`;
    else if ('key' in el)
      s += `[${Object.entries(el.key)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(',')}]`;
    else if ('value' in el) s += `[${JSON.stringify(el.value)}]`;
    else s += `[${el.index}]`;
  }
  return s;
}

// Keys the API server defaults inside associative-list keys, so a manifest may leave them out
// (ports are keyed by containerPort and protocol, protocol defaulting to TCP).
const DEFAULTED_KEYS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

function matchesKey(item: unknown, key: Record<string, unknown>): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const rec = item as Record<string, unknown>;
  return Object.entries(key).every(([k, v]) =>
    k in rec ? JSON.stringify(rec[k]) === JSON.stringify(v) : DEFAULTED_KEYS[k] === v,
  );
}

/** Removes one path from `node` in place; true if something was removed. */
function removeIn(node: unknown, path: FieldPath): boolean {
  const [head, ...rest] = path;
  if (head === undefined) return false;
  if ('field' in head) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
    const rec = node as Record<string, unknown>;
    if (!(head.field in rec)) return false;
    if (rest.length === 0) {
      delete rec[head.field];
      return true;
    }
    return removeIn(rec[head.field], rest);
  }
  if (!Array.isArray(node)) return false;
  if ('key' in head) {
    const at = node.findIndex((item) => matchesKey(item, head.key));
    if (at < 0) return false;
    if (rest.length > 0) return removeIn(node[at], rest);
    node.splice(at, 1);
    return true;
  }
  if ('value' in head) {
    const at = node.findIndex((item) => JSON.stringify(item) === JSON.stringify(head.value));
    if (at < 0 || rest.length > 0) return false;
    node.splice(at, 1);
    return true;
  }
  // Atomic lists are owned whole by one manager; an index path never means "drop this one element".
  return false;
}

/**
 * A deep copy of `manifest` without the given paths, and the readable paths actually removed. The identity
 * fields (apiVersion, kind, metadata.name, metadata.namespace) are never removed.
 */
export function stripPaths<T extends Record<string, unknown>>(
  manifest: T,
  paths: readonly FieldPath[],
): { manifest: T; removed: string[] } {
  const copy = structuredClone(manifest);
  const removed: string[] = [];
  for (const p of paths) {
    const s = pathString(p);
    if (isProtected(p, s)) continue;
    if (removeIn(copy, p)) removed.push(s);
  }
  return { manifest: copy, removed };
}

const PROTECTED = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace']);

/** Identity fields, and Steward's own labels and annotations (owner labels are what prune trusts). */
function isProtected(p: FieldPath, s: string): boolean {
  if (PROTECTED.has(s)) return true;
  const [a, b, c] = p;
  return (
    a !== undefined &&
    'field' in a &&
    a.field === 'metadata' &&
    b !== undefined &&
    'field' in b &&
    (b.field === 'labels' || b.field === 'annotations') &&
    c !== undefined &&
    'field' in c &&
    c.field.startsWith(`${API_GROUP}/`)
  );
}
