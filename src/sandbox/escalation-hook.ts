/**
 * RBAC's escalation prevention, as the roles/clusterroles/rolebindings/clusterrolebindings storage wraps
 * create and update (kubernetes pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased/storage.go).
 */

import { checkBindingWrite, checkRoleWrite } from './auth/escalation.js';
import type { Attributes } from './auth/rbac.js';
import { authorize } from './auth/rbac.js';
import type { SandboxCore } from './core.js';
import { rbacObjects } from './rbac-view.js';
import { meta } from './types.js';
import type { AdmissionHook } from './write.js';

const RBAC = 'rbac.authorization.k8s.io';

export function rbacEscalationHook(core: SandboxCore): AdmissionHook {
  return ({ def, old, next, user, subresource }) => {
    if (def.group !== RBAC || subresource !== '') return undefined;
    const objs = rbacObjects(core);
    const authz = (a: Attributes) => authorize(objs, a);
    const namespace = def.namespaced ? (meta(next).namespace ?? '') : '';
    if (def.plural === 'roles' || def.plural === 'clusterroles') {
      return checkRoleWrite(
        objs,
        {
          user,
          resource: def.plural,
          namespace,
          requestName: old ? (meta(old).name ?? '') : '',
          obj: next,
          ...(old ? { old } : {}),
        },
        authz,
      );
    }
    if (def.plural === 'rolebindings' || def.plural === 'clusterrolebindings') {
      return checkBindingWrite(
        objs,
        { user, resource: def.plural, namespace, obj: next, ...(old ? { old } : {}) },
        authz,
      );
    }
    return undefined;
  };
}
