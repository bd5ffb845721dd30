// Expected behaviour and reason texts follow kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows,
// Authorize), pkg/apis/rbac/v1/evaluation_helpers.go (matchers) and pkg/registry/rbac/validation/rule.go
// (VisitRulesFor, appliesToUser, the binding describers).
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../../../src/sandbox/auth/rbac.js';
import { authorize } from '../../../../src/sandbox/auth/rbac.js';
import {
  authenticated,
  clusterRole,
  clusterRoleBinding,
  pathAttrs,
  rbacStore,
  resourceAttrs,
  userSubject,
} from './fixtures.js';

const alice = authenticated('alice', ['dev']);

describe('rule matching (evaluation_helpers.go)', () => {
  const objs = rbacStore([
    clusterRole('cr', [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] },
      { apiGroups: ['apps'], resources: ['*/status'], verbs: ['get'] },
      { apiGroups: ['batch'], resources: ['jobs/*'], verbs: ['get'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['s1'],
        verbs: ['get', 'list', 'create', 'update'],
      },
      { apiGroups: ['*'], resources: ['widgets'], verbs: ['*'] },
      { apiGroups: ['networking.k8s.io'], resources: ['*'], verbs: ['watch'] },
      { nonResourceURLs: ['/metrics', '/logs/*'], verbs: ['get'] },
    ]),
    clusterRoleBinding('crb', { kind: 'ClusterRole', name: 'cr' }, [userSubject('alice')]),
  ]);
  const ns = 'default';

  it.each<[string, Partial<Attributes>, boolean]>([
    ['verb and resource match', { verb: 'get', resource: 'configmaps', namespace: ns, name: 'x' }, true],
    ['list without a name', { verb: 'list', resource: 'configmaps', namespace: ns }, true],
    ['verb not granted', { verb: 'delete', resource: 'configmaps', namespace: ns, name: 'x' }, false],
    [
      'same resource, other group',
      { verb: 'get', apiGroup: 'apps', resource: 'configmaps', namespace: ns },
      false,
    ],
    [
      'exact subresource',
      { verb: 'patch', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' },
      true,
    ],
    [
      'subresource rule does not grant the parent',
      { verb: 'patch', apiGroup: 'apps', resource: 'deployments' },
      false,
    ],
    [
      'subresource rule, other verb',
      { verb: 'get', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' },
      false,
    ],
    ['*/status on deployments', { apiGroup: 'apps', resource: 'deployments', subresource: 'status' }, true],
    ['*/status on statefulsets', { apiGroup: 'apps', resource: 'statefulsets', subresource: 'status' }, true],
    ['*/status does not grant the parent', { apiGroup: 'apps', resource: 'deployments' }, false],
    ['*/status limited to its group', { resource: 'pods', subresource: 'status' }, false],
    ['jobs/* is no wildcard upstream', { apiGroup: 'batch', resource: 'jobs', subresource: 'status' }, false],
    ['resourceNames with the name', { resource: 'secrets', name: 's1', namespace: ns }, true],
    ['resourceNames, other name', { resource: 'secrets', name: 's2', namespace: ns }, false],
    ['resourceNames never match list', { verb: 'list', resource: 'secrets', namespace: ns }, false],
    ['resourceNames never match create', { verb: 'create', resource: 'secrets', namespace: ns }, false],
    [
      'resourceNames with update by name',
      { verb: 'update', resource: 'secrets', name: 's1', namespace: ns },
      true,
    ],
    ['* group and * verb', { verb: 'deletecollection', apiGroup: 'example.com', resource: 'widgets' }, true],
    [
      '* resource in one group',
      { verb: 'watch', apiGroup: 'networking.k8s.io', resource: 'ingresses' },
      true,
    ],
    [
      '* resource covers subresources',
      { verb: 'watch', apiGroup: 'networking.k8s.io', resource: 'ingresses', subresource: 'status' },
      true,
    ],
  ])('%s', (_name, a, allowed) => {
    expect(authorize(objs, resourceAttrs(alice, a)).allowed).toBe(allowed);
  });

  it.each<[string, string, string, boolean]>([
    ['exact URL', 'get', '/metrics', true],
    ['exact URL is not a prefix', 'get', '/metrics/extra', false],
    ['prefix URL', 'get', '/logs/kube.log', true],
    ['prefix URL with nothing after it', 'get', '/logs/', true],
    ['prefix needs its slash', 'get', '/logs', false],
    ['non-resource verb', 'post', '/metrics', false],
    ['resource rules grant no paths', 'get', '/configmaps', false],
  ])('non-resource: %s', (_name, verb, path, allowed) => {
    expect(authorize(objs, pathAttrs(alice, verb, path)).allowed).toBe(allowed);
  });

  it('names the granting binding, and gives no reason on denial', () => {
    expect(authorize(objs, resourceAttrs(alice, { resource: 'configmaps', namespace: ns }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "crb" of ClusterRole "cr" to User "alice"',
    });
    expect(authorize(objs, resourceAttrs(alice, { resource: 'pods', namespace: ns }))).toEqual({
      allowed: false,
      reason: '',
    });
  });
});
