// JSON merge patch: RFC 7386 Appendix A examples, the pruning of gopkg.in/evanphx/json-patch.v4 merge.go, and
// the decoding errors of apiserver pkg/endpoints/handlers/patch.go applyJSPatch (MergePatchType).
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../src/sandbox/errors.js';
import { applyPatch, MERGE_PATCH } from '../../../../src/sandbox/patch/index.js';
import { applyMergePatch } from '../../../../src/sandbox/patch/merge-patch.js';
import type { Obj } from '../../../../src/sandbox/types.js';

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('applyMergePatch: RFC 7386 Appendix A (object documents)', () => {
  it.each<[Obj, Obj, Obj]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j', (original, patch, result) => {
    expect(applyMergePatch(original, patch)).toEqual(result);
  });
});

describe('applyMergePatch: evanphx v4 pruning (merge.go pruneNulls)', () => {
  it.each<[string, Obj, Obj, Obj]>([
    ['nulls in a new array are dropped', {}, { a: [1, null, 2] }, { a: [1, 2] }],
    ['nulls in an array replacing an array are dropped', { a: [0] }, { a: [null, 3] }, { a: [3] }],
    ['nulls in an array replacing an object are kept', { a: { x: 1 } }, { a: [null, 3] }, { a: [null, 3] }],
    [
      'nulls in an object replacing a scalar are dropped',
      { a: 1 },
      { a: { x: null, y: 2 } },
      { a: { y: 2 } },
    ],
    ['a null member is replaced like a missing one', { a: null }, { a: { x: null } }, { a: {} }],
    [
      'labels merge key by key',
      { metadata: { labels: { a: '1', b: '2' } } },
      { metadata: { labels: { a: null, c: '3' } } },
      { metadata: { labels: { b: '2', c: '3' } } },
    ],
  ])('%s', (_name, original, patch, result) => {
    expect(applyMergePatch(original, patch)).toEqual(result);
  });

  it('does not modify its inputs', () => {
    const original = { spec: { replicas: 1, template: { x: [1] } } };
    const patch = { spec: { replicas: 2, template: null } };
    const before = structuredClone({ original, patch });
    applyMergePatch(original, patch);
    expect({ original, patch }).toEqual(before);
  });

  it('keeps a __proto__ member as data', () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true}}') as Obj;
    const out = applyMergePatch({}, patch);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Obj).polluted).toBeUndefined();
  });
});

describe('applyPatch merge-patch+json decoding (handlers/patch.go)', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } };

  it('applies with a charset parameter', () => {
    expect(applyPatch(`${MERGE_PATCH}; charset=utf-8`, cm, '{"data":{"b":"2"}}', {}, false)).toEqual({
      ...cm,
      data: { a: '1', b: '2' },
    });
  });

  it.each([
    ['{"data":', 'error decoding patch: unexpected end of JSON input'],
    ['{data}', "error decoding patch: invalid character 'd' looking for beginning of object key string"],
    [
      '[]',
      'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
    ],
    [
      '"x"',
      'error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}',
    ],
    [
      '3',
      'error decoding patch: json: cannot unmarshal number into Go value of type map[string]interface {}',
    ],
    // null passes the strict decode into a map, then MergePatch returns ErrBadJSONPatch.
    ['null', 'Invalid JSON Patch'],
  ])('%j is a 400: %s', (body, message) => {
    const e = thrown(() => applyPatch(MERGE_PATCH, cm, body, {}, false));
    expect(e.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: 'BadRequest',
      code: 400,
    });
  });
});
