/**
 * Update validation. Upstream: apimachinery pkg/api/validation/objectmeta.go; kubernetes
 * pkg/registry/apps/deployment/strategy.go, pkg/apis/apps/validation (ValidateStatefulSetUpdate),
 * pkg/apis/batch/validation (ValidateJobSpecUpdate), pkg/apis/core/validation (ValidateServiceUpdate,
 * ValidateConfigMapUpdate, ValidateSecretUpdate), pkg/apis/rbac/validation (ValidateRoleBindingUpdate),
 * apiextensions-apiserver validateCustomResourceDefinitionSpecUpdate.
 */
import { describe, expect, it } from 'vitest';
import type { Obj } from '../../../../src/sandbox/types.js';
import { STATEFULSET_FORBIDDEN, validateUpdate } from '../../../../src/sandbox/validation/immutable.js';
import { lines } from './render.js';

const RBAC = 'rbac.authorization.k8s.io';
const meta = { name: 'x', namespace: 'd' };

function upd(group: string, kind: string, oldObj: Obj, newObj: Obj): string[] {
  return lines(validateUpdate(group, kind, { metadata: meta, ...oldObj }, { metadata: meta, ...newObj }));
}

const tpl = (image: string): Obj => ({
  metadata: { labels: { app: 'x' } },
  spec: { containers: [{ name: 'c', image }] },
});

describe('validateUpdate', () => {
  it.each<[string, string, string, Obj, Obj, string[]]>([
    [
      'Deployment selector',
      'apps',
      'Deployment',
      { spec: { selector: { matchLabels: { app: 'web' } } } },
      { spec: { selector: { matchLabels: { app: 'web2' } } } },
      ['spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable'],
    ],
    [
      'Deployment selector unchanged, template changed',
      'apps',
      'Deployment',
      { spec: { selector: { matchLabels: { app: 'x' } }, template: tpl('a') } },
      { spec: { selector: { matchLabels: { app: 'x' } }, template: tpl('b') } },
      [],
    ],
    [
      'DaemonSet selector rendered in Go field order',
      'apps',
      'DaemonSet',
      { spec: { selector: { matchLabels: { a: '1' } } } },
      {
        spec: {
          selector: { matchExpressions: [{ operator: 'Exists', key: 'b' }], matchLabels: { z: '1', a: '1' } },
        },
      },
      [
        'spec.selector: Invalid value: {"matchLabels":{"a":"1","z":"1"},"matchExpressions":[{"key":"b","operator":"Exists"}]}: field is immutable',
      ],
    ],
    [
      'StatefulSet volumeClaimTemplates',
      'apps',
      'StatefulSet',
      {
        spec: {
          replicas: 1,
          volumeClaimTemplates: [
            { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } },
          ],
        },
      },
      {
        spec: {
          replicas: 3,
          volumeClaimTemplates: [
            { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '2Gi' } } } },
          ],
        },
      },
      [`spec: Forbidden: ${STATEFULSET_FORBIDDEN}`],
    ],
    [
      'StatefulSet allowed fields',
      'apps',
      'StatefulSet',
      { spec: { replicas: 1, revisionHistoryLimit: 10, template: tpl('a'), serviceName: 's' } },
      { spec: { replicas: 5, revisionHistoryLimit: 3, template: tpl('b'), serviceName: 's' } },
      [],
    ],
    [
      'Job template',
      'batch',
      'Job',
      { spec: { completions: 1, template: tpl('a') } },
      { spec: { completions: 1, template: tpl('b') } },
      [`spec.template: Invalid value: ${JSON.stringify(tpl('b'))}: field is immutable`],
    ],
    [
      'Job completions',
      'batch',
      'Job',
      { spec: { completions: 1, template: tpl('a') } },
      { spec: { completions: 2, template: tpl('a') } },
      ['spec.completions: Invalid value: 2: field is immutable'],
    ],
    [
      'suspended Job that never ran may change scheduling directives',
      'batch',
      'Job',
      { spec: { suspend: true, template: tpl('a') } },
      {
        spec: {
          suspend: true,
          template: {
            ...tpl('a'),
            spec: { containers: [{ name: 'c', image: 'a' }], nodeSelector: { zone: 'b' } },
          },
        },
      },
      [],
    ],
    [
      'Service clusterIP',
      '',
      'Service',
      { spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] } },
      { spec: { type: 'ClusterIP', clusterIP: '10.96.0.11' } },
      ['spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set'],
    ],
    [
      'Service without clusterIP keeps the allocated one',
      '',
      'Service',
      { spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] } },
      { spec: { type: 'ClusterIP' } },
      [],
    ],
    [
      'immutable ConfigMap',
      '',
      'ConfigMap',
      { immutable: true, data: { a: '1' } },
      { immutable: true, data: { a: '2' } },
      ['data: Forbidden: field is immutable when `immutable` is set'],
    ],
    [
      'immutable ConfigMap made mutable',
      '',
      'ConfigMap',
      { immutable: true, data: { a: '1' } },
      { data: { a: '1' } },
      ['immutable: Forbidden: field is immutable when `immutable` is set'],
    ],
    [
      'Secret type',
      '',
      'Secret',
      { type: 'Opaque', data: {} },
      { type: 'kubernetes.io/tls', data: {} },
      ['type: Invalid value: "kubernetes.io/tls": field is immutable'],
    ],
    [
      'RoleBinding roleRef, the internal struct with Go field names',
      RBAC,
      'RoleBinding',
      { roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' } },
      { roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' } },
      [
        'roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io","Kind":"ClusterRole","Name":"view"}: cannot change roleRef',
      ],
    ],
    [
      'CRD scope',
      'apiextensions.k8s.io',
      'CustomResourceDefinition',
      { spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'ws', kind: 'W' } } },
      { spec: { group: 'example.com', scope: 'Cluster', names: { plural: 'ws', kind: 'W' } } },
      ['spec.scope: Invalid value: "Cluster": field is immutable'],
    ],
  ])('%s', (_name, group, kind, oldObj, newObj, want) => {
    expect(upd(group, kind, oldObj, newObj)).toEqual(want);
  });

  it('refuses new finalizers once deletion started', () => {
    const oldObj = { metadata: { ...meta, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['a'] } };
    const newObj = {
      metadata: { ...meta, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['a', 'z', 'b'] },
    };
    expect(lines(validateUpdate('', 'ConfigMap', oldObj, newObj))).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b", "z"}',
    ]);
  });
});
