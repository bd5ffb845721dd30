/**
 * FieldsV1, the managedFields wire format of a FieldSet (smd fieldpath/serialize.go).
 *
 * Each trie level is an object whose keys are serialized path elements (`f:`, `k:`, `v:`, `i:`). A leaf member
 * is `{}`; a member that also has children carries `".": {}` first. Keys are written in smd's element order,
 * and no key is integer-like, so JavaScript keeps that insertion order when the object is serialized.
 */
import { isObj, type Obj } from '../types.js';
import { FieldSet } from './fieldset.js';
import { compareElements, type PathElement, parseElement, serializeElement } from './path.js';

function emit(set: FieldSet, includeSelf: boolean): Obj {
  const out: Obj = {};
  const members = set.members();
  const children = set.children();
  if (includeSelf && (members.length > 0 || children.length > 0)) out['.'] = {};
  let mi = 0;
  let ci = 0;
  while (mi < members.length || ci < children.length) {
    const m = members[mi];
    const c = children[ci];
    const order = m === undefined ? 1 : c === undefined ? -1 : compareElements(m, c[0]);
    if (order < 0 && m !== undefined) {
      out[serializeElement(m)] = {};
      mi++;
    } else if (c !== undefined) {
      // A member that is also a child is written once, with its own "." marker.
      out[serializeElement(c[0])] = emit(c[1], order === 0);
      if (order === 0) mi++;
      ci++;
    }
  }
  return out;
}

/** Encodes a set as a FieldsV1 object. */
export function encodeFieldsV1(set: FieldSet): Obj {
  return emit(set, false);
}

/** Reads one level: returns whether the level marks its parent as a member (readIterV1). */
function read(raw: Obj, into: FieldSet, prefix: PathElement[]): boolean {
  let self = false;
  let hasChildren = false;
  for (const [k, v] of Object.entries(raw)) {
    if (k === '.') {
      self = true;
      continue;
    }
    // Unknown element kinds are dropped, as a newer server's entries may hold kinds this one cannot read.
    const pe = parseElement(k);
    if (pe === undefined) continue;
    hasChildren = true;
    const path = [...prefix, pe];
    if (read(isObj(v) ? v : {}, into, path)) into.insert(path);
  }
  return self || !hasChildren;
}

/** Decodes a FieldsV1 object into a set. Throws on malformed keys, as smd's FromJSON reports them. */
export function decodeFieldsV1(raw: unknown): FieldSet {
  const set = new FieldSet();
  if (isObj(raw)) read(raw, set, []);
  return set;
}
