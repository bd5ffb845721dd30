import { describe, expect, expectTypeOf, it } from 'vitest';
import { type FieldError, type SyncStatus, validateSync } from '../../../src/api/index.js';
import type { Inventory } from '../../../src/core/types.js';

function sync(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return defined({
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'apps', namespace: 'team-a' },
    spec: defined({
      sourceRef: { kind: 'GitRepository', name: 'podinfo' },
      interval: '10m',
      prune: true,
      ...spec,
    }),
    ...extra,
  });
}

/** Drops keys set to undefined: a test's way of leaving a key out, as a YAML file would. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function errorsOf(obj: unknown): FieldError[] {
  const result = validateSync(obj);
  return result.ok ? [] : result.errors;
}

describe('validateSync defaults', () => {
  it('fills path and force', () => {
    expect(validateSync(sync({}))).toEqual({ ok: true, value: sync({ path: './', force: false }) });
  });

  it('keeps what is given', () => {
    const result = validateSync(sync({ path: './apps/prod', force: true }));
    expect(result.ok && [result.value.spec.path, result.value.spec.force]).toEqual(['./apps/prod', true]);
  });

  it.each([
    [{ path: 'apps/../infra' }],
    [{ path: '/apps' }],
    [{ path: '.' }],
    [{ sourceRef: { kind: 'GitRepository', name: 'platform', namespace: 'flux-system' } }],
    [{ retryInterval: '30s', timeout: '2m', wait: true, suspend: false, allowEmpty: true }],
    [{ interval: '168h', retryInterval: '167h60m', timeout: '10080m' }],
    [
      {
        healthChecks: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'team-a' },
          { kind: 'Service', name: 'web' },
        ],
      },
    ],
    [{ dependsOn: [{ name: 'infra' }, { name: 'apps', namespace: 'team-b' }] }],
    [{ targetNamespace: 'team-a', serviceAccountName: 'team-a-deployer' }],
    [
      {
        postBuild: {
          substitute: { cluster_name: 'prod', REGION: 'eu-west-1' },
          substituteFrom: [
            { kind: 'ConfigMap', name: 'vars' },
            { kind: 'Secret', name: 'secret-vars', optional: true },
          ],
        },
      },
    ],
  ])('accepts %j', (spec) => {
    expect(errorsOf(sync(spec))).toEqual([]);
  });

  it('accepts a status with an inventory', () => {
    const status = {
      observedGeneration: 1,
      lastAppliedRevision: 'main@sha1:3a4b5c6d7e8f90123456789abcdef0123456789a',
      lastAttemptedRevision: 'main@sha1:3a4b5c6d7e8f90123456789abcdef0123456789a',
      lastHandledReconcileAt: '2025-01-01T00:00:00Z',
      inventory: { entries: [{ id: 'team-a_web_apps_Deployment', v: 'v1' }] },
    };
    expect(errorsOf(sync({}, { status }))).toEqual([]);
  });

  it('types the inventory as the core Inventory', () => {
    expectTypeOf<NonNullable<SyncStatus['inventory']>>().toEqualTypeOf<Inventory>();
  });
});

describe('validateSync errors', () => {
  const DURATION = 'must be a duration such as "30s", "5m" or "1h30m"';
  it.each<[string, unknown, FieldError[]]>([
    ['no prune', sync({ prune: undefined }), [{ path: 'spec.prune', message: 'is required' }]],
    ['no interval', sync({ interval: undefined }), [{ path: 'spec.interval', message: 'is required' }]],
    ['no sourceRef', sync({ sourceRef: undefined }), [{ path: 'spec.sourceRef', message: 'is required' }]],
    [
      'an unsupported source kind',
      sync({ sourceRef: { kind: 'OCIRepository', name: 'x' } }),
      [
        {
          path: 'spec.sourceRef.kind',
          message: 'must be one of "GitRepository", "HelmRepository" (got "OCIRepository")',
        },
      ],
    ],
    [
      'a HelmRepository source without spec.helm',
      sync({ sourceRef: { kind: 'HelmRepository', name: 'charts' } }),
      [{ path: 'spec.helm', message: 'is required with a HelmRepository source' }],
    ],
    [
      'a chart path climbing out of a Git source',
      sync({ helm: { chart: '../../etc' } }),
      [{ path: 'spec.helm.chart', message: 'must stay inside the source artifact (got "../../etc")' }],
    ],
    [
      'a chart version with a Git source',
      sync({ helm: { chart: './charts/app', version: '1.x' } }),
      [
        {
          path: 'spec.helm.version',
          message: 'applies to HelmRepository sources only; a Git chart is the version in the commit',
        },
      ],
    ],
    [
      'a chart path as the name in a HelmRepository',
      sync({
        sourceRef: { kind: 'HelmRepository', name: 'charts' },
        helm: { chart: './app', version: '>=1 <2' },
      }),
      [
        {
          path: 'spec.helm.chart',
          message: 'must be a chart name with a HelmRepository source (got "./app")',
        },
      ],
    ],
    [
      'a version that is not a range',
      sync({
        sourceRef: { kind: 'HelmRepository', name: 'charts' },
        helm: { chart: 'app', version: 'latest!' },
      }),
      [{ path: 'spec.helm.version', message: 'must be a SemVer version or range (got "latest!")' }],
    ],
    [
      'a values file outside the chart',
      sync({ helm: { chart: './charts/app', valuesFiles: ['../../secrets.yaml'] } }),
      [
        {
          path: 'spec.helm.valuesFiles[0]',
          message: 'must stay inside the chart or source (got "../../secrets.yaml")',
        },
      ],
    ],
    [
      'a retryInterval of zero',
      sync({ retryInterval: '0s' }),
      [{ path: 'spec.retryInterval', message: 'must be greater than 0 (got "0s")' }],
    ],
    ['a bad timeout', sync({ timeout: '1d' }), [{ path: 'spec.timeout', message: `${DURATION} (got "1d")` }]],
    // Node.js timers cannot wait more than about 24.8 days: a longer interval would fire at once, every time.
    [
      'an interval longer than a week',
      sync({ interval: '1000h' }),
      [{ path: 'spec.interval', message: 'must be at most 168h, a week (got "1000h")' }],
    ],
    [
      'a retryInterval just over a week',
      sync({ retryInterval: '168h1ms' }),
      [{ path: 'spec.retryInterval', message: 'must be at most 168h, a week (got "168h1ms")' }],
    ],
    // Flux CVE-2022-39272: the pattern lets these through, and parsing them used to throw out of validateSync.
    [
      'an interval longer than a Go duration',
      sync({ interval: '9999999999999h' }),
      [
        {
          path: 'spec.interval',
          message: 'is out of range (got "9999999999999h"); must be at most 168h, a week',
        },
      ],
    ],
    [
      'a timeout longer than a Go duration',
      sync({ timeout: '99999999999999m' }),
      [
        {
          path: 'spec.timeout',
          message: 'is out of range (got "99999999999999m"); must be at most 168h, a week',
        },
      ],
    ],
    [
      'prune as a string',
      sync({ prune: 'true' }),
      [{ path: 'spec.prune', message: 'must be true or false (got "true")' }],
    ],
    [
      'a path climbing out',
      sync({ path: '../secrets' }),
      [{ path: 'spec.path', message: 'must stay inside the source artifact (got "../secrets")' }],
    ],
    [
      'a path climbing out later',
      sync({ path: './apps/../../x' }),
      [{ path: 'spec.path', message: 'must stay inside the source artifact (got "./apps/../../x")' }],
    ],
    [
      'an absolute path climbing out',
      sync({ path: '/..' }),
      [{ path: 'spec.path', message: 'must stay inside the source artifact (got "/..")' }],
    ],
    [
      'a dependency without a name',
      sync({ dependsOn: [{ name: 'infra' }, { namespace: 'x' }] }),
      [{ path: 'spec.dependsOn[1].name', message: 'is required' }],
    ],
    [
      'a dependency on itself',
      sync({ dependsOn: [{ name: 'apps' }] }),
      [{ path: 'spec.dependsOn[0]', message: 'a Sync cannot depend on itself' }],
    ],
    [
      'a dependency on itself by namespace',
      sync({ dependsOn: [{ name: 'infra' }, { name: 'apps', namespace: 'team-a' }] }),
      [{ path: 'spec.dependsOn[1]', message: 'a Sync cannot depend on itself' }],
    ],
    [
      'a health check without kind',
      sync({ healthChecks: [{ name: 'web' }] }),
      [{ path: 'spec.healthChecks[0].kind', message: 'is required' }],
    ],
    [
      'a health check with an unknown key',
      sync({ healthChecks: [{ kind: 'Deployment', name: 'web', namspace: 'x' }] }),
      [{ path: 'spec.healthChecks[0].namspace', message: 'unknown key (did you mean "namespace"?)' }],
    ],
    [
      'a bad targetNamespace',
      sync({ targetNamespace: 'Team_A' }),
      [
        {
          path: 'spec.targetNamespace',
          message:
            'must be a DNS-1123 label: at most 63 lowercase letters, digits and "-", alphanumeric at both ends (got "Team_A")',
        },
      ],
    ],
    [
      'substituteFrom of a bad kind',
      sync({ postBuild: { substituteFrom: [{ kind: 'Map', name: 'vars' }] } }),
      [
        {
          path: 'spec.postBuild.substituteFrom[0].kind',
          message: 'must be one of "ConfigMap", "Secret" (got "Map")',
        },
      ],
    ],
    [
      'a substitute value that is not a string',
      sync({ postBuild: { substitute: { replicas: 3 } } }),
      [{ path: 'spec.postBuild.substitute.replicas', message: 'must be a string (got 3)' }],
    ],
    [
      'a substitute variable Flux would refuse',
      sync({ postBuild: { substitute: { 'cluster.name': 'prod' } } }),
      [
        {
          path: 'spec.postBuild.substitute["cluster.name"]',
          message: 'variable names must match ^[_a-zA-Z][_a-zA-Z0-9]*$',
        },
      ],
    ],
    [
      'an inventory entry without v',
      sync({}, { status: { inventory: { entries: [{ id: 'a_b__ConfigMap' }] } } }),
      [{ path: 'status.inventory.entries[0].v', message: 'is required' }],
    ],
    [
      'a Flux Kustomization',
      { ...sync({}), apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
      [
        {
          path: 'apiVersion',
          message: 'must be "steward.dev/v1alpha1" (got "kustomize.toolkit.fluxcd.io/v1")',
        },
        { path: 'kind', message: 'must be "Sync" (got "Kustomization")' },
      ],
    ],
  ])('%s', (_name, input, errors) => {
    expect(errorsOf(input)).toEqual(errors);
  });

  it('reports every error at once', () => {
    const input = sync({ interval: '5', prune: undefined, dependsOn: [{ name: 'apps' }], wait: 'yes' });
    expect(errorsOf(input)).toEqual([
      { path: 'spec.prune', message: 'is required' },
      { path: 'spec.interval', message: `${DURATION} (got "5")` },
      { path: 'spec.wait', message: 'must be true or false (got "yes")' },
      { path: 'spec.dependsOn[0]', message: 'a Sync cannot depend on itself' },
    ]);
  });
});
