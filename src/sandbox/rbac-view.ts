/** The RBAC objects of the store, as the authorizer reads them. */
import type { RbacObjects } from './auth/rbac.js';
import type { SandboxCore } from './core.js';

const G = 'rbac.authorization.k8s.io';

export function rbacObjects(core: SandboxCore): RbacObjects {
  const s = core.store;
  return {
    roles: (ns) => s.list(`${G}/roles`, ns),
    roleBindings: (ns) => s.list(`${G}/rolebindings`, ns),
    clusterRoles: () => s.list(`${G}/clusterroles`),
    clusterRoleBindings: () => s.list(`${G}/clusterrolebindings`),
  };
}
