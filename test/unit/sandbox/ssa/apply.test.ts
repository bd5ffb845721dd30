import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../src/sandbox/errors.js';
import { builtinShape } from '../../../../src/sandbox/shapes.js';
import {
  type ApplyInput,
  apply,
  decodeFieldsV1,
  managedFieldsWithoutTimes,
  pathString,
} from '../../../../src/sandbox/ssa/index.js';
import { type ManagedFieldsEntry, meta, type Obj } from '../../../../src/sandbox/types.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';
const T2 = '2026-01-01T00:02:00Z';
const deploymentShape = builtinShape('apps', 'Deployment');

function deploy(spec: Obj, metadata: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...metadata },
    spec,
  };
}

function container(name: string, extra: Obj = {}): Obj {
  return { name, ...extra };
}

function podSpec(containers: Obj[]): Obj {
  return { template: { spec: { containers } } };
}

function run(
  live: Obj | undefined,
  applied: Obj,
  manager: string,
  now = T0,
  extra: Partial<ApplyInput> = {},
): Obj {
  return apply({
    live,
    applied,
    manager,
    force: false,
    shape: deploymentShape,
    apiVersion: 'apps/v1',
    now,
    ...extra,
  });
}

function entries(obj: Obj): ManagedFieldsEntry[] {
  return meta(obj).managedFields ?? [];
}

/** The paths `manager` owns, in smd's iteration order. */
function owned(obj: Obj, manager: string, operation = 'Apply'): string[] {
  const e = entries(obj).find((x) => x.manager === manager && x.operation === operation);
  return e ? decodeFieldsV1(e.fieldsV1).paths().map(pathString) : [];
}

function containersOf(obj: Obj): Obj[] {
  const spec = obj.spec as { template: { spec: { containers: Obj[] } } };
  return spec.template.spec.containers;
}

describe('create by apply', () => {
  // smd merge/update.go Apply with an empty live object; typed/tofieldset.go gives the applier exactly its
  // configuration: struct fields through their leaves, list items and map entries as themselves.
  it('gives the applier exactly the fields it applied', () => {
    const applied = deploy(
      {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [container('nginx', { image: 'nginx:1.27', ports: [{ containerPort: 80 }] })] },
        },
      },
      { labels: { app: 'web' } },
    );
    const out = run(undefined, applied, 'kubectl');
    expect({ ...out, metadata: { ...meta(out), managedFields: undefined } }).toEqual({
      ...applied,
      metadata: { ...meta(applied), managedFields: undefined },
    });
    expect(entries(out)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  // apimachinery managedfields/internal/structuredmerge.go: the applied object may not carry managedFields.
  it.each([[[]], [[{ manager: 'x' }]]])('rejects managedFields %j in the configuration', (managedFields) => {
    const applied = deploy({ replicas: 1 }, { managedFields });
    expect(() => run(undefined, applied, 'kubectl')).toThrow(StatusError);
    try {
      run(undefined, applied, 'kubectl');
    } catch (e) {
      expect((e as StatusError).toStatus()).toMatchObject({ code: 400, reason: 'BadRequest' });
      expect((e as StatusError).message).toBe('metadata.managedFields must be nil');
    }
  });

  // stripmeta.go: name, namespace, uid... are never owned, only labels and the like show under f:metadata.
  it('never records identity metadata', () => {
    const out = run(
      undefined,
      deploy({ replicas: 1 }, { uid: 'u', resourceVersion: '5', annotations: { a: 'b' } }),
      'm',
    );
    expect(owned(out, 'm')).toEqual(['.metadata.annotations.a', '.spec.replicas']);
  });
});

describe('shared ownership and removal', () => {
  const base = run(
    undefined,
    deploy({ replicas: 2, paused: false }, { labels: { app: 'web', tier: 'fe' } }),
    'a',
  );

  // smd merge/update.go update(): no conflict when the value is unchanged, and both appliers own the field.
  it('shares a field applied with the same value', () => {
    const out = run(base, deploy({ replicas: 2 }), 'b', T1);
    expect(owned(out, 'a')).toContain('.spec.replicas');
    expect(owned(out, 'b')).toEqual(['.spec.replicas']);
    expect(out.spec).toEqual({ replicas: 2, paused: false });
  });

  // smd merge/update.go prune: a field the applier dropped is removed when nobody else owns it.
  it.each<[string, Obj, Obj | undefined]>([
    ['label', { labels: { app: 'web' } }, { app: 'web' }],
    ['all labels', {}, undefined],
  ])('removes a dropped %s', (_name, metadata, labels) => {
    const out = run(base, deploy({ replicas: 2, paused: false }, metadata), 'a', T1);
    expect(meta(out).labels).toEqual(labels);
  });

  // prune/addBackOwnedItems: kept when another applier owns it too.
  it('keeps a dropped field another applier owns', () => {
    const shared = run(base, deploy({ paused: false }), 'b', T1);
    const out = run(shared, deploy({ replicas: 2 }, { labels: { app: 'web', tier: 'fe' } }), 'a', T2);
    expect(out.spec).toEqual({ replicas: 2, paused: false });
    expect(owned(out, 'a')).not.toContain('.spec.paused');
    expect(owned(out, 'b')).toEqual(['.spec.paused']);
  });

  // skipnonapplied.go: an object nobody tracks gets a "before-first-apply" owner, whose fields survive pruning.
  it('credits untracked fields to before-first-apply', () => {
    const untracked = deploy({ replicas: 3, paused: true });
    const first = run(untracked, deploy({ paused: true }), 'a', T1);
    expect(owned(first, 'before-first-apply', 'Update')).toEqual(['.spec.paused', '.spec.replicas']);
    expect(entries(first)[1]).toMatchObject({
      manager: 'before-first-apply',
      apiVersion: 'apps/v1',
      time: T1,
    });
    const second = run(first, deploy({}), 'a', T2);
    expect(second.spec).toEqual({ replicas: 3, paused: true });
  });

  // The timestamp-only change of a repeated apply is what IgnoreManagedFieldsTimestampsTransformer discards.
  it('repeats an apply with only the time changed', () => {
    const again = run(
      base,
      deploy({ replicas: 2, paused: false }, { labels: { app: 'web', tier: 'fe' } }),
      'a',
      T1,
    );
    expect(entries(again)[0]?.time).toBe(T1);
    expect(managedFieldsWithoutTimes(entries(again))).toEqual(managedFieldsWithoutTimes(entries(base)));
    expect({ ...again, metadata: { ...meta(again), managedFields: [] } }).toEqual({
      ...base,
      metadata: { ...meta(base), managedFields: [] },
    });
  });

  // BuildManagerIdentifier leaves apiVersion out for appliers: one entry per applier whatever version it uses.
  it('keeps one Apply entry per manager across apiVersions', () => {
    const out = run(base, deploy({ replicas: 2, paused: false }), 'a', T1, { apiVersion: 'apps/v1beta2' });
    expect(entries(out).map((e) => [e.manager, e.apiVersion])).toEqual([['a', 'apps/v1beta2']]);
  });
});

describe('associative lists', () => {
  const nginx = container('nginx', { image: 'nginx:1.27' });
  const first = run(undefined, deploy(podSpec([nginx])), 'app');

  // smd typed/merge.go visitListItems: items merge by key; live items the applier does not mention stay.
  it('merges containers by name across managers', () => {
    const out = run(first, deploy(podSpec([container('sidecar', { image: 'envoy:1' })])), 'mesh', T1);
    expect(containersOf(out)).toEqual([nginx, container('sidecar', { image: 'envoy:1' })]);
    expect(owned(out, 'app')).toContain('.spec.template.spec.containers[name="nginx"].image');
    expect(owned(out, 'mesh')).toEqual([
      '.spec.template.spec.containers[name="sidecar"]',
      '.spec.template.spec.containers[name="sidecar"].image',
      '.spec.template.spec.containers[name="sidecar"].name',
    ]);
    // The first manager re-applies its own list: the sidecar is not its to remove.
    const again = run(out, deploy(podSpec([nginx])), 'app', T2);
    expect(containersOf(again).map((c) => c.name)).toEqual(['nginx', 'sidecar']);
  });

  // prune: an item the applier owned alone and dropped goes, with everything in it.
  it('removes a dropped list item', () => {
    const two = run(first, deploy(podSpec([nginx, container('debug', { image: 'busybox' })])), 'app', T1);
    const out = run(two, deploy(podSpec([nginx])), 'app', T2);
    expect(containersOf(out)).toEqual([nginx]);
    expect(owned(out, 'app').some((p) => p.includes('debug'))).toBe(false);
  });

  // merge by key inside a merged item: env is a list map keyed by name.
  it('merges env by name within a shared container', () => {
    const withEnv = run(
      first,
      deploy(podSpec([container('nginx', { env: [{ name: 'A', value: '1' }] })])),
      'x',
      T1,
    );
    const out = run(
      withEnv,
      deploy(podSpec([container('nginx', { env: [{ name: 'B', value: '2' }] })])),
      'y',
      T2,
    );
    expect(containersOf(out)[0]).toEqual({
      name: 'nginx',
      image: 'nginx:1.27',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    });
    expect(owned(out, 'y')).toContain('.spec.template.spec.containers[name="nginx"].env[name="B"].value');
  });

  // typed/helpers.go getAssociativeKeyDefault: a key field left out takes its default (protocol TCP), so a
  // defaulted live item and an applied item without protocol are the same item.
  it('keys container ports with the defaulted protocol', () => {
    const live = run(
      undefined,
      deploy(podSpec([container('nginx', { ports: [{ containerPort: 80 }] })])),
      'a',
    );
    const defaulted = structuredClone(live);
    (containersOf(defaulted)[0] as { ports: Obj[] }).ports = [{ containerPort: 80, protocol: 'TCP' }];
    const out = run(
      defaulted,
      deploy(podSpec([container('nginx', { ports: [{ containerPort: 80, name: 'http' }] })])),
      'a',
      T1,
    );
    expect(containersOf(out)[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http' }]);
    expect(owned(out, 'a')).toContain(
      '.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"].name',
    );
  });

  // visitListItems' sharedOrder: live-only items keep their place, shared items follow the applied order.
  it.each<[string[], string[], string[]]>([
    [
      ['a', 'b', 'c'],
      ['c', 'a'],
      ['b', 'c', 'a'],
    ],
    [['a'], ['x', 'a'], ['x', 'a']],
    [
      ['a', 'b'],
      ['b', 'x'],
      ['a', 'b', 'x'],
    ],
  ])('orders live %j merged with applied %j as %j', (live, applied, expected) => {
    const liveObj = run(undefined, deploy(podSpec(live.map((n) => container(n)))), 'other');
    const out = run(liveObj, deploy(podSpec(applied.map((n) => container(n)))), 'me', T1);
    expect(containersOf(out).map((c) => c.name)).toEqual(expected);
  });

  // metadata.finalizers is a set (patchStrategy merge without key): merged by value, owned as v: elements.
  it('merges finalizers as a set', () => {
    const a = run(undefined, deploy({}, { finalizers: ['x/a'] }), 'a');
    const out = run(a, deploy({}, { finalizers: ['x/b'] }), 'b', T1);
    expect(meta(out).finalizers).toEqual(['x/a', 'x/b']);
    expect(owned(out, 'b')).toEqual(['.metadata.finalizers[="x/b"]']);
  });

  // LabelSelector is +structType=atomic: replaced whole and owned as one leaf.
  it('replaces an atomic selector whole', () => {
    const a = run(undefined, deploy({ selector: { matchLabels: { app: 'web', tier: 'fe' } } }), 'a');
    const out = run(a, deploy({ selector: { matchLabels: { app: 'web' } } }), 'a', T1);
    expect(out.spec).toEqual({ selector: { matchLabels: { app: 'web' } } });
    expect(owned(out, 'a')).toEqual(['.spec.selector']);
  });
});

describe('typing errors', () => {
  // structuredmerge.go wraps smd validation errors: a plain error, so a 500 without reason.
  it.each<[Obj[], string]>([
    [
      [{ image: 'x' }],
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    ],
    [
      [container('a'), container('a')],
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="a"]',
    ],
  ])('rejects containers %j', (containers, message) => {
    try {
      run(undefined, deploy(podSpec(containers)), 'a');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StatusError);
      expect((e as StatusError).toStatus()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        code: 500,
      });
    }
  });
});

describe('subresources and reset fields', () => {
  // buildmanagerinfo.go: a subresource is part of the manager's identity.
  it('records the subresource of a status apply', () => {
    const live = run(undefined, deploy({ replicas: 1 }), 'a');
    const out = run(live, { ...deploy({}), status: { replicas: 1 } }, 'ctrl', T1, { subresource: 'status' });
    expect(entries(out)[1]).toMatchObject({ manager: 'ctrl', operation: 'Apply', subresource: 'status' });
    expect(owned(out, 'ctrl')).toEqual(['.status.replicas']);
    expect(out.spec).toEqual({ replicas: 1 });
  });

  // Updater.Apply filters the configuration's set with the endpoint's reset fields (IgnoreFilter).
  it('never gives the applier reset fields', () => {
    const out = run(undefined, { ...deploy({ replicas: 1 }), status: { replicas: 9 } }, 'a', T0, {
      resetFields: [['status']],
    });
    expect(owned(out, 'a')).toEqual(['.spec.replicas']);
  });
});
