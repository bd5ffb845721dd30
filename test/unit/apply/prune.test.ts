import { describe, expect, it } from 'vitest';
import { deleteOrder, planPrune, pruneSafety, skipReason } from '../../../src/apply/prune.js';
import type { Inventory, ObjectRef } from '../../../src/core/types.js';
import { inventoryId } from '../../../src/core/types.js';

const ref = (group: string, kind: string, namespace: string, name: string, version = 'v1'): ObjectRef => ({
  group,
  version,
  kind,
  namespace,
  name,
});
const inv = (...refs: ObjectRef[]): Inventory => ({
  entries: refs.map((r) => ({ id: inventoryId(r), v: r.group ? `${r.group}/${r.version}` : r.version })),
});

const ns = ref('', 'Namespace', '', 'team-a');
const crd = ref('apiextensions.k8s.io', 'CustomResourceDefinition', '', 'widgets.example.com');
const widget = ref('example.com', 'Widget', 'team-a', 'w');
const cm = ref('', 'ConfigMap', 'team-a', 'c');
const role = ref('rbac.authorization.k8s.io', 'ClusterRole', '', 'r');
const deploy = ref('apps', 'Deployment', 'team-a', 'web');

describe('planPrune', () => {
  it('returns what the previous inventory has and the next does not', () => {
    expect(planPrune(inv(cm, deploy), inv(deploy))).toEqual([cm]);
    expect(planPrune(inv(cm), inv(cm))).toEqual([]);
    expect(planPrune({ entries: [] }, inv(cm))).toEqual([]);
  });

  it('does not prune an object that only changed apiVersion', () => {
    expect(
      planPrune(
        inv(ref('apps', 'Deployment', 'a', 'b', 'v1beta1')),
        inv(ref('apps', 'Deployment', 'a', 'b')),
      ),
    ).toEqual([]);
  });

  it('orders custom resources before their CRD, and namespaces last', () => {
    const out = planPrune(inv(ns, crd, role, cm, widget, deploy), { entries: [] }).map((r) => r.kind);
    expect(out.at(-1)).toBe('Namespace');
    expect(out.indexOf('Widget')).toBeLessThan(out.indexOf('CustomResourceDefinition'));
    expect(out.indexOf('ConfigMap')).toBeLessThan(out.indexOf('ClusterRole'));
    expect(out.indexOf('Deployment')).toBeLessThan(out.indexOf('ConfigMap'));
    expect(out).toHaveLength(6);
  });

  it('deleteOrder puts namespaces last whatever the input order', () => {
    expect(deleteOrder([ns, cm, crd, widget]).map((r) => r.kind)).toEqual([
      'Widget',
      'ConfigMap',
      'CustomResourceDefinition',
      'Namespace',
    ]);
  });
});

describe('pruneSafety', () => {
  it.each([
    [10, 0, { allowEmpty: false }, /render is empty.*all 10 objects/],
    [10, 0, { allowEmpty: true }, undefined],
    [0, 0, { allowEmpty: false }, undefined],
    [10, 4, { allowEmpty: false, maxDropRatio: 0.5 }, /from 10 to 4 \(60%, more than the allowed 50%\)/],
    [10, 5, { allowEmpty: false, maxDropRatio: 0.5 }, undefined],
    [10, 12, { allowEmpty: false, maxDropRatio: 0 }, undefined],
    [10, 9, { allowEmpty: false }, undefined],
  ])('previous %i, next %i, %o', (prev, next, opts, expected) => {
    const r = pruneSafety(prev, next, opts);
    if (expected === undefined) expect(r).toBeUndefined();
    else expect(r).toMatch(expected);
  });
});

describe('skipReason', () => {
  const owner = { 'steward.dev/name': 'apps', 'steward.dev/namespace': 'platform' };
  const obj = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
    metadata: { labels, annotations },
  });
  it.each([
    ['owned', obj(owner), undefined],
    [
      'a different owner',
      obj({ ...owner, 'steward.dev/name': 'other' }),
      /label steward.dev\/name is different/,
    ],
    ['no owner labels', obj({}), /label steward.dev\/name is missing/],
    ['prune disabled', obj(owner, { 'steward.dev/prune': 'disabled' }), /steward.dev\/prune: disabled/],
  ])('%s', (_name, live, expected) => {
    const r = skipReason(live, owner);
    if (expected === undefined) expect(r).toBeUndefined();
    else expect(r).toMatch(expected);
  });

  it('refuses to delete anything when given no owner labels to check', () => {
    expect(skipReason(obj({}), {})).toBe('no owner labels to check');
  });
});
