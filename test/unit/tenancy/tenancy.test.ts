import { describe, expect, it } from 'vitest';
import type { PlannedObject } from '../../../src/core/types.js';
import { ReconcileError } from '../../../src/core/types.js';
import {
  checkTenancy,
  groupKind,
  serviceAccountUser,
  tenancyViolations,
} from '../../../src/tenancy/tenancy.js';

function obj(
  group: string,
  kind: string,
  namespace: string,
  name: string,
  file = 'app/x.yaml',
): PlannedObject {
  const apiVersion = group ? `${group}/v1` : 'v1';
  return {
    ref: { group, version: 'v1', kind, namespace, name },
    manifest: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
    source: { file, document: 0 },
    stage: namespace ? 2 : 1,
  };
}

const policy = { namespace: 'team-a', allowedClusterKinds: ['ClusterRole.rbac.authorization.k8s.io'] };

describe('tenancy', () => {
  it.each([
    [obj('apps', 'Deployment', 'team-a', 'web'), []],
    [
      obj('apps', 'Deployment', 'team-b', 'web', 'app/escape.yaml'),
      [
        'Deployment/team-b/web (app/escape.yaml): namespace "team-b" is outside the tenant namespace "team-a"',
      ],
    ],
    [
      obj('', 'Namespace', '', 'team-b'),
      ['Namespace/team-b (app/x.yaml): cluster-scoped kind Namespace is not allowed for tenant team-a'],
    ],
    [
      obj('rbac.authorization.k8s.io', 'ClusterRoleBinding', '', 'admin'),
      [
        'ClusterRoleBinding/admin (app/x.yaml): cluster-scoped kind ClusterRoleBinding.rbac.authorization.k8s.io is not allowed for tenant team-a',
      ],
    ],
    [obj('rbac.authorization.k8s.io', 'ClusterRole', '', 'reader'), []],
    [
      obj('apiextensions.k8s.io', 'CustomResourceDefinition', '', 'x.example.com'),
      [
        'CustomResourceDefinition/x.example.com (app/x.yaml): cluster-scoped kind CustomResourceDefinition.apiextensions.k8s.io is not allowed for tenant team-a',
      ],
    ],
    [
      obj('', 'ConfigMap', 'kube-system', 'c'),
      [
        'ConfigMap/kube-system/c (app/x.yaml): namespace "kube-system" is outside the tenant namespace "team-a"',
      ],
    ],
  ])('%o', (planned, expected) => {
    expect(tenancyViolations([planned], policy)).toEqual(expected);
  });

  it('reports every violation in one terminal error naming the first object', () => {
    const planned = [obj('', 'Namespace', '', 'x'), obj('apps', 'Deployment', 'team-b', 'web')];
    try {
      checkTenancy(planned, policy);
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(ReconcileError);
      const e = err as ReconcileError;
      expect(e.retry).toBe('terminal');
      expect(e.reason).toBe('ValidationFailed');
      expect(e.subject).toBe('Namespace/x');
      expect(e.message).toContain('Deployment/team-b/web');
    }
  });

  it('names kinds and service accounts the way the config and the API server do', () => {
    expect(groupKind({ group: '', kind: 'Namespace' })).toBe('Namespace');
    expect(groupKind({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' })).toBe(
      'ClusterRole.rbac.authorization.k8s.io',
    );
    expect(serviceAccountUser('team-a', 'deployer')).toBe('system:serviceaccount:team-a:deployer');
  });
});
