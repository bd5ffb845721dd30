/**
 * Server-side defaults as `kubectl get -o yaml` shows them. Upstream: kubernetes
 * pkg/apis/{apps,batch,core,rbac}/v1/defaults.go, pkg/util/parsers (image tags), the Secret v1 conversion,
 * pkg/registry/core/namespace/strategy.go, pkg/registry/batch/job/strategy.go (generateSelector) and
 * apiextensions-apiserver pkg/apis/apiextensions/v1/defaults.go.
 */
import { describe, expect, it } from 'vitest';
import type { Obj } from '../../../../src/sandbox/types.js';
import { applyDefaults } from '../../../../src/sandbox/validation/defaults.js';

const podTemplateDefaults = (containers: Obj[]): Obj => ({
  metadata: { labels: { app: 'web' } },
  spec: {
    containers,
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
  },
});

const defaultedContainer = (extra: Obj): Obj => ({
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
  ...extra,
});

describe('applyDefaults', () => {
  it('fills a Deployment the way kubectl get -o yaml shows it', () => {
    const input: Obj = {
      metadata: { name: 'web', namespace: 'd' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
        },
      },
    };
    expect(applyDefaults('apps', 'Deployment', input)).toEqual({
      metadata: { name: 'web', namespace: 'd' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        template: podTemplateDefaults([
          defaultedContainer({
            name: 'web',
            image: 'nginx',
            imagePullPolicy: 'Always',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
          }),
        ]),
      },
    });
  });

  it('does not touch the input and is idempotent', () => {
    const input: Obj = {
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } },
    };
    const copy = structuredClone(input);
    const once = applyDefaults('apps', 'Deployment', input);
    expect(input).toEqual(copy);
    expect(applyDefaults('apps', 'Deployment', once)).toEqual(once);
  });

  it.each<[string, string, string, Obj, Obj]>([
    [
      'Service',
      '',
      'Service',
      { spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
      {
        spec: {
          selector: { app: 'web' },
          ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
          sessionAffinity: 'None',
          type: 'ClusterIP',
          internalTrafficPolicy: 'Cluster',
          ipFamilyPolicy: 'SingleStack',
          ipFamilies: ['IPv4'],
        },
      },
    ],
    [
      'NodePort Service',
      '',
      'Service',
      { spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }], selector: { a: 'b' } } },
      {
        spec: {
          type: 'NodePort',
          ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }],
          selector: { a: 'b' },
          sessionAffinity: 'None',
          externalTrafficPolicy: 'Cluster',
          internalTrafficPolicy: 'Cluster',
          ipFamilyPolicy: 'SingleStack',
          ipFamilies: ['IPv4'],
        },
      },
    ],
    [
      'ExternalName Service',
      '',
      'Service',
      { spec: { type: 'ExternalName', externalName: 'x.example.com' } },
      { spec: { type: 'ExternalName', externalName: 'x.example.com', sessionAffinity: 'None' } },
    ],
    [
      'Secret with stringData',
      '',
      'Secret',
      { data: { a: 'b2xk' }, stringData: { a: 'new', b: 'ü' } },
      { data: { a: 'bmV3', b: 'w7w=' }, type: 'Opaque' },
    ],
    [
      'Namespace',
      '',
      'Namespace',
      { metadata: { name: 'team-a' } },
      {
        metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
    ],
    [
      'RoleBinding',
      'rbac.authorization.k8s.io',
      'RoleBinding',
      {
        roleRef: { kind: 'Role', name: 'r' },
        subjects: [
          { kind: 'User', name: 'alice' },
          { kind: 'ServiceAccount', name: 'sa' },
        ],
      },
      {
        roleRef: { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' },
        subjects: [
          { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
          { kind: 'ServiceAccount', name: 'sa' },
        ],
      },
    ],
    [
      'CustomResourceDefinition',
      'apiextensions.k8s.io',
      'CustomResourceDefinition',
      { spec: { names: { plural: 'widgets', kind: 'Widget' } } },
      {
        spec: {
          names: { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' },
          conversion: { strategy: 'None' },
        },
      },
    ],
    [
      'ServiceAccount is left alone',
      '',
      'ServiceAccount',
      { metadata: { name: 'sa' } },
      { metadata: { name: 'sa' } },
    ],
    [
      'CronJob defaults the schedule policy, not the job spec',
      'batch',
      'CronJob',
      {
        spec: {
          schedule: '@daily',
          jobTemplate: {
            spec: {
              template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'c:1' }] } },
            },
          },
        },
      },
      {
        spec: {
          schedule: '@daily',
          concurrencyPolicy: 'Allow',
          suspend: false,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 1,
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: 'Never',
                  containers: [
                    defaultedContainer({ name: 'c', image: 'c:1', imagePullPolicy: 'IfNotPresent' }),
                  ],
                  dnsPolicy: 'ClusterFirst',
                  securityContext: {},
                  terminationGracePeriodSeconds: 30,
                  schedulerName: 'default-scheduler',
                },
              },
            },
          },
        },
      },
    ],
  ])('%s', (_name, group, kind, input, want) => {
    expect(applyDefaults(group, kind, input)).toEqual(want);
  });

  it('defaults a Job and copies template labels onto it', () => {
    const out = applyDefaults('batch', 'Job', {
      metadata: { name: 'j' },
      spec: { template: { metadata: { labels: { app: 'j' } }, spec: { containers: [] } } },
    });
    expect(out.metadata).toEqual({ name: 'j', labels: { app: 'j' } });
    expect(out.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    });
  });

  it('defaults a StatefulSet, including its volumeClaimTemplates', () => {
    const out = applyDefaults('apps', 'StatefulSet', {
      spec: { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }] },
    });
    expect(out.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      replicas: 1,
      revisionHistoryLimit: 10,
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
      ],
    });
  });
});
