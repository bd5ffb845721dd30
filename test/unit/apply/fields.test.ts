import { describe, expect, it } from 'vitest';
import { leafPaths, ownedLeafPaths, pathString, stripPaths } from '../../../src/apply/fields.js';
import { desiredManifest } from '../../../src/apply/object.js';
import type { Manifest } from '../../../src/core/types.js';

const deployment = (): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'team-a',
    labels: { app: 'web', 'steward.dev/name': 'apps' },
    annotations: { note: 'x' },
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
          { name: 'sidecar', image: 'envoy:1' },
        ],
        tolerations: [{ key: 'a' }],
      },
    },
  },
});

const managed = (manager: string, fieldsV1: object, operation = 'Update') => ({
  manager,
  operation,
  fieldsV1,
});

describe('leafPaths', () => {
  it('returns owned values, not the structure above them', () => {
    const paths = leafPaths({
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
          },
        },
      },
    });
    expect(paths.map(pathString)).toEqual([
      'spec.replicas',
      'spec.template.spec.containers[name=app].image',
      'spec.template.spec.containers[name=app].name',
    ]);
  });

  it('skips malformed elements instead of failing', () => {
    expect(leafPaths({ 'k:{not json': {}, 'x:y': {}, 'f:ok': {} }).map(pathString)).toEqual(['ok']);
    expect(leafPaths(undefined)).toEqual([]);
  });
});

describe('ownedLeafPaths', () => {
  it('collects only the named managers, across operations and subresources', () => {
    const mf = [
      managed('steward', { 'f:spec': { 'f:replicas': {} } }, 'Apply'),
      managed('flagger', { 'f:spec': { 'f:replicas': {} } }),
      { ...managed('horizontal-pod-autoscaler', { 'f:spec': { 'f:replicas': {} } }), subresource: 'scale' },
      managed('kubectl-edit', { 'f:metadata': { 'f:annotations': { 'f:note': {} } } }),
    ];
    expect(ownedLeafPaths(mf, ['flagger', 'horizontal-pod-autoscaler']).map(pathString)).toEqual([
      'spec.replicas',
      'spec.replicas',
    ]);
    expect(ownedLeafPaths('nonsense', ['flagger'])).toEqual([]);
  });
});

describe('stripPaths', () => {
  it.each([
    ['a struct field', { 'f:spec': { 'f:replicas': {} } }, 'spec.replicas', (m: Manifest) => m.spec],
    [
      'a field inside a keyed list element',
      {
        'f:spec': {
          'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { 'f:image': {} } } } },
        },
      },
      'spec.template.spec.containers[name=sidecar].image',
      (m: Manifest) => m.spec,
    ],
    [
      'a list element keyed with a defaulted key (protocol TCP)',
      {
        'f:spec': {
          'f:template': {
            'f:spec': {
              'f:containers': {
                'k:{"name":"app"}': { 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} } },
              },
            },
          },
        },
      },
      'spec.template.spec.containers[name=app].ports[containerPort=80,protocol=TCP]',
      (m: Manifest) => m.spec,
    ],
    [
      'an annotation',
      { 'f:metadata': { 'f:annotations': { 'f:note': {} } } },
      'metadata.annotations.note',
      (m: Manifest) => m.metadata,
    ],
  ])('removes %s', (_name, fieldsV1, expected, _pick) => {
    const m = deployment();
    const { manifest, removed } = stripPaths(m, leafPaths(fieldsV1));
    expect(removed).toEqual([expected]);
    expect(manifest).not.toEqual(m);
    expect(m).toEqual(deployment()); // the input is not modified
  });

  it('never removes identity fields or Steward’s own labels', () => {
    const fieldsV1 = {
      'f:metadata': {
        'f:name': {},
        'f:namespace': {},
        'f:labels': { 'f:steward.dev/name': {}, 'f:app': {} },
      },
      'f:kind': {},
    };
    const { manifest, removed } = stripPaths(deployment(), leafPaths(fieldsV1));
    expect(removed).toEqual(['metadata.labels.app']);
    expect(manifest.metadata).toMatchObject({
      name: 'web',
      namespace: 'team-a',
      labels: { 'steward.dev/name': 'apps' },
    });
    expect(manifest.kind).toBe('Deployment');
  });

  it('ignores paths the manifest does not have', () => {
    const { removed } = stripPaths(
      deployment(),
      leafPaths({ 'f:spec': { 'f:paused': {}, 'f:x': { 'f:y': {} } } }),
    );
    expect(removed).toEqual([]);
  });
});

describe('desiredManifest', () => {
  const ctx = { fieldManager: 'steward', knownControllers: ['flagger'], scaleTargets: new Set<string>() };

  it('drops the fields a known controller owns on the live object', () => {
    const live = {
      metadata: { managedFields: [managed('flagger', { 'f:spec': { 'f:replicas': {} } })] },
      spec: { replicas: 0 },
    };
    const d = desiredManifest(deployment(), live, ctx);
    expect(d.spec).not.toHaveProperty('replicas');
  });

  it('keeps everything for a new object and for unknown managers', () => {
    expect(desiredManifest(deployment(), undefined, ctx)).toEqual(deployment());
    const live = {
      metadata: { managedFields: [managed('kubectl-edit', { 'f:spec': { 'f:replicas': {} } })] },
    };
    expect(desiredManifest(deployment(), live, ctx)).toEqual(deployment());
  });

  it('never strips Steward’s own fields even if listed as a known controller', () => {
    const live = {
      metadata: { managedFields: [managed('steward', { 'f:spec': { 'f:replicas': {} } }, 'Apply')] },
    };
    const d = desiredManifest(deployment(), live, { ...ctx, knownControllers: ['steward'] });
    expect(d.spec).toHaveProperty('replicas', 2);
  });

  it('applies the autoscaler rule to scale targets only', () => {
    const live = { metadata: { managedFields: [] }, spec: { replicas: 5 } };
    const targeted = { ...ctx, scaleTargets: new Set(['team-a/Deployment/web']) };
    expect(desiredManifest(deployment(), live, targeted).spec).not.toHaveProperty('replicas');
    expect(desiredManifest(deployment(), live, ctx).spec).toHaveProperty('replicas', 2);
  });
});
