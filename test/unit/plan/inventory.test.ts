import { describe, expect, it } from 'vitest';
import type { Inventory, ObjectRef, PlannedObject } from '../../../src/core/types.js';
import { refString } from '../../../src/core/types.js';
import { diffInventory, inventoryOf } from '../../../src/plan/inventory.js';

function planned(
  group: string,
  version: string,
  kind: string,
  namespace: string,
  name: string,
): PlannedObject {
  const ref: ObjectRef = { group, version, kind, namespace, name };
  const apiVersion = group ? `${group}/${version}` : version;
  return {
    ref,
    manifest: { apiVersion, kind, metadata: { name } },
    source: { file: 'x.yaml', document: 0 },
    stage: 2,
  };
}

function inv(...ids: [string, string][]): Inventory {
  return { entries: ids.map(([id, v]) => ({ id, v })) };
}

describe('inventoryOf', () => {
  it('records Flux-style ids with the version, sorted by id', () => {
    const out = inventoryOf([
      planned('apps', 'v1', 'Deployment', 'team-a', 'web'),
      planned('', 'v1', 'Namespace', '', 'team-a'),
      planned('', 'v1', 'ConfigMap', 'team-a', 'cfg'),
    ]);
    expect(out).toEqual(
      inv(
        ['_team-a__Namespace', 'v1'],
        ['team-a_cfg__ConfigMap', 'v1'],
        ['team-a_web_apps_Deployment', 'v1'],
      ),
    );
  });
});

describe('diffInventory', () => {
  it.each([
    [
      'nothing is stale when nothing changed',
      inv(['a_x__ConfigMap', 'v1']),
      inv(['a_x__ConfigMap', 'v1']),
      [],
    ],
    [
      'a version change is not a removal',
      inv(['a_h_autoscaling_HorizontalPodAutoscaler', 'v1']),
      inv(['a_h_autoscaling_HorizontalPodAutoscaler', 'v2']),
      [],
    ],
    ['an empty previous inventory prunes nothing', inv(), inv(['a_x__ConfigMap', 'v1']), []],
    [
      'a removed object is stale',
      inv(['a_x__ConfigMap', 'v1'], ['a_y__ConfigMap', 'v1']),
      inv(['a_x__ConfigMap', 'v1']),
      ['ConfigMap/a/y'],
    ],
    [
      'unparseable ids are never pruned',
      inv(['garbage', 'v1'], ['a_y__ConfigMap', 'v1']),
      inv(),
      ['ConfigMap/a/y'],
    ],
    [
      'duplicates are pruned once',
      inv(['a_y__ConfigMap', 'v1'], ['a_y__ConfigMap', 'v1']),
      inv(),
      ['ConfigMap/a/y'],
    ],
  ])('%s', (_, previous, next, expected) => {
    expect(diffInventory(previous, next).map(refString)).toEqual(expected);
  });

  it('returns full refs with the stored version', () => {
    expect(diffInventory(inv(['team-a_web_apps_Deployment', 'apps/v1']), inv())).toEqual([
      { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'team-a', name: 'web' },
    ]);
  });

  it('orders deletes as the reverse of apply order: workloads, then namespaces, then CRDs', () => {
    const previous = inv(
      ['_widgets.example.com_apiextensions.k8s.io_CustomResourceDefinition', 'v1'],
      ['_team-a__Namespace', 'v1'],
      ['team-a_cfg__ConfigMap', 'v1'],
      ['team-a_w_example.com_Widget', 'v1'],
      ['team-a_web_apps_Deployment', 'v1'],
      ['_g_example.com_Gadget', 'v1'],
      ['team-a_sa__ServiceAccount', 'v1'],
    );
    expect(diffInventory(previous, inv()).map(refString)).toEqual([
      'Widget/team-a/w',
      'Deployment/team-a/web',
      'ConfigMap/team-a/cfg',
      'ServiceAccount/team-a/sa',
      'Gadget/g',
      'Namespace/team-a',
      'CustomResourceDefinition/widgets.example.com',
    ]);
  });
});
