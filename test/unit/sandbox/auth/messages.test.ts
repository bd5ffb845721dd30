// Expected messages and details follow apiserver pkg/endpoints/handlers/responsewriters/errors.go
// (forbiddenMessage, ForbiddenStatusError, the sanitizer) and apimachinery pkg/api/errors/errors.go
// (NewForbidden); see kube-api-facts §1.2.
import { describe, expect, it } from 'vitest';
import { forbiddenError } from '../../../../src/sandbox/auth/messages.js';
import type { Attributes } from '../../../../src/sandbox/auth/rbac.js';
import type { StatusDetails } from '../../../../src/sandbox/errors.js';
import { authenticated, pathAttrs, resourceAttrs } from './fixtures.js';

const alice = authenticated('alice');

describe('forbiddenError', () => {
  it.each<[string, Attributes, string | undefined, string, StatusDetails]>([
    [
      'named object in a namespace',
      resourceAttrs(alice, { verb: 'get', resource: 'configmaps', namespace: 'default', name: 'x' }),
      undefined,
      'configmaps "x" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "default"',
      { name: 'x', kind: 'configmaps' },
    ],
    [
      'no name (list)',
      resourceAttrs(alice, { verb: 'list', resource: 'configmaps', namespace: 'default' }),
      undefined,
      'configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "default"',
      { kind: 'configmaps' },
    ],
    [
      'cluster scope with a group',
      resourceAttrs(alice, { verb: 'list', apiGroup: 'apps', resource: 'deployments' }),
      undefined,
      'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope',
      { group: 'apps', kind: 'deployments' },
    ],
    [
      'cluster-scoped named object',
      resourceAttrs(alice, { verb: 'delete', resource: 'namespaces', name: 'team' }),
      undefined,
      'namespaces "team" is forbidden: User "alice" cannot delete resource "namespaces" in API group "" at the cluster scope',
      { name: 'team', kind: 'namespaces' },
    ],
    [
      'subresource',
      resourceAttrs(alice, {
        verb: 'patch',
        apiGroup: 'apps',
        resource: 'deployments',
        subresource: 'scale',
        namespace: 'default',
        name: 'web',
      }),
      undefined,
      'deployments.apps "web" is forbidden: User "alice" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"',
      { name: 'web', group: 'apps', kind: 'deployments' },
    ],
    [
      'non-resource path',
      pathAttrs(alice, 'get', '/metrics'),
      undefined,
      'forbidden: User "alice" cannot get path "/metrics"',
      {},
    ],
    [
      'service account user',
      resourceAttrs(authenticated('system:serviceaccount:ci:builder'), {
        verb: 'list',
        resource: 'pods',
        namespace: 'ci',
      }),
      undefined,
      'pods is forbidden: User "system:serviceaccount:ci:builder" cannot list resource "pods" in API group "" in the namespace "ci"',
      { kind: 'pods' },
    ],
    [
      'with the authorizer reason',
      resourceAttrs(alice, { verb: 'get', resource: 'pods', namespace: 'ns', name: 'p' }),
      'RBAC: role.rbac.authorization.k8s.io "r" not found',
      'pods "p" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "ns": RBAC: role.rbac.authorization.k8s.io "r" not found',
      { name: 'p', kind: 'pods' },
    ],
    [
      'an empty reason appends nothing',
      pathAttrs(alice, 'post', '/logs'),
      '',
      'forbidden: User "alice" cannot post path "/logs"',
      {},
    ],
    [
      'HTML in the message is escaped, the name quoted the Go way',
      resourceAttrs(authenticated('<b>"x"</b>'), { resource: 'pods', namespace: 'ns', name: 'a\tb' }),
      undefined,
      'pods "a\\tb" is forbidden: User "&lt;b&gt;\\"x\\"&lt;/b&gt;" cannot get resource "pods" in API group "" in the namespace "ns"',
      { name: 'a\tb', kind: 'pods' },
    ],
  ])('%s', (_name, attrs, reason, message, details) => {
    const err = forbiddenError(attrs, reason);
    expect(err.code).toBe(403);
    expect(err.reason).toBe('Forbidden');
    expect(err.message).toBe(message);
    expect(err.details).toEqual(details);
    expect(err.plainText).toBe(false);
  });

  it('renders the full Status body', () => {
    const err = forbiddenError(
      resourceAttrs(alice, { verb: 'list', resource: 'pods', namespace: 'default' }),
    );
    expect(JSON.stringify(err.toStatus())).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: User \\"alice\\" cannot list resource \\"pods\\" in API group \\"\\" in the namespace \\"default\\"","reason":"Forbidden","details":{"kind":"pods"},"code":403}',
    );
  });
});
