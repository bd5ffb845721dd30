/**
 * How the engine reads a Shape, in smd schema terms (smd schema/elements.go, typed/helpers.go).
 *
 * A Shape with `fields` and no `elem` is a struct: keys it does not declare are still struct fields (the
 * built-in kinds' OpenAPI is complete, the Shape tables only name what merges specially), so they are typed as
 * an untyped struct whose own objects are structs and whose lists are atomic. A Shape with `elem` is a map:
 * undeclared keys are map entries. No Shape, or an empty one, is smd's deduced type: objects are maps of
 * deduced values and lists are atomic.
 */
import type { Obj, Shape } from '../types.js';
import { type KeyField, keyElement, type PathElement } from './path.js';
import { kindOf } from './value.js';

/**
 * A Shape that may say its value is present in the kind's zero value: a non-pointer Go struct such as `spec` or
 * `spec.template` (empty), or a list field without omitempty (null). On create the API server compares against
 * that zero value, so an Update manager gets no `".": {}` for them (fieldmanager.go Update on create).
 */
export interface ZeroShape extends Shape {
  readonly zero?: boolean;
}

const UNTYPED_STRUCT: Shape = { fields: {} };

export interface MapChild {
  readonly shape: Shape | undefined;
  /** A declared struct field (smd Map.FindField) rather than a map entry; entries are owned as themselves. */
  readonly named: boolean;
}

/** The shape of `key` inside an object shaped by `shape`. */
export function mapChild(shape: Shape | undefined, key: string): MapChild {
  const declared = shape?.fields && Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
  if (declared !== undefined) return { shape: declared, named: true };
  if (shape?.elem !== undefined) return { shape: shape.elem, named: false };
  if (shape?.fields !== undefined) return { shape: UNTYPED_STRUCT, named: true };
  return { shape: undefined, named: false };
}

/** Objects with `atomic` are replaced whole (`+structType=atomic`, `+mapType=atomic`). */
export function isAtomicMap(shape: Shape | undefined): boolean {
  return shape?.atomic === true;
}

/** Lists without a list type are atomic, for built-ins without markers and for CRDs alike. */
export function listTypeOf(shape: Shape | undefined): 'atomic' | 'set' | 'map' {
  if (shape?.atomic === true) return 'atomic';
  return shape?.listType ?? 'atomic';
}

/**
 * The path element of a list item (listItemToPathElement): key fields for list maps, with key defaults filled
 * in (getAssociativeKeyDefault); the value itself for sets; the index for atomic lists. Returns an error
 * message when an item cannot be keyed.
 */
export function listItemElement(
  shape: Shape | undefined,
  item: unknown,
  index: number,
): PathElement | string {
  const type = listTypeOf(shape);
  if (type === 'map' && (shape?.keys?.length ?? 0) > 0) {
    if (item === null || item === undefined) return 'associative list with keys may not have a null element';
    if (kindOf(item) !== 'map') return 'associative list with keys may not have non-map elements';
    const fields: KeyField[] = [];
    for (const name of shape?.keys ?? []) {
      const m = item as Obj;
      const value = Object.hasOwn(m, name) ? m[name] : shape?.keyDefaults?.[name];
      if (value === undefined) {
        return `associative list with keys has an element that omits key field ${JSON.stringify(name)} (and doesn't have default value)`;
      }
      fields.push({ name, value });
    }
    return keyElement(fields);
  }
  if (type === 'set' || type === 'map') {
    const k = kindOf(item);
    if (k === 'map') return "associative list without keys has an element that's a map type";
    if (k === 'list') return 'not supported: associative list with lists as elements';
    if (k === 'null') return "associative list without keys has an element that's an explicit null";
    return { kind: 'value', value: item };
  }
  return { kind: 'index', index };
}

function isZero(shape: Shape): boolean {
  return 'zero' in shape && shape.zero === true;
}

/**
 * `v` as the API server's typed objects hold it: missing structs marked `zero` filled in empty, missing lists
 * marked `zero` as null (a slice without omitempty, such as PodSpec.containers), in list items too. Only
 * comparisons see this, so that a struct Go always has is never "added".
 */
export function withZeroValues(v: unknown, shape: Shape | undefined): unknown {
  if (Array.isArray(v))
    return shape?.elem === undefined ? v : v.map((item) => withZeroValues(item, shape.elem));
  if (kindOf(v) !== 'map' || isAtomicMap(shape) || shape?.fields === undefined) return v;
  const out: Obj = { ...(v as Obj) };
  for (const [k, child] of Object.entries(shape?.fields ?? {})) {
    if (Object.hasOwn(out, k)) out[k] = withZeroValues(out[k], child);
    else if (isZero(child)) out[k] = child.listType !== undefined ? null : withZeroValues({}, child);
  }
  return out;
}

/** The kind's zero value as far as the Shape knows it. */
export function zeroValue(shape: Shape | undefined): Obj {
  return withZeroValues({}, shape) as Obj;
}
