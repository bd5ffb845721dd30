import { describe, expect, it } from 'vitest';
import { groupByKind, inventoryRefs, renderTree, treeData } from '../../../src/cli/tree-view.js';
import type { ObjectRef } from '../../../src/core/types.js';

function ref(kind: string, namespace: string, name: string, group = '', version = 'v1'): ObjectRef {
  return { group, version, kind, namespace, name };
}

const SYNC = ref('Sync', 'default', 'platform', 'steward.dev', 'v1alpha1');

describe('inventoryRefs', () => {
  it('parses Flux-style ids and skips malformed entries', () => {
    const obj = {
      status: {
        inventory: {
          entries: [
            { id: '_team-a__Namespace', v: 'v1' },
            { id: 'team-a_web_apps_Deployment', v: 'apps/v1' },
            { id: 'not-an-id', v: 'v1' },
            { id: 'x_y_z_W' },
          ],
        },
      },
    };
    expect(inventoryRefs(obj)).toEqual([
      ref('Namespace', '', 'team-a'),
      ref('Deployment', 'team-a', 'web', 'apps', 'v1'),
    ]);
  });

  it('tells no inventory (nothing applied) from an empty one', () => {
    expect(inventoryRefs({ status: {} })).toBeUndefined();
    expect(inventoryRefs({})).toBeUndefined();
    expect(inventoryRefs({ status: { inventory: { entries: [] } } })).toEqual([]);
  });
});

describe('groupByKind', () => {
  it('keeps kinds in apply order and sorts names within a kind', () => {
    const refs = [
      ref('Namespace', '', 'b'),
      ref('ConfigMap', 'b', 'zeta'),
      ref('Namespace', '', 'a'),
      ref('Deployment', 'b', 'web', 'apps'),
      ref('ConfigMap', 'a', 'zeta'),
      ref('ConfigMap', 'b', 'alpha'),
    ];
    expect(groupByKind(refs).map((r) => `${r.kind}/${r.namespace}/${r.name}`)).toEqual([
      'Namespace//a',
      'Namespace//b',
      'ConfigMap/a/zeta',
      'ConfigMap/b/alpha',
      'ConfigMap/b/zeta',
      'Deployment/b/web',
    ]);
  });
});

describe('renderTree', () => {
  const tree = {
    ref: SYNC,
    children: [
      { ref: ref('Namespace', '', 'team-a'), children: [] },
      {
        ref: ref('Sync', 'team-a', 'app', 'steward.dev', 'v1alpha1'),
        children: [
          { ref: ref('ConfigMap', 'team-a', 'settings'), children: [] },
          { ref: ref('Deployment', 'team-a', 'web', 'apps'), children: [] },
        ],
      },
      { ref: ref('ServiceAccount', 'team-a', 'deployer'), children: [] },
    ],
  };

  it('draws the Sync at the root and nests a Sync it applied', () => {
    expect(renderTree(tree)).toBe(
      [
        'Sync/default/platform',
        '├── Namespace/team-a',
        '├── Sync/team-a/app',
        '│   ├── ConfigMap/team-a/settings',
        '│   └── Deployment/team-a/web',
        '└── ServiceAccount/team-a/deployer',
        '',
      ].join('\n'),
    );
  });

  it('gives the same tree as data, with resources on the root even when empty', () => {
    expect(treeData({ ref: SYNC, children: [] })).toEqual({
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      namespace: 'default',
      name: 'platform',
      resources: [],
    });
    const data = treeData(tree) as { resources: Record<string, unknown>[] };
    expect(data.resources[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'team-a' });
    expect(data.resources[1]?.resources).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a', name: 'settings' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'web' },
    ]);
  });
});
