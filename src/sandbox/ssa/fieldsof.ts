/**
 * The set of fields a value sets (smd typed/tofieldset.go), the list validation smd runs when it types an
 * object (typed/validate.go), and EnsureNamedFieldsAreMembers (fieldpath/set.go) used by pruning.
 */
import type { Shape } from '../types.js';
import { FieldSet } from './fieldset.js';
import { fieldElement, type Path, type PathElement, pathString, serializeElement } from './path.js';
import { isAtomicMap, listItemElement, listTypeOf, mapChild } from './schema.js';
import { kindOf } from './value.js';

/** Whether a null value is owned as a leaf: it is when its type is a scalar or atomic, never for granular types. */
function nullIsLeaf(shape: Shape | undefined): boolean {
  if (shape?.listType !== undefined) return listTypeOf(shape) === 'atomic';
  if (isAtomicMap(shape)) return true;
  return shape?.elem === undefined && Object.keys(shape?.fields ?? {}).length === 0;
}

function walk(v: unknown, shape: Shape | undefined, path: PathElement[], set: FieldSet): void {
  switch (kindOf(v)) {
    case 'scalar':
      set.insert(path);
      return;
    case 'null':
      if (nullIsLeaf(shape)) set.insert(path);
      return;
    case 'map': {
      if (isAtomicMap(shape)) {
        set.insert(path);
        return;
      }
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if (child === undefined) continue;
        const c = mapChild(shape, k);
        const p = [...path, fieldElement(k)];
        walk(child, c.shape, p, set);
        // Map entries are owned as themselves; struct fields only through their leaves.
        if (!c.named) set.insert(p);
      }
      return;
    }
    case 'list': {
      if (listTypeOf(shape) === 'atomic') {
        set.insert(path);
        return;
      }
      (v as unknown[]).forEach((item, i) => {
        const pe = listItemElement(shape, item, i);
        if (typeof pe === 'string') return;
        const p = [...path, pe];
        walk(item, shape?.elem, p, set);
        set.insert(p);
      });
      return;
    }
  }
}

/**
 * The fields `obj` sets under `shape` (TypedValue.ToFieldSet): every scalar and atomic value, every list item,
 * and every map entry that is not a declared struct field. Metadata such as name and resourceVersion is included
 * here; manager sets leave it out (see stripMeta).
 */
export function fieldsOf(obj: unknown, shape: Shape): FieldSet {
  const set = new FieldSet();
  walk(obj, shape, [], set);
  return set;
}

/**
 * Errors smd reports when it types an object: list items without their key fields, set items that are not
 * scalars and, unless `allowDuplicates` (live objects, updates), duplicate keys. Formatted as smd's
 * ValidationErrors: `.spec.containers: element 0: …`.
 */
export function listErrors(
  v: unknown,
  shape: Shape | undefined,
  allowDuplicates: boolean,
  path: Path = [],
): string[] {
  const k = kindOf(v);
  if (k === 'map' && !isAtomicMap(shape)) {
    return Object.entries(v as Record<string, unknown>).flatMap(([key, child]) =>
      listErrors(child, mapChild(shape, key).shape, allowDuplicates, [...path, fieldElement(key)]),
    );
  }
  if (k !== 'list' || listTypeOf(shape) === 'atomic') return [];
  const errs: string[] = [];
  const seen = new Set<string>();
  (v as unknown[]).forEach((item, i) => {
    const pe = listItemElement(shape, item, i);
    if (typeof pe === 'string') {
      errs.push(`${pathString(path)}: element ${i}: ${pe}`);
      return;
    }
    const id = serializeElement(pe);
    if (seen.has(id) && !allowDuplicates) {
      errs.push(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
    }
    seen.add(id);
    errs.push(...listErrors(item, shape?.elem, allowDuplicates, [...path, pe]));
  });
  return errs;
}

/**
 * The set plus every declared struct field that has members below it (Set.EnsureNamedFieldsAreMembers), so
 * pruning a struct removes it whole while map entries and list items are only removed where owned.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, shape: Shape | undefined): FieldSet {
  const out = new FieldSet();
  for (const pe of set.members()) out.insert([pe]);
  for (const [pe, sub] of set.children()) {
    let childShape: Shape | undefined;
    if (pe.kind === 'field') {
      const c = mapChild(shape, pe.name);
      if (c.named) out.insert([pe]);
      childShape = c.shape;
    } else if (pe.kind === 'key') {
      childShape = shape?.elem;
    }
    const ensured = ensureNamedFieldsAreMembers(sub, childShape);
    for (const p of ensured.paths()) out.insert([pe, ...p]);
  }
  return out;
}

/**
 * Paths the API server never records as owned (apimachinery managedfields/internal/stripmeta.go). The
 * `metadata` node itself is in the set, which is why entries show `f:metadata` without `".": {}`.
 */
const STRIP = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((f) => [fieldElement('metadata'), fieldElement(f)]),
);

/** Removes the fields no manager may own (stripMetaManager.stripFields, a plain Difference). */
export function stripMeta(set: FieldSet): FieldSet {
  return set.difference(STRIP);
}
