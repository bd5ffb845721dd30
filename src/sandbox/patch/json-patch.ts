/**
 * JSON patch (RFC 6902, `application/json-patch+json`) with the behaviour and messages of the library the
 * apiserver uses, gopkg.in/evanphx/json-patch.v4 patch.go, including its departures from the RFC: negative array
 * indices count from the end, `replace` of a missing object member adds it, `copy` from a missing member copies
 * null, and `add` at the root path "" fails. Decoding errors follow apiserver handlers/patch.go applyJSPatch.
 */
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { PatchError } from './errors.js';
import { GoJsonError, parseJsonLikeGo, unmarshalTypeError } from './go-json.js';
import { cloneJson, get, has, jsonEqual, put } from './json-value.js';

/** One decoded operation; `null` elements are kept, they fail as `Unexpected kind: unknown`. */
export type JsonPatchOp = Obj | null;

/** handlers/patch.go maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** The apiserver arms evanphx's AccumulatedCopySizeLimit with JSONPatchMaxCopyBytes, 3 MiB by default. */
const COPY_SIZE_LIMIT = 3 * 1024 * 1024;

/**
 * Decodes a JSON patch body. With the default fieldValidation (Warn) the apiserver first decodes it strictly into
 * `[]jsonPatchOp{Op, Path, From string; Value interface{}}`, so the first type error wins and reads
 * `error decoding patch: json: cannot unmarshal ...`. A bare `null` decodes to no operations.
 */
export function decodeJsonPatch(body: string): JsonPatchOp[] {
  try {
    const doc = parseJsonLikeGo(body);
    if (doc === null) return [];
    if (!Array.isArray(doc)) throw unmarshalTypeError(doc, '[]handlers.jsonPatchOp');
    for (const op of doc) {
      if (op === null) continue;
      if (!isObj(op)) throw unmarshalTypeError(op, 'handlers.jsonPatchOp');
      for (const [k, v] of Object.entries(op)) {
        // Strict decoding matches field names case-sensitively; other keys are only warnings.
        if ((k === 'op' || k === 'path' || k === 'from') && v !== null && typeof v !== 'string') {
          throw unmarshalTypeError(v, 'string', `jsonPatchOp.${k}`);
        }
      }
    }
    return doc as JsonPatchOp[];
  } catch (e) {
    if (e instanceof GoJsonError) throw new PatchError('badRequest', `error decoding patch: ${e.message}`);
    throw e;
  }
}

/** An evanphx failure; the apiserver answers every one with the same 422 (see errors.ts). */
function fail(message: string): never {
  throw new PatchError('invalid', message);
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

type Container = Obj | unknown[];

/** strconv.Atoi, returning Go's error text on failure. */
function atoi(s: string): number | { err: string } {
  if (!/^[+-]?[0-9]+$/.test(s)) return { err: `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax` };
  const n = BigInt(s);
  if (n >= 2n ** 63n || n < -(2n ** 63n))
    return { err: `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range` };
  return Number(n);
}

function badIndex(idx: number): string {
  return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
}

/** partialDoc.get / partialArray.get: an object never fails; a missing member reads as nil. */
function cGet(c: Container, key: string): { v: unknown } | { err: string } {
  if (!Array.isArray(c)) return { v: get(c, key) ?? null };
  const i = atoi(key);
  if (typeof i !== 'number') return i;
  let idx = i;
  if (idx < 0) {
    if (idx < -c.length) return { err: badIndex(idx) };
    idx += c.length;
  }
  if (idx >= c.length) return { err: badIndex(idx) };
  return { v: c[idx] ?? null };
}

/** partialDoc.set / partialArray.set; only called after a successful get, so the index is in range. */
function cSet(c: Container, key: string, v: unknown): void {
  if (Array.isArray(c)) {
    const i = atoi(key) as number;
    c[i < 0 ? i + c.length : i] = v;
  } else put(c, key, v);
}

function cAdd(c: Container, key: string, v: unknown): string | undefined {
  if (!Array.isArray(c)) {
    put(c, key, v);
    return undefined;
  }
  if (key === '-') {
    c.push(v);
    return undefined;
  }
  const i = atoi(key);
  if (typeof i !== 'number') return `value was not a proper array index: '${key}': ${i.err}`;
  const size = c.length + 1;
  let idx = i;
  if (idx >= size) return badIndex(idx);
  if (idx < 0) {
    if (idx < -size) return badIndex(idx);
    idx += size;
  }
  c.splice(idx, 0, v);
  return undefined;
}

function cRemove(c: Container, key: string): string | undefined {
  if (!Array.isArray(c)) {
    if (!has(c, key)) return `Unable to remove nonexistent key: ${key}: ${MISSING}`;
    delete c[key];
    return undefined;
  }
  const i = atoi(key);
  if (typeof i !== 'number') return i.err;
  let idx = i;
  if (idx >= c.length) return badIndex(idx);
  if (idx < 0) {
    if (idx < -c.length) return badIndex(idx);
    idx += c.length;
  }
  c.splice(idx, 1);
  return undefined;
}

/** RFC 6901 unescaping, `~1` before `~0` (patch.go decodePatchKey). */
function decodeKey(k: string): string {
  return k.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/** patch.go findObject: the container holding the last token, or undefined when any step is missing. */
function findObject(root: Container, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc = root;
  for (const part of split.slice(1, -1)) {
    const next = cGet(doc, decodeKey(part));
    if ('err' in next) return undefined;
    if (!Array.isArray(next.v) && !isObj(next.v)) return undefined;
    doc = next.v;
  }
  return [doc, decodeKey(split[split.length - 1] as string)];
}

function field(op: Obj, name: 'path' | 'from'): string | undefined {
  const v = get(op, name);
  return typeof v === 'string' ? v : undefined;
}

const NO_PATH = `operation missing path field: ${MISSING}`;
const NO_FROM = `operation, missing from field: ${MISSING}`;

class Patcher {
  copied = 0;
  constructor(public root: Container) {}

  add(op: Obj, path: string | undefined): void {
    if (path === undefined) fail(`add operation failed to decode path: ${MISSING}`);
    const at = findObject(this.root, path);
    if (!at) fail(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
    const err = cAdd(at[0], at[1], get(op, 'value') ?? null);
    if (err) fail(`error in add for path: '${path}': ${err}`);
  }

  remove(path: string | undefined): void {
    if (path === undefined) fail(`remove operation failed to decode path: ${MISSING}`);
    const at = findObject(this.root, path);
    if (!at) fail(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
    const err = cRemove(at[0], at[1]);
    if (err) fail(`error in remove for path: '${path}': ${err}`);
  }

  replace(op: Obj, path: string | undefined): void {
    if (path === undefined) fail(`replace operation failed to decode path: ${NO_PATH}`);
    const value = get(op, 'value');
    if (path === '') {
      // Go formats the nil error it wraps here as %!w(<nil>).
      if (!Array.isArray(value) && !isObj(value))
        fail('replace operation value must be object or array: %!w(<nil>)');
      this.root = value;
      return;
    }
    const at = findObject(this.root, path);
    if (!at) fail(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
    if ('err' in cGet(at[0], at[1]))
      fail(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
    cSet(at[0], at[1], value ?? null);
  }

  move(op: Obj, path: string | undefined): void {
    const from = field(op, 'from');
    if (from === undefined) fail(`move operation failed to decode from: ${NO_FROM}`);
    const src = findObject(this.root, from);
    if (!src) fail(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
    const val = cGet(src[0], src[1]);
    if ('err' in val) fail(`error in move for path: '${src[1]}': ${val.err}`);
    const removed = cRemove(src[0], src[1]);
    if (removed) fail(`error in move for path: '${src[1]}': ${removed}`);
    if (path === undefined) fail(`move operation failed to decode path: ${NO_PATH}`);
    const dst = findObject(this.root, path);
    if (!dst) fail(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
    const err = cAdd(dst[0], dst[1], val.v);
    if (err) fail(`error in move for path: '${path}': ${err}`);
  }

  test(op: Obj, path: string | undefined): void {
    if (path === undefined) fail(`test operation failed to decode path: ${NO_PATH}`);
    const hasValue = has(op, 'value');
    const value = get(op, 'value');
    if (path === '') {
      if (hasValue && jsonEqual(this.root, value)) return;
      fail(`testing value ${path} failed: test failed`);
    }
    const at = findObject(this.root, path);
    if (!at) fail(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
    const cur = cGet(at[0], at[1]);
    if ('err' in cur) fail(`error in test for path: '${path}': ${cur.err}`);
    // A missing or null member passes against an absent or null value, and nothing else.
    if (cur.v === null ? !hasValue || value === null : hasValue && jsonEqual(cur.v, value)) return;
    fail(`testing value ${path} failed: test failed`);
  }

  copy(op: Obj, path: string | undefined): void {
    const from = field(op, 'from');
    if (from === undefined) fail(`copy operation failed to decode from: ${NO_FROM}`);
    const src = findObject(this.root, from);
    if (!src) fail(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
    const val = cGet(src[0], src[1]);
    if ('err' in val) fail(`error in copy for from: '${from}': ${val.err}`);
    if (path === undefined) fail(`copy operation failed to decode path: ${MISSING}`);
    const dst = findObject(this.root, path);
    if (!dst) fail(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
    // deepCopy counts the marshalled bytes of the value; a nil node counts nothing.
    if (val.v !== null) this.copied += new TextEncoder().encode(JSON.stringify(val.v)).length;
    if (this.copied > COPY_SIZE_LIMIT) {
      fail(
        `Unable to complete the copy, the accumulated size increase of copy is ${this.copied}, exceeding the limit ${COPY_SIZE_LIMIT}`,
      );
    }
    const err = cAdd(dst[0], dst[1], cloneJson(val.v));
    if (err) fail(`error while adding value during copy: ${err}`);
  }
}

/**
 * Applies decoded operations in order (patch.go ApplyIndent). Throws PatchError('invalid') with evanphx's message
 * on the first failing operation. Returns the new document, which is an array if `replace` at "" made it one.
 * Inputs are not modified.
 */
export function applyJsonPatch(original: Obj, ops: readonly JsonPatchOp[]): unknown {
  const p = new Patcher(cloneJson(original));
  for (const raw of cloneJson(ops)) {
    const op = raw ?? {};
    const kind = typeof get(op, 'op') === 'string' ? (get(op, 'op') as string) : 'unknown';
    const path = field(op, 'path');
    if (kind === 'add') p.add(op, path);
    else if (kind === 'remove') p.remove(path);
    else if (kind === 'replace') p.replace(op, path);
    else if (kind === 'move') p.move(op, path);
    else if (kind === 'test') p.test(op, path);
    else if (kind === 'copy') p.copy(op, path);
    else fail(`Unexpected kind: ${kind}`);
  }
  return p.root;
}
