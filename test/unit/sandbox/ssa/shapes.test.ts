import { describe, expect, it } from 'vitest';
import { builtinShape, crdShape, metadataShape, withMetadata } from '../../../../src/sandbox/shapes.js';
import { apply, decodeFieldsV1, fieldsOf, pathString } from '../../../../src/sandbox/ssa/index.js';
import { meta, type Obj, type Shape } from '../../../../src/sandbox/types.js';

/** The shape found by walking named fields and list items (`[]`). */
function at(shape: Shape | undefined, ...path: string[]): Shape | undefined {
  let s = shape;
  for (const p of path) s = p === '[]' ? s?.elem : s?.fields?.[p];
  return s;
}

describe('builtinShape', () => {
  const deployment = builtinShape('apps', 'Deployment');
  const containers = ['spec', 'template', 'spec', 'containers'];

  // k8s.io/api core/v1 types.go markers: containers by name, ports by containerPort+protocol (protocol
  // defaulted to TCP), env by name, volumeMounts by mountPath.
  it.each<[string[], Partial<Shape>]>([
    [containers, { listType: 'map', keys: ['name'] }],
    [
      [...containers, '[]', 'ports'],
      { listType: 'map', keys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } },
    ],
    [[...containers, '[]', 'env'], { listType: 'map', keys: ['name'] }],
    [[...containers, '[]', 'volumeMounts'], { listType: 'map', keys: ['mountPath'] }],
    [['spec', 'template', 'spec', 'tolerations'], { listType: 'atomic' }],
    [['spec', 'selector'], { atomic: true }],
    [['status', 'conditions'], { listType: 'map', keys: ['type'] }],
    [['metadata', 'finalizers'], { listType: 'set' }],
    [['metadata', 'ownerReferences'], { listType: 'map', keys: ['uid'] }],
    [['metadata', 'managedFields'], { listType: 'atomic' }],
  ])('Deployment %j', (path, expected) => {
    expect(at(deployment, ...path)).toMatchObject(expected);
  });

  // One PodTemplateSpec shape serves every workload kind, CronJob through jobTemplate, and Pod's spec.
  it.each<[string, string, string[]]>([
    ['apps', 'StatefulSet', ['spec', 'template']],
    ['apps', 'DaemonSet', ['spec', 'template']],
    ['apps', 'ReplicaSet', ['spec', 'template']],
    ['batch', 'Job', ['spec', 'template']],
    ['batch', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
  ])('%s/%s shares the pod template', (group, kind, path) => {
    expect(at(builtinShape(group, kind), ...path)).toBe(at(deployment, 'spec', 'template'));
    expect(at(builtinShape('', 'Pod'), 'spec')).toBe(at(deployment, 'spec', 'template', 'spec'));
  });

  it.each<[string, string, string[], Partial<Shape>]>([
    [
      '',
      'Service',
      ['spec', 'ports'],
      { listType: 'map', keys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } },
    ],
    ['', 'Service', ['spec', 'selector'], { atomic: true }],
    ['', 'Namespace', ['spec', 'finalizers'], { listType: 'atomic' }],
    ['rbac.authorization.k8s.io', 'Role', ['rules'], { listType: 'atomic' }],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding', ['subjects'], { listType: 'atomic' }],
    ['networking.k8s.io', 'NetworkPolicy', ['spec', 'podSelector'], { atomic: true }],
    ['networking.k8s.io', 'Ingress', ['spec', 'rules'], { listType: 'atomic' }],
    ['policy', 'PodDisruptionBudget', ['spec', 'selector'], { atomic: true }],
    ['batch', 'Job', ['status', 'conditions'], { listType: 'atomic' }],
    ['autoscaling', 'HorizontalPodAutoscaler', ['status', 'conditions'], { listType: 'map', keys: ['type'] }],
  ])('%s/%s %j', (group, kind, path, expected) => {
    expect(at(builtinShape(group, kind), ...path)).toMatchObject(expected);
  });

  // Every kind, known or not, gets ObjectMeta's semantics.
  it.each([
    ['', 'ConfigMap'],
    ['example.com', 'Unknown'],
  ])('%s/%s has the metadata shape', (group, kind) => {
    expect(at(builtinShape(group, kind), 'metadata')).toBe(metadataShape);
  });

  // A deduced shape stays deduced for keys other than metadata (smd deduced type: every map key owned).
  it('keeps unknown kinds deduced', () => {
    const set = fieldsOf({ metadata: { name: 'x' }, spec: { a: { b: 1 } } }, withMetadata({}));
    expect(set.paths().map(pathString)).toEqual(['.spec', '.metadata.name', '.spec.a', '.spec.a.b']);
  });
});

describe('crdShape', () => {
  const schema: Obj = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['port', 'protocol'],
            items: {
              type: 'object',
              properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
            },
          },
          hosts: { type: 'array', items: { type: 'string' } },
          tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          selector: {
            type: 'object',
            'x-kubernetes-map-type': 'atomic',
            additionalProperties: { type: 'string' },
          },
          extra: {
            type: 'object',
            additionalProperties: { type: 'object', properties: { x: { type: 'string' } } },
          },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  };
  const shape = crdShape(schema);

  // x-kubernetes-list-type / list-map-keys / map-type (website server-side-apply.md, apiextensions
  // structural schemas); key defaults come from the item schema (smd typed/helpers.go).
  it.each<[string[], Shape]>([
    [['spec', 'ports'], { listType: 'map', keys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } }],
    [['spec', 'hosts'], { listType: 'atomic' }],
    [['spec', 'tags'], { listType: 'set' }],
    [['spec', 'selector'], { atomic: true }],
    [['spec', 'extra'], { elem: { fields: { x: {} } } }],
    [['spec', 'free'], { elem: {} }],
  ])('converts %j', (path, expected) => {
    expect(at(shape, ...path)).toMatchObject(expected);
  });

  it('always has the metadata shape', () => {
    expect(at(shape, 'metadata')).toBe(metadataShape);
    expect(at(crdShape(undefined), 'metadata')).toBe(metadataShape);
  });

  // x-kubernetes-embedded-resource: the object is a resource, so its metadata is ObjectMeta too.
  it('gives embedded resources the metadata shape', () => {
    const embedded = crdShape({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true } },
        },
      },
    });
    expect(at(embedded, 'spec', 'template', 'metadata')).toBe(metadataShape);
    expect(at(embedded, 'spec', 'template')?.elem).toBeUndefined();
  });

  // merge by key for list-type map; lists without a list type are replaced whole (server-side-apply.md).
  it('merges list maps by key and replaces atomic lists', () => {
    const cr = (spec: Obj): Obj => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec,
    });
    const run = (live: Obj | undefined, spec: Obj, manager: string) =>
      apply({
        live,
        applied: cr(spec),
        manager,
        force: false,
        shape,
        apiVersion: 'example.com/v1',
        now: '2026-01-01T00:00:00Z',
      });
    const a = run(undefined, { ports: [{ port: 80 }], hosts: ['a'] }, 'a');
    const b = run(a, { ports: [{ port: 443 }] }, 'b');
    expect(b.spec).toEqual({ ports: [{ port: 80 }, { port: 443 }], hosts: ['a'] });
    const entry = meta(b).managedFields?.find((e) => e.manager === 'b');
    expect(decodeFieldsV1(entry?.fieldsV1).paths().map(pathString)).toEqual([
      '.spec.ports[port=443,protocol="TCP"]',
      '.spec.ports[port=443,protocol="TCP"].port',
    ]);
    const c = run(b, { hosts: ['a'] }, 'c');
    expect(() => run(c, { hosts: ['b'] }, 'c')).toThrow(
      'Apply failed with 1 conflict: conflict with "a": .spec.hosts',
    );
  });
});
