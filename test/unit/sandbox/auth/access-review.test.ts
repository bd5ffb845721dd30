// Expected behaviour follows kubernetes pkg/registry/authorization/selfsubjectaccessreview/rest.go,
// pkg/registry/authorization/selfsubjectrulesreview/rest.go, pkg/apis/authorization/validation/validation.go
// and plugin/pkg/auth/authorizer/rbac/rbac.go (RulesFor); k8s.io/api authorization/v1/types.go for the
// field names and omitempty; kube-api-facts §7.
import { describe, expect, it } from 'vitest';
import {
  selfSubjectAccessReview,
  selfSubjectRulesReview,
} from '../../../../src/sandbox/auth/access-review.js';
import type { Attributes } from '../../../../src/sandbox/auth/rbac.js';
import { authorize, bootstrapPolicy } from '../../../../src/sandbox/auth/rbac.js';
import { StatusError } from '../../../../src/sandbox/errors.js';
import type { Obj } from '../../../../src/sandbox/types.js';
import { authenticated, rbacStore, role, roleBinding, userSubject } from './fixtures.js';

const alice = authenticated('alice');
const objs = rbacStore([
  ...bootstrapPolicy(),
  role('default', 'r', [
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: ['s'], verbs: ['get'] },
  ]),
  roleBinding('default', 'rb', { kind: 'Role', name: 'r' }, [userSubject('alice')]),
  roleBinding('broken', 'rb', { kind: 'Role', name: 'missing' }, [userSubject('alice')]),
]);
const rbac = (a: Attributes) => authorize(objs, a);

function ssar(spec: Obj): Obj {
  return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec };
}

describe('selfSubjectAccessReview', () => {
  it.each<[string, Obj, Obj, Obj]>([
    [
      'allowed resource request',
      {
        resourceAttributes: {
          namespace: 'default',
          verb: 'get',
          group: 'apps',
          resource: 'deployments',
          subresource: '',
          name: '',
        },
      },
      { resourceAttributes: { namespace: 'default', verb: 'get', group: 'apps', resource: 'deployments' } },
      { allowed: true, reason: 'RBAC: allowed by RoleBinding "rb/default" of Role "r" to User "alice"' },
    ],
    [
      'denied without a reason',
      {
        resourceAttributes: { namespace: 'default', verb: 'delete', group: 'apps', resource: 'deployments' },
      },
      {
        resourceAttributes: { namespace: 'default', verb: 'delete', group: 'apps', resource: 'deployments' },
      },
      { allowed: false },
    ],
    [
      'named object',
      { resourceAttributes: { name: 's', resource: 'secrets', verb: 'get', namespace: 'default' } },
      { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'secrets', name: 's' } },
      { allowed: true, reason: 'RBAC: allowed by RoleBinding "rb/default" of Role "r" to User "alice"' },
    ],
    [
      'a missing role shows in reason only',
      { resourceAttributes: { namespace: 'broken', verb: 'list', resource: 'pods' } },
      { resourceAttributes: { namespace: 'broken', verb: 'list', resource: 'pods' } },
      { allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "missing" not found' },
    ],
    [
      'non-resource request',
      { nonResourceAttributes: { path: '/version', verb: 'get' } },
      { nonResourceAttributes: { path: '/version', verb: 'get' } },
      {
        allowed: true,
        reason:
          'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
      },
    ],
    [
      'non-resource denied',
      { nonResourceAttributes: { verb: 'get', path: '/metrics' } },
      { nonResourceAttributes: { path: '/metrics', verb: 'get' } },
      { allowed: false },
    ],
  ])('%s', (_name, spec, echoed, status) => {
    expect(selfSubjectAccessReview(ssar(spec), alice, rbac)).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: echoed,
      status,
    });
  });

  it('passes the reviewing user and attributes to the authorizer', () => {
    const seen: Attributes[] = [];
    selfSubjectAccessReview(
      ssar({
        resourceAttributes: {
          namespace: 'n',
          verb: 'patch',
          group: 'apps',
          resource: 'deployments',
          subresource: 'scale',
          name: 'web',
        },
      }),
      alice,
      (a) => {
        seen.push(a);
        return { allowed: false, reason: '' };
      },
    );
    expect(seen).toEqual([
      {
        user: alice,
        verb: 'patch',
        resourceRequest: true,
        namespace: 'n',
        apiGroup: 'apps',
        resource: 'deployments',
        subresource: 'scale',
        name: 'web',
        path: '',
      },
    ]);
  });

  it('reports an explicit deny', () => {
    const review = selfSubjectAccessReview(
      ssar({ nonResourceAttributes: { path: '/x', verb: 'get' } }),
      alice,
      () => ({
        allowed: false,
        denied: true,
        reason: 'policy says no',
      }),
    );
    expect(review.status).toEqual({ allowed: false, denied: true, reason: 'policy says no' });
  });

  it('keeps status fields in the order of the Go struct', () => {
    const review = selfSubjectAccessReview(
      ssar({ nonResourceAttributes: { path: '/x', verb: 'get' } }),
      alice,
      () => ({
        allowed: false,
        denied: true,
        reason: 'r',
      }),
    );
    expect(Object.keys(review)).toEqual(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    expect(Object.keys(review.status as Obj)).toEqual(['allowed', 'denied', 'reason']);
  });

  it.each<[string, Obj, string]>([
    [
      'neither attributes',
      {},
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    ],
    [
      'both attributes',
      { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } },
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec: Invalid value: {"path":"/x","verb":"get"}: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    ],
  ])('rejects %s with a 422', (_name, spec, message) => {
    let err: unknown;
    try {
      selfSubjectAccessReview(ssar(spec), alice, rbac);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect([(err as StatusError).code, (err as StatusError).reason, (err as StatusError).message]).toEqual([
      422,
      'Invalid',
      message,
    ]);
  });
});

describe('selfSubjectRulesReview', () => {
  const review = (namespace: string) =>
    selfSubjectRulesReview(
      { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', spec: { namespace } },
      alice,
      objs,
    );

  it('lists resource and non-resource rules, cluster bindings first', () => {
    const r = review('default');
    expect(Object.keys(r)).toEqual(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    expect(r.spec).toEqual({});
    const status = r.status as Obj;
    expect(status.incomplete).toBe(false);
    expect(status.evaluationError).toBeUndefined();
    expect(status.resourceRules).toEqual([
      {
        verbs: ['create'],
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      },
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
      { verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'] },
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s'] },
    ]);
    expect(status.nonResourceRules).toContainEqual({
      verbs: ['get'],
      nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'],
    });
  });

  it('reports unresolvable roles in evaluationError', () => {
    const status = review('broken').status as Obj;
    expect(status.evaluationError).toBe('role.rbac.authorization.k8s.io "missing" not found');
    expect(status.incomplete).toBe(false);
  });

  it('gives empty lists, not missing ones, to a user without rules', () => {
    const status = selfSubjectRulesReview(
      { spec: { namespace: 'x' } },
      { name: 'ghost', groups: [] },
      objs,
    ).status;
    expect(status).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: false });
  });

  it('needs a namespace', () => {
    expect(() => selfSubjectRulesReview({ spec: {} }, alice, objs)).toThrow('no namespace on request');
  });
});
