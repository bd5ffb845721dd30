// Strategic merge patch. Fixtures marked "patch_test.go" are the apply cases of apimachinery
// pkg/util/strategicpatch/patch_test.go (customStrategicMergePatchTestCaseData and the raw test cases) over its
// MergeItem type; the pod cases exercise the list markers of k8s.io/api core/v1 types.go; statuses follow apiserver
// pkg/endpoints/handlers/patch.go interpretStrategicMergePatchError.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../src/sandbox/errors.js';
import { PatchError } from '../../../../src/sandbox/patch/errors.js';
import { applyPatch, STRATEGIC_MERGE_PATCH } from '../../../../src/sandbox/patch/index.js';
import { applyStrategicMergePatch } from '../../../../src/sandbox/patch/strategic.js';
import type { Obj, Shape } from '../../../../src/sandbox/types.js';

/** MergeItem of patch_test.go: `mergingList` (merge by name), `mergingIntList` (merge), the rest replace. */
const mergeItem: { fields: Record<string, Shape> } = { fields: {} };
Object.assign(mergeItem.fields, {
  mergingList: { listType: 'map', keys: ['name'], elem: mergeItem },
  nonMergingList: { listType: 'atomic', elem: mergeItem },
  mergingIntList: { listType: 'set' },
  nonMergingIntList: { listType: 'atomic' },
  simpleMap: {},
  retainKeysMap: {},
  retainKeysMergingList: { listType: 'map', keys: ['name'], elem: mergeItem },
});

const podShape: Shape = {
  fields: {
    metadata: {
      fields: { finalizers: { listType: 'set' }, ownerReferences: { listType: 'map', keys: ['uid'] } },
    },
    spec: {
      fields: {
        containers: {
          listType: 'map',
          keys: ['name'],
          elem: {
            fields: {
              env: { listType: 'map', keys: ['name'] },
              ports: { listType: 'map', keys: ['containerPort', 'protocol'] },
              args: { listType: 'atomic' },
            },
          },
        },
        volumes: { listType: 'map', keys: ['name'] },
        tolerations: { listType: 'atomic' },
      },
    },
  },
};

function failure(fn: () => unknown): PatchError {
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

describe('applyStrategicMergePatch: patch_test.go fixtures', () => {
  it.each<[string, Obj, Obj, Obj]>([
    [
      'unique scalars when merging lists',
      { mergingIntList: [1, 2] },
      { mergingIntList: [2, 3] },
      { mergingIntList: [1, 2, 3] },
    ],
    [
      'delete map from nested map',
      { simpleMap: { key1: 1, key2: 1 } },
      { simpleMap: { $patch: 'delete' } },
      { simpleMap: {} },
    ],
    [
      'delete all items from merging list',
      { mergingList: [{ name: 1 }, { name: 2 }] },
      { mergingList: [{ $patch: 'replace' }] },
      { mergingList: [] },
    ],
    ['merge empty merging lists', { mergingList: [] }, { mergingList: [] }, { mergingList: [] }],
    ['delete all keys from map', { name: 1, value: 1 }, { $patch: 'replace' }, {}],
    [
      'add key and delete all keys from map',
      { name: 1, value: 1 },
      { other: 'a', $patch: 'replace' },
      { other: 'a' },
    ],
    [
      'delete all duplicate entries in a merging list',
      { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
      {
        mergingList: [
          { name: 1, $patch: 'delete' },
          { name: 3, $patch: 'delete' },
        ],
      },
      { mergingList: [{ name: 2, value: 'a' }] },
    ],
    [
      'retainKeys map can delete a field when no retainKeys directive present',
      { retainKeysMap: { name: 'foo', value: 'a' } },
      { retainKeysMap: { value: null } },
      { retainKeysMap: { name: 'foo' } },
    ],
    [
      'preserve the order from the patch in a merging list',
      { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
      {
        mergingList: [
          { name: 3, value: 'c' },
          { name: 1, value: 'a' },
          { name: 2, other: 'x' },
        ],
      },
      {
        mergingList: [
          { name: 3, value: 'c' },
          { name: 1, value: 'a' },
          { name: 2, value: 'b', other: 'x' },
        ],
      },
    ],
    [
      'preserve the order from the patch in a merging list 2',
      { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
      {
        mergingList: [
          { name: 3, value: 'c' },
          { name: 1, value: 'a' },
        ],
      },
      {
        mergingList: [
          { name: 2, value: 'b' },
          { name: 3, value: 'c' },
          { name: 1, value: 'a' },
        ],
      },
    ],
    [
      'preserve the order from the patch in a merging int list',
      { mergingIntList: [1, 2, 3] },
      { mergingIntList: [3, 1, 2] },
      { mergingIntList: [3, 1, 2] },
    ],
    [
      'preserve the order from the patch in a merging int list 2',
      { mergingIntList: [1, 2, 3] },
      { mergingIntList: [3, 1] },
      { mergingIntList: [2, 3, 1] },
    ],
    [
      '$setElementOrder contains item that is not present in the list to be merged',
      { mergingList: [{ name: 1 }, { name: 3 }] },
      {
        '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }],
        mergingList: [
          { name: 3, value: 3 },
          { name: 1, value: 1 },
        ],
      },
      {
        mergingList: [
          { name: 3, value: 3 },
          { name: 1, value: 1 },
        ],
      },
    ],
    [
      '$setElementOrder contains item that is not present in the int list to be merged',
      { mergingIntList: [1, 3] },
      { '$setElementOrder/mergingIntList': [3, 2, 1] },
      { mergingIntList: [3, 1] },
    ],
    [
      '$deleteFromPrimitiveList of nonexistent item',
      { mergingIntList: [1, 2] },
      { '$deleteFromPrimitiveList/mergingIntList': [3] },
      { mergingIntList: [1, 2] },
    ],
    [
      '$deleteFromPrimitiveList on empty primitive list',
      { mergingIntList: null },
      { '$deleteFromPrimitiveList/mergingIntList': [3] },
      { mergingIntList: null },
    ],
    [
      '$deleteFromPrimitiveList on nonexistent primitive list',
      { foo: ['bar'] },
      { '$deleteFromPrimitiveList/mergingIntList': [3] },
      { foo: ['bar'] },
    ],
    [
      '$deleteFromPrimitiveList with merge strategy',
      { mergingIntList: [1, 2, 3] },
      { '$deleteFromPrimitiveList/mergingIntList': [2] },
      { mergingIntList: [1, 3] },
    ],
    [
      '$deleteFromPrimitiveList without merge strategy',
      { nonMergingIntList: [1, 2, 3] },
      { '$deleteFromPrimitiveList/nonMergingIntList': [2] },
      { nonMergingIntList: [1, 3] },
    ],
    [
      'nested patch merge with empty list (two-way result)',
      { name: 'hi' },
      { mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }] },
      { name: 'hi', mergingList: [{ name: 'hello' }] },
    ],
    [
      'nested patch merge with empty list (three-way result)',
      { name: 'hi', mergingList: [{ name: 'hello2' }] },
      {
        '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }],
        mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }],
      },
      { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
    ],
    [
      'delete items in lists of scalars',
      { mergingIntList: [1, 2, 3, 4] },
      { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
      { mergingIntList: [1, 2, 4] },
    ],
    [
      'merge lists of maps',
      {
        mergingList: [
          { name: 1, other: 'a' },
          { name: 2, value: 2, other: 'b' },
        ],
      },
      {
        '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }],
        mergingList: [
          { name: 4, value: 4 },
          { name: 3, value: 3 },
        ],
      },
      {
        mergingList: [
          { name: 4, value: 4 },
          { name: 1, other: 'a' },
          { name: 2, value: 2, other: 'b' },
          { name: 3, value: 3 },
        ],
      },
    ],
    [
      'defined null values are dropped',
      { name: 'a', other: 'a' },
      { name: 1, value: 1, other: null },
      { name: 1, value: 1 },
    ],
  ])('%s', (_name, original, patch, result) => {
    expect(applyStrategicMergePatch(original, patch, mergeItem)).toEqual(result);
  });

  it.each<[string, Obj, Obj, string]>([
    [
      '$setElementOrder must match the patch order',
      { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
      {
        '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
        mergingList: [
          { name: 3, value: 3 },
          { name: 1, value: 1 },
        ],
      },
      "The order in patch list:\n[map[name:3 value:3] map[name:1 value:1]]\n doesn't match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]\n",
    ],
    [
      'missing merge key',
      { mergingList: [{ name: 1, value: 'a' }] },
      { mergingList: [{ value: 'b' }] },
      'map: map[value:b] does not contain declared merge key: name',
    ],
  ])('%s is a 500 with the library message', (_name, original, patch, message) => {
    const e = failure(() => applyStrategicMergePatch(original, patch, mergeItem));
    expect([e.failure, e.message]).toEqual(['internal', message]);
  });
});

describe('applyStrategicMergePatch: pods', () => {
  const pod: Obj = {
    metadata: { name: 'p', finalizers: ['a', 'b'], labels: { app: 'web', tier: 'fe' } },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'nginx:1',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
          args: ['x', 'y'],
        },
        { name: 'sidecar', image: 'envoy:1' },
      ],
      tolerations: [{ key: 'a' }],
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  };
  const patched = (patch: Obj) => applyStrategicMergePatch(pod, patch, podShape);
  const containers = (patch: Obj) => (patched(patch).spec as Obj).containers as Obj[];

  it('modifies a container by name', () => {
    expect(containers({ spec: { containers: [{ name: 'sidecar', image: 'envoy:2' }] } })).toEqual([
      (pod.spec as Obj & { containers: Obj[] }).containers[0],
      { name: 'sidecar', image: 'envoy:2' },
    ]);
  });

  it('adds a container; an item the live list lacks sorts ahead of it (patch.go mergeSortedSlice)', () => {
    expect(
      containers({ spec: { containers: [{ name: 'init', image: 'busybox' }] } }).map((c) => c.name),
    ).toEqual(['init', 'web', 'sidecar']);
  });

  it('$setElementOrder places a new container', () => {
    const out = containers({
      spec: {
        '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }, { name: 'log' }],
        containers: [{ name: 'log', image: 'fluent' }],
      },
    });
    expect(out.map((c) => c.name)).toEqual(['web', 'sidecar', 'log']);
  });

  it('$patch: delete removes a container', () => {
    expect(containers({ spec: { containers: [{ name: 'web', $patch: 'delete' }] } })).toEqual([
      { name: 'sidecar', image: 'envoy:1' },
    ]);
  });

  it('$patch: replace replaces the list', () => {
    expect(
      containers({ spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } }),
    ).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('env merges by name, deletes by directive, and keeps the rest', () => {
    const out = containers({
      spec: {
        containers: [
          {
            name: 'web',
            env: [
              { name: 'B', value: '3' },
              { name: 'A', $patch: 'delete' },
            ],
          },
        ],
      },
    });
    expect(out[0]?.env).toEqual([{ name: 'B', value: '3' }]);
  });

  it('an atomic list (args, tolerations) is replaced', () => {
    const out = patched({
      spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'web', args: ['z'] }] },
    });
    expect((out.spec as Obj).tolerations).toEqual([{ key: 'b' }]);
    expect(((out.spec as Obj).containers as Obj[])[0]?.args).toEqual(['z']);
  });

  it('finalizers merge as a set; $deleteFromPrimitiveList removes', () => {
    expect((patched({ metadata: { finalizers: ['b', 'c'] } }).metadata as Obj).finalizers).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(
      (patched({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata as Obj).finalizers,
    ).toEqual(['b']);
  });

  it('null deletes a map key; a null for a missing key is ignored', () => {
    expect((patched({ metadata: { labels: { tier: null, gone: null } } }).metadata as Obj).labels).toEqual({
      app: 'web',
    });
  });

  it('a new subtree loses its nulls and directive-bearing maps (patch.go removeDirectives)', () => {
    const out = patched({
      spec: { nodeSelector: { a: 'x', b: null }, affinity: { $patch: 'replace', x: 1 } },
    });
    expect(out.spec).toMatchObject({ nodeSelector: { a: 'x' } });
    expect(Object.hasOwn(out.spec as Obj, 'affinity')).toBe(false);
  });

  it('$retainKeys clears the fields it does not list', () => {
    const deploy = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const out = applyStrategicMergePatch(
      deploy,
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      {},
    );
    expect(out).toEqual({ spec: { strategy: { type: 'Recreate' } } });
  });

  it('without a shape lists are replaced and objects merged, like a merge patch', () => {
    const out = applyStrategicMergePatch({ a: { b: 1, c: [1, 2] } }, { a: { c: [3], d: 2 } }, {});
    expect(out).toEqual({ a: { b: 1, c: [3], d: 2 } });
  });

  it('does not modify its inputs', () => {
    const patch = {
      spec: {
        containers: [
          { name: 'web', image: 'nginx:2' },
          { name: 'sidecar', $patch: 'delete' },
        ],
      },
    };
    const before = structuredClone({ pod, patch });
    patched(patch);
    expect({ pod, patch }).toEqual(before);
  });
});

describe('applyPatch strategic-merge-patch+json statuses (interpretStrategicMergePatchError)', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'web' }], volumes: [] } };
  const run = (body: string) =>
    statusError(() => applyPatch(STRATEGIC_MERGE_PATCH, pod, body, podShape, false));

  it.each([
    [
      '{"spec":{"containers":[{"name":"web","$patch":"merge"}]}}',
      500,
      '',
      'merging lists cannot yet be specified in the patch',
    ],
    ['{"spec":{"$patch":"merge"}}', 500, '', 'unknown patch type: merge in map: map[$patch:merge]'],
    [
      '{"spec":{"$patch":1,"a":true}}',
      500,
      '',
      'unknown patch type: %!s(int64=1) in map: map[$patch:1 a:true]',
    ],
    [
      '{"spec":{"containers":[{"image":"x"}]}}',
      500,
      '',
      'map: map[image:x] does not contain declared merge key: name',
    ],
    [
      '{"spec":{"volumes":[["x"]]}}',
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
    ],
    [
      '{"spec":{"containers":[["x"]]}}',
      500,
      '',
      'list element types are not identical: [[map[name:web]] [[x]]]',
    ],
    ['{"spec":{"$retainKeys":"x"}}', 400, 'BadRequest', 'invalid patch format of retainKeys'],
    [
      '{"spec":{"$retainKeys":["a"],"containers":[]}}',
      400,
      'BadRequest',
      'invalid patch format of retainKeys',
    ],
    ['{"spec":{"$setElementOrder":[]}}', 400, 'BadRequest', 'invalid patch format of setElementOrder list'],
    [
      '{"spec":{"$deleteFromPrimitiveListX/a":[]}}',
      400,
      'BadRequest',
      'invalid patch format of primitive list',
    ],
    [
      '{"spec":{"$setElementOrder/containers":"x"}}',
      500,
      '',
      'expected a []interface {}, but received a string',
    ],
    ['{"spec":', 400, 'BadRequest', 'unexpected end of JSON input'],
    ['[]', 400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ])('%s → %i %s', (body, code, reason, message) => {
    const e = run(body);
    expect([e.code, e.reason, e.message]).toEqual([code, reason, message]);
    if (code === 500)
      expect(e.toStatus()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        code: 500,
      });
  });

  it('a body of null changes nothing', () => {
    expect(applyPatch(STRATEGIC_MERGE_PATCH, pod, 'null', podShape, false)).toEqual(pod);
  });
});
