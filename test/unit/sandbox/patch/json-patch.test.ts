// JSON patch: RFC 6902 Appendix A examples, the behaviour and messages of gopkg.in/evanphx/json-patch.v4 patch.go
// (as vendored by kubernetes), and the statuses of apiserver pkg/endpoints/handlers/patch.go applyJSPatch.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../src/sandbox/errors.js';
import { GENERIC_INVALID_MESSAGE, PatchError } from '../../../../src/sandbox/patch/errors.js';
import { applyPatch, JSON_PATCH } from '../../../../src/sandbox/patch/index.js';
import {
  applyJsonPatch,
  decodeJsonPatch,
  type JsonPatchOp,
} from '../../../../src/sandbox/patch/json-patch.js';
import type { Obj } from '../../../../src/sandbox/types.js';

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

function statusError(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('applyJsonPatch: RFC 6902 Appendix A', () => {
  it.each<[string, Obj, JsonPatchOp[], unknown]>([
    [
      'A.1 add an object member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { baz: 'qux', foo: 'bar' },
    ],
    [
      'A.2 add an array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    [
      'A.3 remove an object member',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'remove', path: '/baz' }],
      { foo: 'bar' },
    ],
    [
      'A.4 remove an array element',
      { foo: ['bar', 'qux', 'baz'] },
      [{ op: 'remove', path: '/foo/1' }],
      { foo: ['bar', 'baz'] },
    ],
    [
      'A.5 replace a value',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'A.6 move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'A.7 move an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'A.8 test succeeds',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    [
      'A.10 add a nested member',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } },
    ],
    [
      'A.11 unrecognized members are ignored',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
      { foo: 'bar', baz: 'qux' },
    ],
    ['A.14 ~ escapes', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    [
      'A.16 add an array value',
      { foo: ['bar'] },
      [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
      { foo: ['bar', ['abc', 'def']] },
    ],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
    [
      '~1 in a key',
      { metadata: { labels: { 'app.kubernetes.io/name': 'x' } } },
      [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }],
      { metadata: { labels: {} } },
    ],
  ])('%s', (_name, doc, ops, result) => {
    expect(applyJsonPatch(doc, ops)).toEqual(result);
  });

  it('a copy is independent of its source', () => {
    const out = applyJsonPatch({ a: { b: 1 } }, [
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'replace', path: '/c/b', value: 2 },
    ]);
    expect(out).toEqual({ a: { b: 1 }, c: { b: 2 } });
  });

  it('does not modify its inputs', () => {
    const doc = { a: [1, 2], b: { c: 1 } };
    const ops: JsonPatchOp[] = [
      { op: 'remove', path: '/a/0' },
      { op: 'add', path: '/b/d', value: { e: 1 } },
      { op: 'replace', path: '/b/d/e', value: 2 },
    ];
    const before = structuredClone({ doc, ops });
    applyJsonPatch(doc, ops);
    expect({ doc, ops }).toEqual(before);
  });
});

describe('applyJsonPatch: evanphx v4 departures from the RFC', () => {
  it.each<[string, Obj, JsonPatchOp[], unknown]>([
    [
      'negative indices count from the end',
      { a: [1, 2, 3] },
      [{ op: 'remove', path: '/a/-1' }],
      { a: [1, 2] },
    ],
    ['add at -1 appends', { a: [1, 2] }, [{ op: 'add', path: '/a/-1', value: 3 }], { a: [1, 2, 3] }],
    [
      'replace of a missing member adds it',
      { a: 1 },
      [{ op: 'replace', path: '/b', value: 2 }],
      { a: 1, b: 2 },
    ],
    [
      'copy from a missing member copies null',
      { a: 1 },
      [{ op: 'copy', from: '/x', path: '/b' }],
      { a: 1, b: null },
    ],
    ['add without a value adds null', { a: 1 }, [{ op: 'add', path: '/b' }], { a: 1, b: null }],
    [
      'test of a missing member against null passes',
      { a: 1 },
      [{ op: 'test', path: '/b', value: null }],
      { a: 1 },
    ],
    ['replace at "" swaps the document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
    ['"/" names the empty key', { a: 1 }, [{ op: 'add', path: '/', value: 2 }], { a: 1, '': 2 }],
  ])('%s', (_name, doc, ops, result) => {
    expect(applyJsonPatch(doc, ops)).toEqual(result);
  });
});

describe('applyJsonPatch failures (patch.go messages)', () => {
  it.each<[string, Obj, JsonPatchOp[], string]>([
    [
      'A.9 failed test',
      { baz: 'qux' },
      [{ op: 'test', path: '/baz', value: 'bar' }],
      'testing value /baz failed: test failed',
    ],
    [
      'A.15 a string is not a number',
      { '/': 9, '~1': 10 },
      [{ op: 'test', path: '/~01', value: '10' }],
      'testing value /~01 failed: test failed',
    ],
    [
      'A.12 add below a missing member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz/bat', value: 'qux' }],
      'add operation does not apply: doc is missing path: "/baz/bat": missing value',
    ],
    [
      'add at the root',
      { a: 1 },
      [{ op: 'add', path: '', value: {} }],
      'add operation does not apply: doc is missing path: "": missing value',
    ],
    [
      'remove a missing member',
      { a: 1 },
      [{ op: 'remove', path: '/b' }],
      "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value",
    ],
    [
      'remove past the end',
      { a: [1] },
      [{ op: 'remove', path: '/a/1' }],
      "error in remove for path: '/a/1': Unable to access invalid index: 1: invalid index referenced",
    ],
    [
      'add past the end',
      { a: [1] },
      [{ op: 'add', path: '/a/3', value: 0 }],
      "error in add for path: '/a/3': Unable to access invalid index: 3: invalid index referenced",
    ],
    [
      'add with a bad index',
      { a: [1] },
      [{ op: 'add', path: '/a/x', value: 0 }],
      `error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    ],
    [
      'replace past the end',
      { a: [1] },
      [{ op: 'replace', path: '/a/5', value: 0 }],
      'replace operation does not apply: doc is missing key: /a/5: missing value',
    ],
    [
      'replace below a scalar',
      { a: 1 },
      [{ op: 'replace', path: '/a/b', value: 0 }],
      'replace operation does not apply: doc is missing path: /a/b: missing value',
    ],
    [
      'move from a missing member',
      { a: 1 },
      [{ op: 'move', from: '/b', path: '/c' }],
      "error in move for path: 'b': Unable to remove nonexistent key: b: missing value",
    ],
    [
      'move without from',
      { a: 1 },
      [{ op: 'move', path: '/c' }],
      'move operation failed to decode from: operation, missing from field: missing value',
    ],
    [
      'test below a missing member',
      { a: 1 },
      [{ op: 'test', path: '/b/c', value: 1 }],
      'test operation does not apply: is missing path: /b/c: missing value',
    ],
    ['test without a value', { a: 1 }, [{ op: 'test', path: '/a' }], 'testing value /a failed: test failed'],
    ['unknown op', { a: 1 }, [{ op: 'merge', path: '/a' }], 'Unexpected kind: merge'],
    ['null operation', { a: 1 }, [null], 'Unexpected kind: unknown'],
    ['missing path', { a: 1 }, [{ op: 'remove' }], 'remove operation failed to decode path: missing value'],
  ])('%s', (_name, doc, ops, message) => {
    const e = patchError(() => applyJsonPatch(doc, ops));
    expect([e.failure, e.message]).toEqual(['invalid', message]);
  });
});

describe('applyPatch json-patch+json (handlers/patch.go)', () => {
  const deploy = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', resourceVersion: '7' },
    spec: { replicas: 1 },
  };

  it('applies operations in order', () => {
    const body = JSON.stringify([
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'replace', path: '/spec/replicas', value: 3 },
    ]);
    expect(applyPatch(JSON_PATCH, deploy, body, {}, false)).toEqual({ ...deploy, spec: { replicas: 3 } });
  });

  it('a body of null changes nothing', () => {
    expect(applyPatch(JSON_PATCH, deploy, 'null', {}, false)).toEqual(deploy);
  });

  it('a failing operation is the generic 422 with empty details (NewGenericServerResponse)', () => {
    const body = '[{"op":"test","path":"/metadata/resourceVersion","value":"6"}]';
    expect(statusError(() => applyPatch(JSON_PATCH, deploy, body, {}, false)).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: GENERIC_INVALID_MESSAGE,
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it.each([
    [
      '{"op":"add"}',
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    ],
    [
      '"x"',
      'error decoding patch: json: cannot unmarshal string into Go value of type []handlers.jsonPatchOp',
    ],
    ['[1]', 'error decoding patch: json: cannot unmarshal number into Go value of type handlers.jsonPatchOp'],
    [
      '[{"op":1}]',
      'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
    ],
    [
      '[{"op":"add","path":["a"]}]',
      'error decoding patch: json: cannot unmarshal array into Go struct field jsonPatchOp.path of type string',
    ],
    ['[', 'error decoding patch: unexpected end of JSON input'],
    ['', 'error decoding patch: unexpected end of JSON input'],
  ])('%j is a 400: %s', (body, message) => {
    const e = statusError(() => applyPatch(JSON_PATCH, deploy, body, {}, false));
    expect([e.code, e.reason, e.message, e.details]).toEqual([400, 'BadRequest', message, undefined]);
  });

  it('more than 10000 operations is a 413', () => {
    const body = JSON.stringify(
      Array.from({ length: 10001 }, () => ({ op: 'test', path: '/spec/replicas', value: 1 })),
    );
    const e = statusError(() => applyPatch(JSON_PATCH, deploy, body, {}, false));
    expect([e.code, e.reason, e.message]).toEqual([
      413,
      'RequestEntityTooLarge',
      'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    ]);
  });

  it('a document replaced by an array cannot decode into the object: 422 on the field patch', () => {
    const e = statusError(() =>
      applyPatch(JSON_PATCH, deploy, '[{"op":"replace","path":"","value":[1]}]', {}, false),
    );
    expect(e.code).toBe(422);
    expect(e.details?.causes?.[0]?.field).toBe('patch');
  });

  it('decodeJsonPatch keeps unknown members and null operations', () => {
    expect(decodeJsonPatch('[{"op":"add","path":"/a","value":1,"Op":5},null]')).toEqual([
      { op: 'add', path: '/a', value: 1, Op: 5 },
      null,
    ]);
  });
});
