// Expected behaviour follows apiserver pkg/endpoints/filters/impersonation.go (WithImpersonation,
// buildImpersonationRequests) and responsewriters/errors.go (InternalError, Forbidden); kube-api-facts §7.
import { describe, expect, it } from 'vitest';
import type { HeaderMap } from '../../../../src/sandbox/auth/impersonation.js';
import { impersonate } from '../../../../src/sandbox/auth/impersonation.js';
import type { Attributes } from '../../../../src/sandbox/auth/rbac.js';
import { authorize } from '../../../../src/sandbox/auth/rbac.js';
import { StatusError } from '../../../../src/sandbox/errors.js';
import type { UserInfo } from '../../../../src/sandbox/types.js';
import { authenticated, clusterRole, clusterRoleBinding, rbacStore, userSubject } from './fixtures.js';

const bob = authenticated('bob');
const URI = '/api/v1/namespaces/default/pods';

/** An authorizer that records its calls and allows everything not in `deny` ("resource/name"). */
function recorder(deny: string[] = [], reason = '') {
  const calls: Attributes[] = [];
  const authz = (a: Attributes) => {
    calls.push(a);
    const key = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}/${a.name}`;
    return deny.includes(key) ? { allowed: false, reason } : { allowed: true, reason: 'ok' };
  };
  return { calls, authz };
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('impersonate: resulting identity', () => {
  it('returns the requester untouched without impersonation headers', () => {
    const { calls, authz } = recorder();
    expect(impersonate({ accept: 'application/json' }, bob, authz, URI)).toBe(bob);
    expect(calls).toEqual([]);
  });

  it.each<[string, HeaderMap, UserInfo]>([
    ['user only', { 'impersonate-user': 'alice' }, { name: 'alice', groups: ['system:authenticated'] }],
    [
      'header names in any case',
      { 'Impersonate-User': 'alice' },
      { name: 'alice', groups: ['system:authenticated'] },
    ],
    [
      'repeated group headers',
      { 'impersonate-user': 'alice', 'impersonate-group': ['dev', 'ops'] },
      { name: 'alice', groups: ['dev', 'ops', 'system:authenticated'] },
    ],
    [
      'groups joined by Node',
      { 'impersonate-user': 'alice', 'impersonate-group': 'dev, ops' },
      { name: 'alice', groups: ['dev', 'ops', 'system:authenticated'] },
    ],
    [
      'a comma without a space is one group, as in Go',
      { 'impersonate-user': 'alice', 'impersonate-group': ['dev,ops'] },
      { name: 'alice', groups: ['dev,ops', 'system:authenticated'] },
    ],
    [
      'system:authenticated given explicitly',
      { 'impersonate-user': 'alice', 'impersonate-group': ['system:authenticated', 'dev'] },
      { name: 'alice', groups: ['system:authenticated', 'dev'] },
    ],
    [
      'system:unauthenticated given',
      { 'impersonate-user': 'alice', 'impersonate-group': 'system:unauthenticated' },
      { name: 'alice', groups: ['system:unauthenticated'] },
    ],
    [
      'service account without groups gets its groups',
      { 'impersonate-user': 'system:serviceaccount:ci:builder' },
      {
        name: 'system:serviceaccount:ci:builder',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
      },
    ],
    [
      'service account with groups gets only those',
      { 'impersonate-user': 'system:serviceaccount:ci:builder', 'impersonate-group': 'dev' },
      { name: 'system:serviceaccount:ci:builder', groups: ['dev', 'system:authenticated'] },
    ],
    [
      'anonymous',
      { 'impersonate-user': 'system:anonymous' },
      { name: 'system:anonymous', groups: ['system:unauthenticated'] },
    ],
    [
      'uid',
      { 'impersonate-user': 'alice', 'impersonate-uid': 'u-1' },
      { name: 'alice', uid: 'u-1', groups: ['system:authenticated'] },
    ],
    [
      'extras: key lowercased and percent-decoded, values repeatable',
      {
        'impersonate-user': 'alice',
        'Impersonate-Extra-Scopes': ['view', 'edit'],
        'impersonate-extra-example.com%2fteam': 'a',
      },
      {
        name: 'alice',
        groups: ['system:authenticated'],
        extra: { 'example.com/team': ['a'], scopes: ['view', 'edit'] },
      },
    ],
    [
      'a malformed escape keeps the raw key',
      { 'impersonate-user': 'alice', 'impersonate-extra-bad%zz': 'v' },
      { name: 'alice', groups: ['system:authenticated'], extra: { 'bad%zz': ['v'] } },
    ],
  ])('%s', (_name, headers, expected) => {
    expect(impersonate(headers, bob, recorder().authz, URI)).toEqual(expected);
  });

  it('keeps an extra key like __proto__ as an ordinary property', () => {
    const user = impersonate(
      { 'impersonate-user': 'alice', 'impersonate-extra-__proto__': 'x' },
      bob,
      recorder().authz,
      URI,
    );
    expect(Object.getPrototypeOf(user.extra)).toBe(Object.prototype);
    expect(Object.entries(user.extra ?? {})).toEqual([['__proto__', ['x']]]);
  });
});

describe('impersonate: authorization checks', () => {
  it('checks every element with verb impersonate, in request order', () => {
    const { calls, authz } = recorder();
    impersonate(
      {
        'impersonate-user': 'system:serviceaccount:ci:builder',
        'impersonate-group': ['dev'],
        'impersonate-extra-scopes': 'view',
        'impersonate-uid': 'u-1',
      },
      bob,
      authz,
      URI,
    );
    const seen = calls.map((a) => [
      a.verb,
      a.apiGroup,
      a.resource,
      a.subresource,
      a.namespace,
      a.name,
      a.resourceRequest,
    ]);
    expect(seen).toEqual([
      ['impersonate', '', 'serviceaccounts', '', 'ci', 'builder', true],
      ['impersonate', '', 'groups', '', '', 'dev', true],
      ['impersonate', 'authentication.k8s.io', 'userextras', 'scopes', '', 'view', true],
      ['impersonate', 'authentication.k8s.io', 'uids', '', '', 'u-1', true],
    ]);
    expect(calls.every((a) => a.user === bob)).toBe(true);
  });

  it.each<[string, HeaderMap, string[], string, string]>([
    [
      'user',
      { 'impersonate-user': 'alice' },
      ['users/alice'],
      '',
      'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
    ],
    [
      'service account',
      { 'impersonate-user': 'system:serviceaccount:ci:builder' },
      ['serviceaccounts/builder'],
      '',
      'serviceaccounts "builder" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ci"',
    ],
    [
      'a malformed service account name is a plain user',
      { 'impersonate-user': 'system:serviceaccount:ci' },
      ['users/system:serviceaccount:ci'],
      '',
      'users "system:serviceaccount:ci" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
    ],
    [
      'second group',
      { 'impersonate-user': 'alice', 'impersonate-group': ['dev', 'admins'] },
      ['groups/admins'],
      '',
      'groups "admins" is forbidden: User "bob" cannot impersonate resource "groups" in API group "" at the cluster scope',
    ],
    [
      'extra',
      { 'impersonate-user': 'alice', 'impersonate-extra-scopes': 'view' },
      ['userextras/scopes/view'],
      '',
      'userextras.authentication.k8s.io "view" is forbidden: User "bob" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
    ],
    [
      'uid, with the authorizer reason',
      { 'impersonate-user': 'alice', 'impersonate-uid': 'u-1' },
      ['uids/u-1'],
      'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
      'uids.authentication.k8s.io "u-1" is forbidden: User "bob" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
    ],
  ])('denies %s with a 403', (_name, headers, deny, reason, message) => {
    const err = thrown(() => impersonate(headers, bob, recorder(deny, reason).authz, URI));
    expect([err.code, err.reason, err.message, err.plainText]).toEqual([403, 'Forbidden', message, false]);
  });

  it('works with the RBAC authorizer and resourceNames', () => {
    const objs = rbacStore([
      clusterRole('impersonator', [
        { apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['alice'] },
      ]),
      clusterRoleBinding('bob-impersonates', { kind: 'ClusterRole', name: 'impersonator' }, [
        userSubject('bob'),
      ]),
    ]);
    const authz = (a: Attributes) => authorize(objs, a);
    expect(impersonate({ 'impersonate-user': 'alice' }, bob, authz, URI).name).toBe('alice');
    const err = thrown(() => impersonate({ 'impersonate-user': 'carol' }, bob, authz, URI));
    expect(err.message).toBe(
      'users "carol" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    expect(err.details).toEqual({ name: 'carol', kind: 'users' });
  });
});

describe('impersonate: groups, extras or uid without a user', () => {
  it.each<[string, HeaderMap, string, string]>([
    [
      'group',
      { 'impersonate-group': 'dev' },
      URI,
      `Internal Server Error: "${URI}": requested [{Group  dev    }] without impersonating a user`,
    ],
    [
      'extra and uid',
      { 'impersonate-extra-scopes': 'view', 'impersonate-uid': 'u-1' },
      URI,
      `Internal Server Error: "${URI}": requested [{UserExtra  view  authentication.k8s.io/v1  scopes} {UID  u-1  authentication.k8s.io/v1  }] without impersonating a user`,
    ],
    [
      'two groups, URI sanitized',
      { 'impersonate-group': ['a', 'b<c>'] },
      '/api?q="<x>"',
      'Internal Server Error: "/api?q=\\"&lt;x&gt;\\"": requested [{Group  a    } {Group  b&lt;c&gt;    }] without impersonating a user',
    ],
  ])('%s gives a plain-text 500', (_name, headers, uri, message) => {
    const { calls, authz } = recorder();
    const err = thrown(() => impersonate(headers, bob, authz, uri));
    expect([err.code, err.message, err.plainText]).toEqual([500, message, true]);
    expect(calls).toEqual([]);
  });
});
