// Expected behaviour follows kubernetes pkg/registry/rbac/validation/rule.go (ConfirmNoEscalation),
// component-helpers auth/rbac/validation/policy_comparator.go (Covers), pkg/registry/rbac/validation/
// policy_compact.go (CompactRules), pkg/apis/rbac/v1/evaluation_helpers.go (CompactString) and
// pkg/registry/rbac/helpers.go (IsOnlyMutatingGCFields); kube-api-facts §1.2.
import { describe, expect, it } from 'vitest';
import {
  compactString,
  confirmNoEscalation,
  escalationError,
  isOnlyMutatingGCFields,
} from '../../../../src/sandbox/auth/escalation.js';
import { policyRule } from '../../../../src/sandbox/auth/rbac.js';
import type { Obj } from '../../../../src/sandbox/types.js';
import { authenticated, clusterRole, rbacStore, role, roleBinding, userSubject } from './fixtures.js';

const alice = authenticated('alice', ['dev']);
const RBAC = 'rbac.authorization.k8s.io';

describe('compactString', () => {
  it.each<[Obj, string]>([
    [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['delete'] },
      '{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}',
    ],
    [
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'], verbs: ['get', 'list'] },
      '{APIGroups:[""], Resources:["secrets"], ResourceNames:["a" "b"], Verbs:["get" "list"]}',
    ],
    [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }, '{NonResourceURLs:["/metrics"], Verbs:["get"]}'],
    [{ verbs: [] }, '{}'],
  ])('%j', (rule, text) => {
    expect(compactString(policyRule(rule))).toBe(text);
  });
});

describe('confirmNoEscalation', () => {
  const objs = rbacStore([
    clusterRole('holder', [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
      { apiGroups: ['apps'], resources: ['*/scale'], verbs: ['patch'] },
      { apiGroups: ['*'], resources: ['widgets'], verbs: ['*'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['s1', 's2'], verbs: ['get'] },
      { nonResourceURLs: ['/logs/*'], verbs: ['get'] },
    ]),
    roleBinding('team', 'rb', { kind: 'ClusterRole', name: 'holder' }, [userSubject('alice')]),
  ]);

  it.each<[string, Obj[], string, string[]]>([
    ['held rules', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }], 'team', []],
    [
      'nothing held in another namespace',
      [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }],
      'other',
      ['{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}'],
    ],
    [
      'one missing verb',
      [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'delete'] }],
      'team',
      ['{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}'],
    ],
    [
      'missing verbs merged in rule order',
      [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['update', 'get', 'delete'] }],
      'team',
      ['{APIGroups:["apps"], Resources:["deployments"], Verbs:["update" "delete"]}'],
    ],
    [
      '*/scale covers any scale',
      [{ apiGroups: ['apps'], resources: ['statefulsets/scale'], verbs: ['patch'] }],
      'team',
      [],
    ],
    [
      '* group covers a named group',
      [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['delete'] }],
      'team',
      [],
    ],
    [
      'held names cover the same names',
      [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'], verbs: ['get'] }],
      'team',
      [],
    ],
    [
      'held names do not cover all names',
      [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
      'team',
      ['{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}'],
    ],
    [
      'missing names, one line each, sorted',
      [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['s3', 's1', 'a'], verbs: ['get'] }],
      'team',
      [
        '{APIGroups:[""], Resources:["secrets"], ResourceNames:["a"], Verbs:["get"]}',
        '{APIGroups:[""], Resources:["secrets"], ResourceNames:["s3"], Verbs:["get"]}',
      ],
    ],
    ['prefix URL covers a path', [{ nonResourceURLs: ['/logs/x', '/logs/*'], verbs: ['get'] }], 'team', []],
    [
      'missing URL',
      [{ nonResourceURLs: ['/metrics'], verbs: ['get', 'post'] }],
      'team',
      ['{NonResourceURLs:["/metrics"], Verbs:["get"]}', '{NonResourceURLs:["/metrics"], Verbs:["post"]}'],
    ],
    [
      'several rules, sorted, verbs merged as they come',
      [
        { apiGroups: ['batch', 'apps'], resources: ['jobs'], verbs: ['create'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] },
      ],
      'team',
      [
        '{APIGroups:["apps"], Resources:["jobs"], Verbs:["create"]}',
        '{APIGroups:["batch"], Resources:["jobs"], Verbs:["create" "create"]}',
      ],
    ],
  ])('%s', (_name, rules, namespace, missing) => {
    expect(confirmNoEscalation(objs, alice, namespace, rules)).toEqual(missing);
  });
});

describe('escalationError', () => {
  it('renders the rule.go message inside NewForbidden', () => {
    const err = escalationError({ group: RBAC, resource: 'roles' }, 'r', alice, [
      '{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}',
    ]);
    expect([err.code, err.reason]).toEqual([403, 'Forbidden']);
    expect(err.message).toBe(
      'roles.rbac.authorization.k8s.io "r" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}',
    );
    expect(err.details).toEqual({ name: 'r', group: RBAC, kind: 'roles' });
  });

  it('appends resolution errors', () => {
    const err = escalationError(
      { group: RBAC, resource: 'clusterroles' },
      'c',
      { name: 'x', groups: [] },
      ['{A}', '{B}'],
      ['roles.rbac.authorization.k8s.io "a" not found', 'roles.rbac.authorization.k8s.io "b" not found'],
    );
    expect(err.message).toBe(
      'clusterroles.rbac.authorization.k8s.io "c" is forbidden: user "x" (groups=[]) is attempting to grant RBAC permissions not currently held:\n{A}\n{B}; resolution errors: [[roles.rbac.authorization.k8s.io "a" not found, roles.rbac.authorization.k8s.io "b" not found]]',
    );
  });
});

describe('isOnlyMutatingGCFields (pkg/registry/rbac/helpers.go)', () => {
  const base = role('ns', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
  const withMeta = (m: Obj, rules: Obj[] = base.rules as Obj[]): Obj => ({
    ...base,
    metadata: { name: 'r', namespace: 'ns', ...m },
    rules,
  });
  it.each<[string, Obj, boolean]>([
    ['identical', base, true],
    ['finalizers added', withMeta({ finalizers: ['f'] }), true],
    ['owner references added', withMeta({ ownerReferences: [{ uid: 'u' }] }), true],
    ['managed fields changed', withMeta({ managedFields: [{ manager: 'm' }] }), true],
    ['empty labels equal absent ones', withMeta({ labels: {} }), true],
    ['type meta left out', { ...base, kind: undefined, apiVersion: undefined }, true],
    ['a label added', withMeta({ labels: { a: 'b' } }), false],
    ['rules changed', withMeta({}, [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), false],
  ])('%s', (_name, obj, gcOnly) => {
    expect(isOnlyMutatingGCFields(obj, base)).toBe(gcOnly);
  });
});
