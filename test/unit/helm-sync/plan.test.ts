/** Planning a rendered chart: hooks split by phase and weight, namespaces as `helm install` sets them. */
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/core/types.js';
import type { SourcedManifest } from '../../../src/plan/index.js';
import { builtinNamespaced } from '../../../src/plan/index.js';
import { allObjects, type HelmPlanOptions, planRelease } from '../../../src/reconcile/helm-plan.js';

function item(
  kind: string,
  name: string,
  extra: {
    apiVersion?: string;
    namespace?: string;
    annotations?: Record<string, string>;
    spec?: unknown;
  } = {},
): SourcedManifest {
  const manifest: Manifest = {
    apiVersion: extra.apiVersion ?? (kind === 'Job' ? 'batch/v1' : kind === 'Deployment' ? 'apps/v1' : 'v1'),
    kind,
    metadata: {
      name,
      ...(extra.namespace ? { namespace: extra.namespace } : {}),
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    ...(extra.spec ? { spec: extra.spec } : {}),
  };
  return { manifest, source: { file: `app/templates/${name}.yaml`, document: 0 } };
}

const hook = (event: string, weight?: number, policy?: string) => ({
  'helm.sh/hook': event,
  ...(weight === undefined ? {} : { 'helm.sh/hook-weight': String(weight) }),
  ...(policy ? { 'helm.sh/hook-delete-policy': policy } : {}),
});

const opts: HelmPlanOptions = {
  namespace: 'team-a',
  ownerLabels: { 'steward.dev/name': 'app', 'steward.dev/namespace': 'team-a' },
  namespacedKinds: builtinNamespaced,
};

const names = (objects: readonly { ref: { name: string } }[]) => objects.map((o) => o.ref.name);

describe('planRelease', () => {
  const rendered = [
    item('Deployment', 'web'),
    item('ConfigMap', 'config'),
    item('Job', 'migrate', { annotations: hook('pre-install,pre-upgrade', 5) }),
    item('ConfigMap', 'seed', { annotations: hook('pre-install', -1) }),
    item('Job', 'smoke', { annotations: hook('post-install,post-upgrade') }),
    item('Pod', 'test', { annotations: hook('test') }),
    item('Job', 'cleanup', { annotations: hook('pre-delete') }),
  ];

  it('splits hooks by phase and weight, and keeps the rest as the release', () => {
    const p = planRelease(rendered, opts);
    expect(p.pre.map(names)).toEqual([['seed'], ['migrate']]);
    expect(names(p.main)).toEqual(['config', 'web']);
    expect(p.post.map(names)).toEqual([['smoke']]);
    expect(p.skipped.map((s) => s.object)).toEqual([
      'app/templates/test.yaml: Pod/team-a/test',
      'app/templates/cleanup.yaml: Job/team-a/cleanup',
    ]);
  });

  it('skips install-only hooks on an upgrade', () => {
    const p = planRelease(rendered, { ...opts, event: 'upgrade' });
    expect(p.pre.map(names)).toEqual([['migrate']]);
    expect(p.skipped.map((s) => s.object)).toContain('app/templates/seed.yaml: ConfigMap/team-a/seed');
  });

  it('puts objects naming no namespace in the release namespace, and keeps the ones that name another', () => {
    const p = planRelease(
      [item('ConfigMap', 'mine'), item('ConfigMap', 'theirs', { namespace: 'team-b' })],
      opts,
    );
    expect(p.main.map((o) => `${o.ref.namespace}/${o.ref.name}`)).toEqual(['team-a/mine', 'team-b/theirs']);
  });

  it('moves every namespaced object, hooks included, to the targetNamespace', () => {
    const p = planRelease(
      [
        item('ConfigMap', 'a', { namespace: 'elsewhere' }),
        item('Job', 'j', { annotations: hook('pre-install') }),
      ],
      { ...opts, targetNamespace: 'team-a' },
    );
    expect(allObjects(p).map((o) => o.ref.namespace)).toEqual(['team-a', 'team-a']);
  });

  it('labels hooks with the owner too, and leaves cluster-scoped objects without a namespace', () => {
    const p = planRelease(
      [
        item('ClusterRole', 'reader', { apiVersion: 'rbac.authorization.k8s.io/v1' }),
        rendered[2] as SourcedManifest,
      ],
      opts,
    );
    expect(p.main[0]?.ref.namespace).toBe('');
    expect(p.pre[0]?.[0]?.manifest.metadata.labels).toEqual(opts.ownerLabels);
  });

  it('defaults the namespace of custom resources whose CRD the chart brings', () => {
    const crd = item('CustomResourceDefinition', 'widgets.example.com', {
      apiVersion: 'apiextensions.k8s.io/v1',
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' } },
    });
    const p = planRelease([crd, item('Widget', 'w', { apiVersion: 'example.com/v1' })], opts);
    expect(p.main.map((o) => `${o.ref.kind}:${o.ref.namespace}`)).toEqual([
      'CustomResourceDefinition:',
      'Widget:team-a',
    ]);
  });

  it('refuses a hook and a release object of the same name', () => {
    const clash = [
      item('ConfigMap', 'same'),
      item('ConfigMap', 'same', { annotations: hook('post-install') }),
    ];
    expect(() => planRelease(clash, opts)).toThrow(
      /ConfigMap\/team-a\/same is rendered more than once .*app\/templates\/same\.yaml/,
    );
  });
});
