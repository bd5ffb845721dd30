import { describe, expect, it } from 'vitest';
import { builtinShape, crdShape } from '../../../../src/sandbox/shapes.js';
import {
  apply,
  decodeFieldsV1,
  managedFieldsWithoutTimes,
  pathString,
  trackUpdate,
  type UpdateInput,
} from '../../../../src/sandbox/ssa/index.js';
import { type ManagedFieldsEntry, meta, type Obj } from '../../../../src/sandbox/types.js';

const shape = builtinShape('apps', 'Deployment');
const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';
const T2 = '2026-01-01T00:02:00Z';

function deploy(spec: Obj, metadata: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...metadata },
    spec,
  };
}

function track(
  old: Obj | undefined,
  next: Obj,
  manager: string,
  now = T1,
  extra: Partial<UpdateInput> = {},
): Obj {
  return trackUpdate({ old, next, manager, shape, apiVersion: 'apps/v1', now, ...extra });
}

function entries(obj: Obj): ManagedFieldsEntry[] {
  return meta(obj).managedFields ?? [];
}

function owned(obj: Obj, manager: string): string[] {
  const e = entries(obj).find((x) => x.manager === manager);
  return e ? decodeFieldsV1(e.fieldsV1).paths().map(pathString) : [];
}

/** `obj` with its spec changed and its managedFields as stored. */
function edit(obj: Obj, spec: Obj, metadata: Obj = {}): Obj {
  const next = structuredClone(obj);
  next.spec = { ...(obj.spec as Obj), ...spec };
  next.metadata = { ...meta(next), ...metadata };
  return next;
}

describe('create', () => {
  // managedfields Update on create compares with the kind's zero value: non-pointer structs (spec, template,
  // strategy) exist there, so only what was absent (labels, rollingUpdate, list items) gets ".": {}; a new
  // container brings its non-pointer `resources`, which kubectl-create entries show as `f:resources: {}`.
  it('gives the creator every field, with "." where the zero value had nothing', () => {
    const next = deploy(
      {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
        },
      },
      { labels: { app: 'web' }, uid: 'u1', creationTimestamp: T0 },
    );
    const out = track(undefined, next, 'kubectl-create', T0);
    expect(entries(out)).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {} }, 'f:type': {} },
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} },
                },
              },
            },
          },
        },
      },
    ]);
  });

  // Custom resources have no typed zero value: a new spec is itself added.
  it('marks new structs of custom resources', () => {
    const crShape = crdShape({
      type: 'object',
      properties: { spec: { type: 'object', properties: { size: {} } } },
    });
    const cr = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } };
    const out = trackUpdate({
      old: undefined,
      next: cr,
      manager: 'm',
      shape: crShape,
      apiVersion: 'example.com/v1',
      now: T0,
    });
    expect(entries(out)[0]?.fieldsV1).toEqual({ 'f:spec': { '.': {}, 'f:size': {} } });
  });
});

describe('updates', () => {
  const created = apply({
    live: undefined,
    applied: deploy({ replicas: 2, paused: false }, { labels: { app: 'web', tier: 'fe' } }),
    manager: 'kubectl',
    force: false,
    shape,
    apiVersion: 'apps/v1',
    now: T0,
  });

  // smd merge/update.go Update: the updater gains what it changed, other managers lose it.
  it('moves a changed field to the updater', () => {
    const out = track(created, edit(created, { replicas: 5 }), 'kubectl-edit');
    expect(owned(out, 'kubectl-edit')).toEqual(['.spec.replicas']);
    expect(owned(out, 'kubectl')).not.toContain('.spec.replicas');
    expect(entries(out).map((e) => [e.manager, e.operation, e.time])).toEqual([
      ['kubectl', 'Apply', T0],
      ['kubectl-edit', 'Update', T1],
    ]);
  });

  // update(): removed fields leave every manager's set; a manager left with nothing is dropped.
  it('drops removed fields from every set and empty entries', () => {
    const next = edit(created, {}, { labels: undefined });
    delete meta(next).labels;
    const noSpec = { ...next, spec: {} };
    const out = track(created, noSpec, 'cleaner');
    expect(entries(out)).toEqual([]);
    expect(meta(out).managedFields).toBeUndefined();
  });

  // managedFieldsUpdater.Update: a write that changes nothing leaves entries and times alone.
  it('leaves entries alone on a no-op write', () => {
    const out = track(created, structuredClone(created), 'kubectl-edit', T2);
    expect(entries(out)).toEqual(entries(created));
  });

  // The updater's previous entry is merged with what it takes now, under the new time.
  it('accumulates an updater’s fields', () => {
    const once = track(created, edit(created, { replicas: 3 }), 'ctl', T1);
    const twice = track(once, edit(once, { paused: true }), 'ctl', T2);
    expect(owned(twice, 'ctl')).toEqual(['.spec.paused', '.spec.replicas']);
    expect(entries(twice).find((e) => e.manager === 'ctl')?.time).toBe(T2);
  });

  // One entry per (manager, Update, apiVersion): another version is a separate entry.
  it('keeps Update entries apart by apiVersion', () => {
    const v1 = track(created, edit(created, { replicas: 3 }), 'ctl', T1);
    const v2 = track(v1, edit(v1, { paused: true }), 'ctl', T2, { apiVersion: 'apps/v1beta2' });
    expect(entries(v2).map((e) => [e.manager, e.apiVersion])).toEqual([
      ['kubectl', 'apps/v1'],
      ['ctl', 'apps/v1'],
      ['ctl', 'apps/v1beta2'],
    ]);
  });

  // buildmanagerinfo.go: subresource writes carry `subresource`; fieldmanager.go decodeLiveOrNew ignores
  // managedFields sent to a subresource.
  it('records status writes with their subresource', () => {
    const next = { ...structuredClone(created), status: { replicas: 2 } };
    meta(next).managedFields = [];
    const out = track(created, next, 'kube-controller-manager', T1, { subresource: 'status' });
    expect(entries(out)[1]).toMatchObject({ manager: 'kube-controller-manager', subresource: 'status' });
    expect(owned(out, 'kube-controller-manager')).toEqual(['.status.replicas']);
    expect(owned(out, 'kubectl')).toHaveLength(4);
  });

  // GetResetFields: a main-resource write never owns (nor takes) the status it cannot change.
  it('skips reset fields', () => {
    const next = { ...edit(created, { replicas: 4 }), status: { replicas: 4 } };
    const out = track(created, next, 'ctl', T1, { resetFields: [['status']] });
    expect(owned(out, 'ctl')).toEqual(['.spec.replicas']);
  });
});

describe('managedFields sent by the client', () => {
  const created = track(undefined, deploy({ replicas: 1 }), 'creator', T0);

  // fieldmanager.go isResetManagedFields: `[{}]` strips them all.
  it('clears everything on [{}]', () => {
    const next = edit(created, {}, { managedFields: [{}] });
    expect(meta(track(created, next, 'x')).managedFields).toBeUndefined();
  });

  // decodeLiveOrNew: an empty list falls back to the live entries.
  it('keeps the live entries on []', () => {
    const next = edit(created, { paused: true }, { managedFields: [] });
    expect(entries(track(created, next, 'x')).map((e) => e.manager)).toEqual(['creator', 'x']);
  });

  // decodeLiveOrNew: entries the client edits are taken as sent (kubectl's csaupgrade patch relies on it).
  it('honours edited entries', () => {
    const renamed = entries(created).map((e) => ({ ...e, manager: 'renamed' }));
    const out = track(created, edit(created, {}, { managedFields: renamed }), 'x');
    expect(entries(out).map((e) => e.manager)).toEqual(['renamed']);
  });

  // skipnonapplied.go: once an object has no managedFields, updates do not start tracking again.
  it('does not track again after a reset', () => {
    const cleared = track(created, edit(created, {}, { managedFields: [{}] }), 'x');
    expect(meta(track(cleared, edit(cleared, { replicas: 9 }), 'y')).managedFields).toBeUndefined();
  });
});

describe('housekeeping', () => {
  // capmanagers.go: beyond 10 Update entries the oldest merge into "ancient-changes".
  it('caps Update managers', () => {
    let obj = track(undefined, deploy({ f0: 0 }), 'm0', '2026-01-01T00:00:00Z');
    for (let i = 1; i <= 11; i++) {
      obj = track(
        obj,
        edit(obj, { [`f${i}`]: i }),
        `m${i}`,
        `2026-01-01T00:${String(i).padStart(2, '0')}:00Z`,
      );
    }
    const names = entries(obj).map((e) => e.manager);
    expect(names).toHaveLength(10);
    expect(names[0]).toBe('ancient-changes');
    expect(owned(obj, 'ancient-changes')).toEqual(['.spec.f0', '.spec.f1', '.spec.f2']);
    expect(entries(obj)[0]?.time).toBe('2026-01-01T00:02:00Z');
  });

  // IgnoreManagedFieldsTimestampsTransformer compares entries modulo their times.
  it('compares entries without times', () => {
    const later = entries(created()).map((e) => ({ ...e, time: T2 }));
    expect(managedFieldsWithoutTimes(later)).toEqual(managedFieldsWithoutTimes(entries(created())));
    expect(managedFieldsWithoutTimes(undefined)).toEqual([]);
  });

  // fieldmanager.go UpdateNoErrors: an object smd cannot type is stored without managedFields.
  it('drops managedFields when list items lack their keys', () => {
    const bad = deploy({ template: { spec: { containers: [{ image: 'x' }] } } });
    expect(meta(track(undefined, bad, 'x')).managedFields).toBeUndefined();
  });

  function created(): Obj {
    return track(undefined, deploy({ replicas: 1 }), 'creator', T0);
  }
});
