import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/core/types.js';
import { Reasons, ReconcileError, refString } from '../../../src/core/types.js';
import { builtinNamespaced } from '../../../src/plan/builtin-scope.js';
import type { SourcedManifest } from '../../../src/plan/parse.js';
import type { PlanOptions } from '../../../src/plan/plan.js';
import { plan } from '../../../src/plan/plan.js';

function obj(
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  extra: Record<string, unknown> = {},
) {
  const manifest = {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...extra,
  } as Manifest;
  return { manifest, source: { file: `${kind.toLowerCase()}.yaml`, document: 0 } } satisfies SourcedManifest;
}

const owner = { 'steward.dev/name': 'apps', 'steward.dev/namespace': 'team-a' };
const opts: PlanOptions = {
  targetNamespace: 'team-a',
  ownerLabels: owner,
  namespacedKinds: builtinNamespaced,
};

function failure(fn: () => unknown): ReconcileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReconcileError) return e;
    throw e;
  }
  throw new Error('expected a ReconcileError');
}

const widgetCrd = obj(
  'apiextensions.k8s.io/v1',
  'CustomResourceDefinition',
  'widgets.example.com',
  undefined,
  {
    spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' } },
  },
);
const gadgetCrd = obj(
  'apiextensions.k8s.io/v1',
  'CustomResourceDefinition',
  'gadgets.example.com',
  undefined,
  {
    spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Gadget', plural: 'gadgets' } },
  },
);

describe('plan', () => {
  it('orders by stage, then Helm install order, then unknown kinds by name, then name', () => {
    const input = [
      obj('apps/v1', 'Deployment', 'web'),
      obj('example.com/v1', 'Widget', 'w'),
      obj('example.com/v1', 'Gadget', 'g'),
      obj('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'hook'),
      obj('v1', 'Service', 'web'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'crb'),
      obj('v1', 'ConfigMap', 'b'),
      obj('v1', 'ConfigMap', 'a'),
      obj('v1', 'Namespace', 'team-a'),
      widgetCrd,
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'cr'),
      obj('v1', 'ServiceAccount', 'sa'),
      obj('batch/v1', 'CronJob', 'nightly'),
      gadgetCrd,
      obj('example.com/v1', 'Anvil', 'a', undefined, {}),
    ];
    const crdAnvil = (apiVersion: string, kind: string) =>
      kind === 'Anvil' ? true : builtinNamespaced(apiVersion, kind);
    const out = plan(input, { ...opts, namespacedKinds: crdAnvil });
    expect(out.map((p) => `${p.stage} ${refString(p.ref)}`)).toEqual([
      '0 CustomResourceDefinition/gadgets.example.com',
      '0 CustomResourceDefinition/widgets.example.com',
      '1 Namespace/team-a',
      '1 ClusterRole/cr',
      '1 ClusterRoleBinding/crb',
      '1 Gadget/g',
      '2 ServiceAccount/team-a/sa',
      '2 ConfigMap/team-a/a',
      '2 ConfigMap/team-a/b',
      '2 Service/team-a/web',
      '2 Deployment/team-a/web',
      '2 CronJob/team-a/nightly',
      '2 ValidatingWebhookConfiguration/hook',
      '2 Anvil/team-a/a',
      '2 Widget/team-a/w',
    ]);
  });

  it('overrides namespaces of namespaced objects, clears them on cluster-scoped ones, and adds owner labels', () => {
    const input = [
      obj('v1', 'ConfigMap', 'cfg', 'elsewhere', { data: { a: '1' } }),
      obj('v1', 'Namespace', 'team-a', 'ignored'),
      obj('apps/v1', 'Deployment', 'web', undefined, {}),
    ];
    input[0]!.manifest.metadata.labels = { app: 'web', 'steward.dev/name': 'spoofed' };
    const before = structuredClone(input);
    const out = plan(input, opts);
    const byKind = Object.fromEntries(out.map((p) => [p.ref.kind, p]));
    expect(byKind.ConfigMap?.manifest.metadata).toEqual({
      name: 'cfg',
      namespace: 'team-a',
      labels: { app: 'web', ...owner },
    });
    expect(byKind.ConfigMap?.ref).toEqual({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      namespace: 'team-a',
      name: 'cfg',
    });
    expect(byKind.Namespace?.manifest.metadata).toEqual({ name: 'team-a', labels: owner });
    expect(byKind.Namespace?.ref.namespace).toBe('');
    expect(byKind.Deployment?.ref).toMatchObject({ group: 'apps', namespace: 'team-a' });
    expect(input).toEqual(before);
  });

  it('keeps namespaces as written without a targetNamespace', () => {
    const out = plan([obj('v1', 'ConfigMap', 'cfg', 'team-b')], {
      ownerLabels: {},
      namespacedKinds: builtinNamespaced,
    });
    expect(out[0]?.ref.namespace).toBe('team-b');
    expect(out[0]?.manifest.metadata.labels).toEqual({});
  });

  it('moves default ServiceAccount subjects of bindings to the target namespace, like kustomize', () => {
    const binding = obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb', undefined, {
      subjects: [
        { kind: 'ServiceAccount', name: 'default', namespace: 'old' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
        { kind: 'Group', name: 'devs' },
      ],
    });
    expect(plan([binding], opts)[0]?.manifest.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'default', namespace: 'team-a' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
      { kind: 'Group', name: 'devs' },
    ]);
  });

  it('takes the scope of unknown kinds from CRDs in the same plan', () => {
    const out = plan([obj('example.com/v1', 'Gadget', 'g', 'x'), gadgetCrd], opts);
    expect(out.find((p) => p.ref.kind === 'Gadget')).toMatchObject({ stage: 1, ref: { namespace: '' } });
  });

  it.each([
    [
      [obj('example.com/v1', 'Widget', 'w')],
      'widget.yaml: Widget/w: no kind "Widget" is registered for version "example.com/v1" in the cluster, and no CustomResourceDefinition in this revision defines it',
    ],
    [
      [obj('example.com/v2', 'Gizmo', 'g'), widgetCrd],
      'gizmo.yaml: Gizmo/g: no kind "Gizmo" is registered for version "example.com/v2" in the cluster, and no CustomResourceDefinition in this revision defines it',
    ],
  ])('refuses kinds nobody defines (%#)', (input, message) => {
    const e = failure(() => plan(input, opts));
    expect(e).toMatchObject({ reason: Reasons.ValidationFailed, retry: 'terminal', message });
  });

  it('refuses a namespaced object with no namespace to go to', () => {
    const e = failure(() =>
      plan([obj('v1', 'ConfigMap', 'cfg')], { ownerLabels: {}, namespacedKinds: builtinNamespaced }),
    );
    expect(e.message).toBe(
      'configmap.yaml: ConfigMap/cfg: namespaced object has no metadata.namespace and the Sync sets no targetNamespace',
    );
  });

  it('refuses objects that collide once the target namespace is set', () => {
    const a = obj('v1', 'ConfigMap', 'cfg', 'one');
    const b = { ...obj('v1', 'ConfigMap', 'cfg', 'two'), source: { file: 'other.yaml', document: 1 } };
    expect(failure(() => plan([a, b], opts)).message).toBe(
      'ConfigMap/team-a/cfg is defined more than once after setting namespaces: in configmap.yaml and in other.yaml (document 2)',
    );
  });
});
