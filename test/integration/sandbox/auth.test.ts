/**
 * Area 8: authentication, RBAC, impersonation and SelfSubjectAccessReview.
 * Sources: apiserver endpoints/filters/authentication.go (401), responsewriters/errors.go forbiddenMessage,
 * kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go, apiserver endpoints/filters/impersonation.go,
 * kubernetes pkg/registry/rbac/validation/rule.go (escalation), k8s.io/api authorization/v1 types.go.
 */
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox({
    users: [
      { name: 'alice', token: 'alice-token', groups: ['dev'] },
      { name: 'bob', token: 'bob-token', groups: [] },
    ],
  });
  for (const ns of ['team-a', 'team-b'])
    await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
  await sb.raw('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles', {
    body: {
      metadata: { name: 'cm-editor' },
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'],
        },
      ],
    },
  });
  await sb.raw('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings', {
    body: {
      metadata: { name: 'alice-cm' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-editor' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
    },
  });
  await sb.raw('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles', {
    body: {
      metadata: { name: 'role-writer' },
      rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['create'] }],
    },
  });
  await sb.raw('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings', {
    body: {
      metadata: { name: 'alice-roles' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'role-writer' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
    },
  });
  await sb.raw('POST', '/api/v1/namespaces/team-a/serviceaccounts', {
    body: { metadata: { name: 'deployer' } },
  });
  await sb.raw('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings', {
    body: {
      metadata: { name: 'deployer-cm' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-editor' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'team-a' }],
    },
  });
  await sb.raw('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    body: {
      metadata: { name: 'impersonate-deployer' },
      rules: [
        {
          apiGroups: [''],
          resources: ['serviceaccounts'],
          verbs: ['impersonate'],
          resourceNames: ['deployer'],
        },
      ],
    },
  });
  await sb.raw('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    body: {
      metadata: { name: 'bob-impersonates' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonate-deployer' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' }],
    },
  });
});
afterAll(async () => sb.stop());

describe('authentication', () => {
  it('answers a request without a token with 401', async () => {
    const r = await sb.raw('GET', '/api/v1/namespaces', { token: null });
    expect(r.status).toBe(401);
    expect(r.json()).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      message: 'Unauthorized',
      code: 401,
    });
  });

  it('answers an unknown token with 401', async () => {
    expect((await sb.raw('GET', '/api/v1/namespaces', { token: 'nope' })).status).toBe(401);
  });
});

describe('RBAC', () => {
  it('lets alice manage configmaps in team-a through her RoleBinding', async () => {
    const { kc } = await sb.as('alice', 'alice-token');
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'team-a', body: { metadata: { name: 'mine' } } });
    const list = await core.listNamespacedConfigMap({ namespace: 'team-a' });
    expect(list.items.map((i) => i.metadata?.name)).toContain('mine');
  });

  it.each([
    [
      'GET',
      '/api/v1/namespaces/team-b/configmaps/x',
      'configmaps "x" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "team-b"',
    ],
    [
      'GET',
      '/api/v1/namespaces/team-b/configmaps',
      'configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "team-b"',
    ],
    [
      'GET',
      '/apis/apps/v1/namespaces/team-a/deployments',
      'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" in the namespace "team-a"',
    ],
    [
      'GET',
      '/api/v1/namespaces',
      'namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope',
    ],
    [
      'GET',
      '/apis/apps/v1/namespaces/team-a/deployments/web/scale',
      'deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments/scale" in API group "apps" in the namespace "team-a"',
    ],
  ])('denies alice %s %s with the real 403 message', async (method, path, message) => {
    const r = await sb.raw(method, path, { token: 'alice-token' });
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ kind: 'Status', reason: 'Forbidden', message, code: 403 });
  });

  it('lets a service account act through impersonation by an allowed user', async () => {
    const r = await sb.raw('POST', '/api/v1/namespaces/team-a/configmaps', {
      token: 'bob-token',
      headers: { 'Impersonate-User': 'system:serviceaccount:team-a:deployer' },
      body: { metadata: { name: 'from-sa' } },
    });
    expect(r.status).toBe(201);
    const denied = await sb.raw('POST', '/api/v1/namespaces/team-b/configmaps', {
      token: 'bob-token',
      headers: { 'Impersonate-User': 'system:serviceaccount:team-a:deployer' },
      body: { metadata: { name: 'escape' } },
    });
    expect(denied.status).toBe(403);
    expect(denied.json().message).toBe(
      'configmaps is forbidden: User "system:serviceaccount:team-a:deployer" cannot create resource "configmaps" in API group "" in the namespace "team-b"',
    );
  });

  it('refuses impersonation without the impersonate verb', async () => {
    const r = await sb.raw('GET', '/api/v1/namespaces', {
      token: 'alice-token',
      headers: { 'Impersonate-User': 'admin' },
    });
    expect(r.status).toBe(403);
    expect(r.json().message).toBe(
      'users "admin" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  it('refuses a Role that grants more than its creator holds (escalation), and allows one within it', async () => {
    const r = await sb.raw('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles', {
      token: 'alice-token',
      body: {
        metadata: { name: 'greedy' },
        rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['delete'] }],
      },
    });
    expect(r.status).toBe(403);
    expect(r.json().message).toBe(
      'roles.rbac.authorization.k8s.io "greedy" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}',
    );
    const ok = await sb.raw('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles', {
      token: 'alice-token',
      body: {
        metadata: { name: 'modest' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
      },
    });
    expect(ok.status).toBe(201);
  });
});

describe('SelfSubjectAccessReview', () => {
  it.each([
    ['team-a', 'create', true],
    ['team-b', 'create', false],
  ])('answers can-i %s %s configmaps = %s', async (namespace, verb, allowed) => {
    const r = await sb.raw('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      token: 'alice-token',
      body: {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        spec: { resourceAttributes: { namespace, verb, resource: 'configmaps' } },
      },
    });
    expect(r.status).toBe(201);
    const status = (r.json() as { status: { allowed: boolean; reason?: string } }).status;
    expect(status.allowed).toBe(allowed);
    if (allowed)
      expect(status.reason).toBe(
        'RBAC: allowed by RoleBinding "alice-cm/team-a" of Role "cm-editor" to User "alice"',
      );
  });

  it('is reachable through client-node with the caller identity', async () => {
    const { kc } = await sb.as('alice', 'alice-token');
    try {
      await kc.makeApiClient(CoreV1Api).listNamespace();
      throw new Error('expected 403');
    } catch (err) {
      expect(err).toBeInstanceOf(ApiException);
      expect((err as ApiException<unknown>).code).toBe(403);
    }
  });
});
