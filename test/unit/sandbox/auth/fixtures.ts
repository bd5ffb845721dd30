/** Builders for RBAC objects in tests: plain rbac.authorization.k8s.io/v1 JSON, as the store holds it. */
import type { Attributes, RbacObjects } from '../../../../src/sandbox/auth/rbac.js';
import type { Obj, UserInfo } from '../../../../src/sandbox/types.js';
import { meta } from '../../../../src/sandbox/types.js';

const API_VERSION = 'rbac.authorization.k8s.io/v1';

/** An RbacObjects view over a flat list of objects of the four RBAC kinds. */
export function rbacStore(objects: readonly Obj[]): RbacObjects {
  const of = (kind: string, namespace?: string) =>
    objects.filter((o) => o.kind === kind && (namespace === undefined || meta(o).namespace === namespace));
  return {
    roles: (ns) => of('Role', ns),
    roleBindings: (ns) => of('RoleBinding', ns),
    clusterRoles: () => of('ClusterRole'),
    clusterRoleBindings: () => of('ClusterRoleBinding'),
  };
}

export function role(namespace: string, name: string, rules: Obj[]): Obj {
  return { apiVersion: API_VERSION, kind: 'Role', metadata: { name, namespace }, rules };
}

export function clusterRole(name: string, rules: Obj[], extra: Obj = {}): Obj {
  return { apiVersion: API_VERSION, kind: 'ClusterRole', metadata: { name }, rules, ...extra };
}

export interface Ref {
  kind: string;
  name: string;
}

export function roleBinding(namespace: string, name: string, ref: Ref, subjects: Obj[]): Obj {
  return {
    apiVersion: API_VERSION,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref },
    subjects,
  };
}

export function clusterRoleBinding(name: string, ref: Ref, subjects: Obj[]): Obj {
  return {
    apiVersion: API_VERSION,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref },
    subjects,
  };
}

export const userSubject = (name: string): Obj => ({
  apiGroup: 'rbac.authorization.k8s.io',
  kind: 'User',
  name,
});
export const groupSubject = (name: string): Obj => ({
  apiGroup: 'rbac.authorization.k8s.io',
  kind: 'Group',
  name,
});
export const saSubject = (name: string, namespace?: string): Obj =>
  namespace === undefined ? { kind: 'ServiceAccount', name } : { kind: 'ServiceAccount', name, namespace };

/** An authenticated user: its groups plus `system:authenticated`, as the authenticator leaves them. */
export function authenticated(name: string, groups: string[] = []): UserInfo {
  return { name, groups: [...groups, 'system:authenticated'] };
}

/** A resource request; fields not given are empty. */
export function resourceAttrs(user: UserInfo, a: Partial<Omit<Attributes, 'user'>>): Attributes {
  return {
    user,
    verb: 'get',
    resourceRequest: true,
    namespace: '',
    apiGroup: '',
    resource: '',
    subresource: '',
    name: '',
    path: '',
    ...a,
  };
}

/** A non-resource request for `path`. */
export function pathAttrs(user: UserInfo, verb: string, path: string): Attributes {
  return resourceAttrs(user, { verb, path, resourceRequest: false });
}
