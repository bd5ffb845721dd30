import { describe, expect, it } from 'vitest';
import { builtinShape } from '../../../../src/sandbox/shapes.js';
import { ApplyConflictError, apply, trackUpdate } from '../../../../src/sandbox/ssa/index.js';
import { meta, type Obj } from '../../../../src/sandbox/types.js';

const shape = builtinShape('apps', 'Deployment');
const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';
const T2 = '2026-01-01T00:02:00Z';

function deploy(spec: Obj): Obj {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec };
}

function applyAs(
  live: Obj | undefined,
  spec: Obj,
  manager: string,
  force = false,
  now = T1,
  subresource = '',
): Obj {
  const applied = subresource === 'status' ? { ...deploy({}), status: spec } : deploy(spec);
  return apply({ live, applied, manager, force, shape, apiVersion: 'apps/v1', now, subresource });
}

function updateAs(old: Obj, spec: Obj, manager: string, now = T1, subresource?: string): Obj {
  const next = structuredClone(old);
  if (subresource === 'status') next.status = { ...(old.status as Obj), ...spec };
  else next.spec = { ...(old.spec as Obj), ...spec };
  return trackUpdate({
    old,
    next,
    manager,
    shape,
    apiVersion: 'apps/v1',
    now,
    ...(subresource && { subresource }),
  });
}

function conflictOf(fn: () => unknown): ApplyConflictError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApplyConflictError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}

const image = (name: string, tag: string) => ({
  template: { spec: { containers: [{ name, image: tag }] } },
});

describe('conflicts', () => {
  const applied = applyAs(
    undefined,
    { replicas: 2, paused: false, ...image('nginx', 'nginx:1') },
    'kubectl',
    false,
    T0,
  );

  // smd merge/update.go update(): a kubectl-edit Update takes ownership of what it changed, so a later apply
  // of another value conflicts with it; internal/conflict.go prints Update managers with their apiVersion.
  it('conflicts with the Update manager that changed spec.replicas', () => {
    const edited = updateAs(applied, { replicas: 5 }, 'kubectl-edit');
    const err = conflictOf(() =>
      applyAs(edited, { replicas: 3, paused: false, ...image('nginx', 'nginx:1') }, 'kubectl'),
    );
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
    expect(err.conflicts).toEqual([
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        apiVersion: 'apps/v1',
        subresource: undefined,
        path: '.spec.replicas',
      },
    ]);
    // The exact 409 body (kube-api-facts §2 Conflict; errors.go NewApplyConflict).
    expect(JSON.stringify(err.toStatusError().toStatus())).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",' +
        '"message":"Apply failed with 1 conflict: conflict with \\"kubectl-edit\\" using apps/v1: .spec.replicas",' +
        '"reason":"Conflict","details":{"causes":[{"reason":"FieldManagerConflict",' +
        '"message":"conflict with \\"kubectl-edit\\" using apps/v1","field":".spec.replicas"}]},"code":409}',
    );
    // Re-applying the edited value is no conflict: the field becomes shared.
    expect(() =>
      applyAs(edited, { replicas: 5, paused: false, ...image('nginx', 'nginx:1') }, 'kubectl'),
    ).not.toThrow();
  });

  // getConflictMessage: more than one conflict, grouped by manager (sorted identifiers), one path per line.
  it.each<[string, () => Obj, string]>([
    [
      'one Update manager',
      () => updateAs(applied, { replicas: 5, paused: true }, 'm1'),
      'Apply failed with 2 conflicts: conflicts with "m1" using apps/v1:\n- .spec.paused\n- .spec.replicas',
    ],
    [
      'an applier and an updater',
      () => updateAs(applyAs(applied, { paused: true }, 'alpha', true), { replicas: 5 }, 'beta', T2),
      'Apply failed with 2 conflicts: conflicts with "alpha":\n- .spec.paused\nconflicts with "beta" using apps/v1:\n- .spec.replicas',
    ],
  ])('groups conflicts with %s', (_name, live, message) => {
    const err = conflictOf(() => applyAs(live(), { replicas: 1, paused: false }, 'kubectl', false, T2));
    expect(err.message).toBe(message);
    expect(err.toStatusError().details?.causes).toHaveLength(2);
  });

  // fieldpath element.go String(): list map keys print as [name="nginx"].
  it('names the container in the path', () => {
    const err = conflictOf(() => applyAs(applied, image('nginx', 'nginx:2'), 'ci'));
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl": .spec.template.spec.containers[name="nginx"].image',
    );
  });

  // printManager: a subresource manager prints `with subresource "status"`.
  it('prints subresource managers', () => {
    const withStatus = updateAs(
      { ...applied, status: { replicas: 1 } },
      { replicas: 2 },
      'kcm',
      T1,
      'status',
    );
    const err = conflictOf(() => applyAs(withStatus, { replicas: 3 }, 'other', false, T2, 'status'));
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "kcm" with subresource "status" using apps/v1: .status.replicas',
    );
  });

  // update(): force removes the conflicting fields from the other managers and gives them to the applier.
  it('takes ownership with force', () => {
    const edited = updateAs(applied, { replicas: 5 }, 'kubectl-edit');
    const out = applyAs(
      edited,
      { replicas: 3, paused: false, ...image('nginx', 'nginx:1') },
      'kubectl',
      true,
      T2,
    );
    expect((out.spec as Obj).replicas).toBe(3);
    // kubectl-edit owned only replicas: its now-empty entry is dropped.
    expect(meta(out).managedFields?.map((e) => e.manager)).toEqual(['kubectl']);
  });

  // Conflicts only on changed values: a second applier sharing values never conflicts.
  it('does not conflict on equal values', () => {
    expect(() => applyAs(applied, { replicas: 2 }, 'other')).not.toThrow();
  });
});
