import { describe, expect, it } from 'vitest';
import { changedPaths, isUnchanged, jsonEqual, normalizeForCompare } from '../../../src/apply/compare.js';

const live = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'c',
    namespace: 'd',
    uid: 'u1',
    resourceVersion: '10',
    generation: 1,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'steward' }],
    labels: { a: '1' },
  },
  data: { k: 'v' },
  status: { x: 1 },
};

describe('normalizeForCompare', () => {
  it('drops status and the metadata the server rewrites', () => {
    expect(normalizeForCompare(live)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'd', labels: { a: '1' } },
      data: { k: 'v' },
    });
  });
});

describe('isUnchanged', () => {
  it.each([
    [
      'a new resourceVersion and managedFields',
      { metadata: { ...live.metadata, resourceVersion: '11', managedFields: [] } },
      true,
    ],
    ['a different status', { status: { x: 2 } }, true],
    ['reordered keys', { data: { k: 'v' }, kind: 'ConfigMap' }, true],
    ['a changed value', { data: { k: 'w' } }, false],
    ['a new label', { metadata: { ...live.metadata, labels: { a: '1', b: '2' } } }, false],
    ['a removed annotation', { metadata: { ...live.metadata, annotations: { x: 'y' } } }, false],
    ['a new finalizer', { metadata: { ...live.metadata, finalizers: ['x/y'] } }, false],
  ])('with %s: %s', (_name, patch, expected) => {
    expect(isUnchanged(live, { ...live, ...patch })).toBe(expected);
  });
});

describe('jsonEqual', () => {
  it('treats list order as significant and undefined members as absent', () => {
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: [] }, { a: {} })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});

describe('changedPaths', () => {
  it('names the changed fields two levels deep, never their values', () => {
    const dry = { ...live, data: { k: 'secret-new' }, metadata: { ...live.metadata, labels: { a: '2' } } };
    const paths = changedPaths(live, dry);
    expect(paths).toEqual(['data.k', 'metadata.labels']);
    expect(paths.join()).not.toContain('secret-new');
  });
});
