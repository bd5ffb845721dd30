// Patch dispatch on Content-Type: apiserver pkg/endpoints/handlers/patch.go PatchResource (parameter stripping and
// the 415 check), endpoints/installer.go (built-in patch types) and apiextensions-apiserver
// pkg/apiserver/customresource_handler.go (custom resources: no strategic merge); message from
// endpoints/handlers/negotiation/errors.go.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../src/sandbox/errors.js';
import {
  APPLY_PATCH,
  applyPatch,
  BUILTIN_PATCH_TYPES,
  CUSTOM_RESOURCE_PATCH_TYPES,
  JSON_PATCH,
  MERGE_PATCH,
  patchMediaType,
  STRATEGIC_MERGE_PATCH,
} from '../../../../src/sandbox/patch/index.js';

const BUILTIN_415 =
  'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml';
const CR_415 =
  'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

function statusError(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('patch media types', () => {
  it('lists the types in the order of the 415 message', () => {
    expect(BUILTIN_PATCH_TYPES).toEqual([JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH]);
    expect(CUSTOM_RESOURCE_PATCH_TYPES).toEqual([JSON_PATCH, MERGE_PATCH, APPLY_PATCH]);
  });

  it.each([
    ['application/merge-patch+json; charset=utf-8', 'application/merge-patch+json'],
    ['application/merge-patch+json;charset=utf-8', 'application/merge-patch+json'],
    ['application/merge-patch+json ; x=y', 'application/merge-patch+json '],
    [';application/merge-patch+json', ';application/merge-patch+json'],
    ['', ''],
  ])('patchMediaType(%j) = %j', (header, type) => {
    expect(patchMediaType(header)).toBe(type);
  });
});

describe('applyPatch dispatch', () => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } };

  it.each([
    [JSON_PATCH, '[{"op":"add","path":"/data/b","value":"2"}]'],
    [MERGE_PATCH, '{"data":{"b":"2"}}'],
    [STRATEGIC_MERGE_PATCH, '{"data":{"b":"2"}}'],
    [`${STRATEGIC_MERGE_PATCH}; charset=utf-8`, '{"data":{"b":"2"}}'],
  ])('%s', (type, body) => {
    expect(applyPatch(type, obj, body, {}, false)).toEqual({ ...obj, data: { a: '1', b: '2' } });
  });

  it.each<[string, boolean, string]>([
    ['application/json', false, BUILTIN_415],
    ['text/plain', false, BUILTIN_415],
    ['', false, BUILTIN_415],
    ['Application/Merge-Patch+JSON', false, BUILTIN_415],
    ['application/merge-patch+json ; charset=utf-8', false, BUILTIN_415],
    ['application/apply-patch+cbor', false, BUILTIN_415],
    [STRATEGIC_MERGE_PATCH, true, CR_415],
    ['application/json', true, CR_415],
  ])('%j (custom resource: %s) is a 415', (type, isCustomResource, message) => {
    const e = statusError(() => applyPatch(type, obj, '{}', {}, isCustomResource));
    expect(e.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  });

  it('the 415 comes before the body is read', () => {
    expect(statusError(() => applyPatch('text/plain', obj, 'not json', {}, false)).code).toBe(415);
  });

  it('apply patches belong to server-side apply', () => {
    expect(() => applyPatch(APPLY_PATCH, obj, '{}', {}, false)).toThrow(/server-side apply/);
  });

  it('does not modify the original', () => {
    const before = structuredClone(obj);
    applyPatch(MERGE_PATCH, obj, '{"data":null}', {}, false);
    applyPatch(JSON_PATCH, obj, '[{"op":"remove","path":"/data/a"}]', {}, false);
    applyPatch(STRATEGIC_MERGE_PATCH, obj, '{"data":{"a":null}}', {}, false);
    expect(obj).toEqual(before);
  });
});
