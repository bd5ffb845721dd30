// Expected behaviour and reason texts follow kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows,
// Authorize), pkg/apis/rbac/v1/evaluation_helpers.go (matchers) and pkg/registry/rbac/validation/rule.go
// (VisitRulesFor, appliesToUser, the binding describers).
import { describe, expect, it } from 'vitest';
import { authorize, rulesFor } from '../../../../src/sandbox/auth/rbac.js';
import type { Obj } from '../../../../src/sandbox/types.js';
import {
  authenticated,
  clusterRole,
  clusterRoleBinding,
  groupSubject,
  rbacStore,
  resourceAttrs,
  role,
  roleBinding,
  saSubject,
  userSubject,
} from './fixtures.js';

const alice = authenticated('alice', ['dev']);

describe('bindings and subjects (rule.go)', () => {
  const read = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }];
  const objs = rbacStore([
    clusterRole('reader', read),
    role('team-a', 'r', read),
    roleBinding('team-a', 'rb', { kind: 'ClusterRole', name: 'reader' }, [userSubject('bob')]),
    roleBinding('team-a', 'rb-role', { kind: 'Role', name: 'r' }, [groupSubject('devs')]),
    roleBinding('team-a', 'rb-sa', { kind: 'Role', name: 'r' }, [
      saSubject('deployer'),
      saSubject('builder', 'ci'),
    ]),
    clusterRoleBinding('crb-sa-bare', { kind: 'ClusterRole', name: 'reader' }, [saSubject('nobody')]),
    clusterRoleBinding('crb-sa', { kind: 'ClusterRole', name: 'reader' }, [saSubject('lister', 'ops')]),
    clusterRoleBinding('crb-odd', { kind: 'ClusterRole', name: 'reader' }, [
      { kind: 'Team', name: 'carol' },
      groupSubject('carol'),
    ]),
  ]);
  const get = (user: string, groups: string[], namespace: string) =>
    authorize(
      objs,
      resourceAttrs(authenticated(user, groups), { verb: 'list', resource: 'configmaps', namespace }),
    );

  it.each<[string, string, string[], string, string]>([
    [
      'RoleBinding to a ClusterRole grants in its namespace',
      'bob',
      [],
      'team-a',
      'RBAC: allowed by RoleBinding "rb/team-a" of ClusterRole "reader" to User "bob"',
    ],
    [
      'RoleBinding to a Role, Group subject',
      'eve',
      ['devs'],
      'team-a',
      'RBAC: allowed by RoleBinding "rb-role/team-a" of Role "r" to Group "devs"',
    ],
    [
      'ServiceAccount subject defaults to the binding namespace',
      'system:serviceaccount:team-a:deployer',
      ['system:serviceaccounts'],
      'team-a',
      'RBAC: allowed by RoleBinding "rb-sa/team-a" of Role "r" to ServiceAccount "deployer/team-a"',
    ],
    [
      'ServiceAccount subject from another namespace',
      'system:serviceaccount:ci:builder',
      [],
      'team-a',
      'RBAC: allowed by RoleBinding "rb-sa/team-a" of Role "r" to ServiceAccount "builder/ci"',
    ],
    [
      'ClusterRoleBinding to a namespaced ServiceAccount',
      'system:serviceaccount:ops:lister',
      [],
      '',
      'RBAC: allowed by ClusterRoleBinding "crb-sa" of ClusterRole "reader" to ServiceAccount "lister/ops"',
    ],
    [
      'unknown subject kinds are skipped',
      'x',
      ['carol'],
      '',
      'RBAC: allowed by ClusterRoleBinding "crb-odd" of ClusterRole "reader" to Group "carol"',
    ],
  ])('%s', (_name, user, groups, namespace, reason) => {
    expect(get(user, groups, namespace)).toEqual({ allowed: true, reason });
  });

  it.each<[string, string, string[], string]>([
    ['RoleBinding to a ClusterRole grants nothing elsewhere', 'bob', [], 'team-b'],
    ['RoleBinding grants nothing at cluster scope', 'bob', [], ''],
    [
      'ServiceAccount subject without namespace in a ClusterRoleBinding',
      'system:serviceaccount:default:nobody',
      [],
      '',
    ],
    ['ServiceAccount of another namespace', 'system:serviceaccount:team-b:deployer', [], 'team-a'],
    ['User subject is not a group', 'eve', ['bob'], 'team-a'],
    ['Group subject is not a user', 'devs', [], 'team-a'],
    ['unknown subject kind by name', 'carol', [], ''],
  ])('denies: %s', (_name, user, groups, namespace) => {
    expect(get(user, groups, namespace).allowed).toBe(false);
  });

  it('lets system:masters do anything without a reason, like the superuser authorizer', () => {
    const root = authenticated('root', ['system:masters']);
    expect(authorize(rbacStore([]), resourceAttrs(root, { verb: 'delete', resource: 'nodes' }))).toEqual({
      allowed: true,
      reason: '',
    });
  });
});

describe('role resolution errors (rbac.go, rule.go GetRoleReferenceRules)', () => {
  const read = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
  it.each<[string, Obj[], { allowed: boolean; reason: string; evaluationError?: string }]>([
    [
      'missing Role',
      [roleBinding('ns', 'rb', { kind: 'Role', name: 'r' }, [userSubject('alice')])],
      {
        allowed: false,
        reason: 'RBAC: role.rbac.authorization.k8s.io "r" not found',
        evaluationError: 'role.rbac.authorization.k8s.io "r" not found',
      },
    ],
    [
      'a Role of the same name in another namespace does not count',
      [
        role('other', 'r', read),
        roleBinding('ns', 'rb', { kind: 'Role', name: 'r' }, [userSubject('alice')]),
      ],
      {
        allowed: false,
        reason: 'RBAC: role.rbac.authorization.k8s.io "r" not found',
        evaluationError: 'role.rbac.authorization.k8s.io "r" not found',
      },
    ],
    [
      'missing ClusterRole and Role, cluster bindings first',
      [
        roleBinding('ns', 'rb', { kind: 'Role', name: 'r' }, [userSubject('alice')]),
        clusterRoleBinding('crb', { kind: 'ClusterRole', name: 'gone' }, [groupSubject('dev')]),
      ],
      {
        allowed: false,
        reason:
          'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "r" not found]',
        evaluationError:
          '[clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "r" not found]',
      },
    ],
    [
      'the same error twice is reported once',
      [
        clusterRoleBinding('a', { kind: 'ClusterRole', name: 'gone' }, [groupSubject('dev')]),
        clusterRoleBinding('b', { kind: 'ClusterRole', name: 'gone' }, [userSubject('alice')]),
      ],
      {
        allowed: false,
        reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
        evaluationError: 'clusterrole.rbac.authorization.k8s.io "gone" not found',
      },
    ],
    [
      'unsupported roleRef kind',
      [roleBinding('ns', 'rb', { kind: 'Policy', name: 'p' }, [userSubject('alice')])],
      {
        allowed: false,
        reason: 'RBAC: unsupported role reference kind: "Policy"',
        evaluationError: 'unsupported role reference kind: "Policy"',
      },
    ],
    [
      'an error is dropped once another binding allows',
      [
        roleBinding('ns', 'rb', { kind: 'Role', name: 'r' }, [userSubject('alice')]),
        role('ns', 'ok', read),
        roleBinding('ns', 'rb-ok', { kind: 'Role', name: 'ok' }, [userSubject('alice')]),
      ],
      { allowed: true, reason: 'RBAC: allowed by RoleBinding "rb-ok/ns" of Role "ok" to User "alice"' },
    ],
    [
      'bindings for other subjects are never resolved',
      [roleBinding('ns', 'rb', { kind: 'Role', name: 'r' }, [userSubject('bob')])],
      { allowed: false, reason: '' },
    ],
  ])('%s', (_name, objects, expected) => {
    const attrs = resourceAttrs(alice, { resource: 'pods', namespace: 'ns', name: 'p' });
    expect(authorize(rbacStore(objects), attrs)).toEqual(expected);
  });

  it('rulesFor returns usable rules alongside the errors', () => {
    const objs = rbacStore([
      role('ns', 'ok', read),
      roleBinding('ns', 'rb-ok', { kind: 'Role', name: 'ok' }, [userSubject('alice')]),
      roleBinding('ns', 'rb', { kind: 'Role', name: 'r' }, [userSubject('alice')]),
    ]);
    expect(rulesFor(objs, alice, 'ns')).toEqual({
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get'], resourceNames: [], nonResourceURLs: [] },
      ],
      errors: ['role.rbac.authorization.k8s.io "r" not found'],
    });
    expect(rulesFor(objs, alice, 'ns', 'registry').errors).toEqual([
      'roles.rbac.authorization.k8s.io "r" not found',
    ]);
  });
});
