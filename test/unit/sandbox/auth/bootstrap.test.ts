// The bootstrap objects follow kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go;
// decisions and reason texts follow plugin/pkg/auth/authorizer/rbac/rbac.go and rule.go's describers.
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../../../src/sandbox/auth/rbac.js';
import { authorize, bootstrapPolicy, rulesFor } from '../../../../src/sandbox/auth/rbac.js';
import type { Obj } from '../../../../src/sandbox/types.js';
import { authenticated, pathAttrs, rbacStore, resourceAttrs, roleBinding, userSubject } from './fixtures.js';

describe('bootstrap policy (bootstrappolicy/policy.go)', () => {
  const withBindings = (...extra: Obj[]) => rbacStore([...bootstrapPolicy(), ...extra]);
  const objs = withBindings(
    roleBinding('team', 'viewers', { kind: 'ClusterRole', name: 'view' }, [userSubject('viewer')]),
    roleBinding('team', 'editors', { kind: 'ClusterRole', name: 'edit' }, [userSubject('editor')]),
    roleBinding('team', 'admins', { kind: 'ClusterRole', name: 'admin' }, [userSubject('admin')]),
  );

  it.each([
    '/api',
    '/api/v1',
    '/apis',
    '/apis/apps/v1',
    '/version',
    '/openapi/v3',
    '/openapi/v2',
    '/healthz',
    '/livez',
    '/readyz',
  ])('lets any authenticated user get %s', (path) => {
    expect(authorize(objs, pathAttrs(authenticated('nobody'), 'get', path)).allowed).toBe(true);
  });

  it('names the discovery binding', () => {
    expect(authorize(objs, pathAttrs(authenticated('nobody'), 'get', '/api')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    );
  });

  it.each<[string, string, Partial<Attributes>, boolean]>([
    [
      'anyone reviews own access',
      'nobody',
      { verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' },
      true,
    ],
    [
      'anyone lists own rules',
      'nobody',
      { verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectrulesreviews' },
      true,
    ],
    ['nobody lists pods', 'nobody', { verb: 'list', resource: 'pods', namespace: 'team' }, false],
    [
      'view lists deployments',
      'viewer',
      { verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: 'team' },
      true,
    ],
    [
      'view reads no secrets',
      'viewer',
      { verb: 'get', resource: 'secrets', namespace: 'team', name: 's' },
      false,
    ],
    [
      'view creates nothing',
      'viewer',
      { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'team' },
      false,
    ],
    [
      'edit creates deployments',
      'editor',
      { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'team' },
      true,
    ],
    [
      'edit scales deployments',
      'editor',
      { verb: 'patch', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'team' },
      true,
    ],
    [
      'edit writes secrets',
      'editor',
      { verb: 'update', resource: 'secrets', namespace: 'team', name: 's' },
      true,
    ],
    [
      'edit writes no roles',
      'editor',
      { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'team' },
      false,
    ],
    [
      'admin writes roles',
      'admin',
      { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'team' },
      true,
    ],
    [
      'admin stays in its namespace',
      'admin',
      { verb: 'list', resource: 'configmaps', namespace: 'other' },
      false,
    ],
    ['admin has no cluster scope', 'admin', { verb: 'list', resource: 'namespaces' }, false],
  ])('%s', (_name, user, a, allowed) => {
    expect(authorize(objs, resourceAttrs(authenticated(user), a)).allowed).toBe(allowed);
  });

  it('binds cluster-admin to system:masters', () => {
    const root = { name: 'root', groups: ['system:masters', 'system:authenticated'] };
    const crb = bootstrapPolicy().find(
      (o) => o.kind === 'ClusterRoleBinding' && (o.metadata as Obj).name === 'cluster-admin',
    );
    expect(crb).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'Group', name: 'system:masters' }],
    });
    expect(rulesFor(objs, root, '').rules).toContainEqual({
      apiGroups: ['*'],
      resources: ['*'],
      verbs: ['*'],
      resourceNames: [],
      nonResourceURLs: [],
    });
  });

  it('returns fresh objects on every call', () => {
    const first = bootstrapPolicy()[1];
    if (first) (first.rules as Obj[]).length = 0;
    expect(bootstrapPolicy()[1]?.rules).not.toEqual([]);
  });
});
