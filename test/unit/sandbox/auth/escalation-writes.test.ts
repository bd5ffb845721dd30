// Expected behaviour follows kubernetes pkg/registry/rbac/escalation_check.go (EscalationAllowed,
// RoleEscalationAuthorized, BindingAuthorized), pkg/registry/rbac/{role,clusterrole,rolebinding,
// clusterrolebinding}/policybased/storage.go and pkg/registry/rbac/validation/rule.go (ConfirmNoEscalation).
import { describe, expect, it } from 'vitest';
import type { EscalationAuthorizer } from '../../../../src/sandbox/auth/escalation.js';
import { checkBindingWrite, checkRoleWrite } from '../../../../src/sandbox/auth/escalation.js';
import type { Attributes } from '../../../../src/sandbox/auth/rbac.js';
import type { Obj } from '../../../../src/sandbox/types.js';
import {
  authenticated,
  clusterRole,
  clusterRoleBinding,
  rbacStore,
  role,
  roleBinding,
  userSubject,
} from './fixtures.js';

const alice = authenticated('alice', ['dev']);
const RBAC = 'rbac.authorization.k8s.io';

/** An authorizer that records calls and allows only the verbs listed. */
function verbs(...allowed: string[]) {
  const calls: Attributes[] = [];
  const authz: EscalationAuthorizer = (a) => {
    calls.push(a);
    return { allowed: allowed.includes(a.verb) };
  };
  return { calls, authz };
}

const deploy = [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'delete'] }];
const held = rbacStore([
  clusterRole('reader', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }]),
  clusterRole('deployer', deploy),
  role('team', 'r-held', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }]),
  roleBinding('team', 'rb-existing', { kind: 'Role', name: 'gone' }, [userSubject('alice')]),
  roleBinding('team', 'rb', { kind: 'ClusterRole', name: 'reader' }, [userSubject('alice')]),
]);

describe('checkRoleWrite', () => {
  const newRole = role('team', 'r', deploy);

  it.each<[string, Parameters<typeof checkRoleWrite>[1], string[], string | undefined]>([
    [
      'system:masters may write anything',
      {
        user: authenticated('root', ['system:masters']),
        resource: 'roles',
        namespace: 'team',
        requestName: '',
        obj: newRole,
      },
      [],
      undefined,
    ],
    [
      'escalate allows anything',
      { user: alice, resource: 'roles', namespace: 'team', requestName: '', obj: newRole },
      ['escalate'],
      undefined,
    ],
    [
      'rules held',
      {
        user: alice,
        resource: 'roles',
        namespace: 'team',
        requestName: '',
        obj: role('team', 'r', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }]),
      },
      [],
      undefined,
    ],
    [
      'rules not held, with resolution errors of the registry',
      { user: alice, resource: 'roles', namespace: 'team', requestName: '', obj: newRole },
      [],
      'roles.rbac.authorization.k8s.io "r" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}; resolution errors: [roles.rbac.authorization.k8s.io "gone" not found]',
    ],
    [
      'cluster role checked against cluster-wide rules only',
      {
        user: alice,
        resource: 'clusterroles',
        namespace: '',
        requestName: '',
        obj: clusterRole('c', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }]),
      },
      [],
      'clusterroles.rbac.authorization.k8s.io "c" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}',
    ],
    [
      'GC-only update',
      {
        user: alice,
        resource: 'roles',
        namespace: 'team',
        requestName: 'r',
        obj: { ...newRole, metadata: { name: 'r', namespace: 'team', finalizers: ['x'] } },
        old: newRole,
      },
      [],
      undefined,
    ],
  ])('%s', (_name, write, allowedVerbs, message) => {
    expect(checkRoleWrite(held, write, verbs(...allowedVerbs).authz)?.message).toBe(message);
  });

  it('asks for escalate on the resource, named as in the URL', () => {
    const { calls, authz } = verbs();
    checkRoleWrite(
      held,
      { user: alice, resource: 'roles', namespace: 'team', requestName: 'r', obj: newRole, old: newRole },
      authz,
    );
    expect(calls.map((a) => [a.verb, a.apiGroup, a.resource, a.namespace, a.name])).toEqual([
      ['escalate', RBAC, 'roles', 'team', 'r'],
    ]);
  });

  it.each<[string, Obj | undefined, Obj]>([
    [
      'new aggregationRule',
      undefined,
      clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } }),
    ],
    [
      'aggregationRule removed',
      clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{}] } }),
      clusterRole('agg', [], { metadata: { name: 'agg', labels: { x: 'y' } } }),
    ],
  ])('needs full authority for an aggregationRule: %s', (_name, old, obj) => {
    const write = {
      user: alice,
      resource: 'clusterroles' as const,
      namespace: '',
      requestName: '',
      obj,
      ...(old ? { old } : {}),
    };
    const err = checkRoleWrite(held, write, verbs().authz);
    expect(err?.message).toBe(
      'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    );
    const admins = rbacStore([
      clusterRole('cluster-admin', [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ]),
      clusterRoleBinding('a', { kind: 'ClusterRole', name: 'cluster-admin' }, [userSubject('alice')]),
    ]);
    expect(checkRoleWrite(admins, write, verbs().authz)).toBeUndefined();
  });
});

describe('checkBindingWrite', () => {
  const binding = (ref: { kind: string; name: string }) =>
    roleBinding('team', 'rb-new', ref, [userSubject('bob')]);

  it.each<
    [string, Parameters<typeof checkBindingWrite>[1], string[], number | undefined, string | undefined]
  >([
    [
      'system:masters',
      {
        user: authenticated('root', ['system:masters']),
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'ClusterRole', name: 'deployer' }),
      },
      [],
      undefined,
      undefined,
    ],
    [
      'bind allows',
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'ClusterRole', name: 'deployer' }),
      },
      ['bind'],
      undefined,
      undefined,
    ],
    [
      'holds every rule of the ClusterRole in the namespace',
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'ClusterRole', name: 'reader' }),
      },
      [],
      undefined,
      undefined,
    ],
    [
      'holds every rule of the Role',
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'Role', name: 'r-held' }),
      },
      [],
      undefined,
      undefined,
    ],
    [
      'misses rules of the ClusterRole',
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'ClusterRole', name: 'deployer' }),
      },
      [],
      403,
      'rolebindings.rbac.authorization.k8s.io "rb-new" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}; resolution errors: [roles.rbac.authorization.k8s.io "gone" not found]',
    ],
    [
      'a ClusterRoleBinding needs the rules cluster-wide',
      {
        user: alice,
        resource: 'clusterrolebindings',
        namespace: '',
        obj: clusterRoleBinding('crb', { kind: 'ClusterRole', name: 'reader' }, []),
      },
      [],
      403,
      'clusterrolebindings.rbac.authorization.k8s.io "crb" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}',
    ],
    [
      'missing Role is the registry 404',
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'Role', name: 'nope' }),
      },
      [],
      404,
      'roles.rbac.authorization.k8s.io "nope" not found',
    ],
    [
      'missing ClusterRole',
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'ClusterRole', name: 'nope' }),
      },
      [],
      404,
      'clusterroles.rbac.authorization.k8s.io "nope" not found',
    ],
    [
      'unsupported kind',
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'Policy', name: 'p' }),
      },
      ['bind'],
      500,
      'unsupported role reference kind: "Policy"',
    ],
    [
      'GC-only update',
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: {
          ...binding({ kind: 'ClusterRole', name: 'deployer' }),
          metadata: { name: 'rb-new', namespace: 'team', ownerReferences: [{ uid: 'u' }] },
        },
        old: binding({ kind: 'ClusterRole', name: 'deployer' }),
      },
      [],
      undefined,
      undefined,
    ],
  ])('%s', (_name, write, allowedVerbs, code, message) => {
    const err = checkBindingWrite(held, write, verbs(...allowedVerbs).authz);
    expect([err?.code, err?.message]).toEqual([code, message]);
  });

  it('asks for bind on the referenced role in the binding namespace', () => {
    const { calls, authz } = verbs();
    checkBindingWrite(
      held,
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'ClusterRole', name: 'view' }),
      },
      authz,
    );
    expect(calls.map((a) => [a.verb, a.apiGroup, a.resource, a.namespace, a.name])).toEqual([
      ['bind', RBAC, 'clusterroles', 'team', 'view'],
    ]);
  });

  it('gives the 404 details of the registry', () => {
    const err = checkBindingWrite(
      held,
      {
        user: alice,
        resource: 'rolebindings',
        namespace: 'team',
        obj: binding({ kind: 'Role', name: 'nope' }),
      },
      verbs().authz,
    );
    expect(err?.details).toEqual({ name: 'nope', group: RBAC, kind: 'roles' });
  });
});
