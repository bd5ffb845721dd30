import { describe, expect, it } from 'vitest';
import type { SyncView } from '../../../src/status/model.js';
import { buildSnapshot, countsOf, tenantsOf } from '../../../src/status/snapshot.js';
import { syncView } from '../../../src/status/sync-view.js';
import { conditions, gitRepository, history, object, sync, TENANCY } from './fixtures.js';

const NOW = new Date('2026-01-02T03:05:00.000Z');

describe('syncView', () => {
  it.each([
    {
      what: 'a Ready tenant Sync',
      obj: sync('team-a', 'app', {
        spec: { serviceAccountName: 'deployer' },
        conditions: conditions(['Ready', 'True', 'Succeeded', 'Applied revision: main@sha1:abc']),
        status: { lastAppliedRevision: 'main@sha1:abc', lastAttemptedRevision: 'main@sha1:abc' },
      }),
      want: {
        role: 'tenant',
        serviceAccount: 'deployer',
        ready: {
          status: 'True',
          reason: 'Succeeded',
          message: 'Applied revision: main@sha1:abc',
          since: '2026-01-02T03:04:05Z',
        },
        revision: { applied: 'main@sha1:abc', attempted: 'main@sha1:abc' },
        reconciling: false,
        stalled: false,
        suspended: false,
      },
    },
    {
      what: 'a stalled tenant Sync without a service account: the namespace default',
      obj: sync('team-b', 'app', {
        conditions: conditions(
          ['Ready', 'False', 'ValidationFailed', 'deploy.yaml: bad'],
          ['Stalled', 'True', 'ValidationFailed', 'deploy.yaml: bad'],
        ),
        status: { lastAttemptedRevision: 'main@sha1:def' },
      }),
      want: {
        role: 'tenant',
        serviceAccount: 'default',
        ready: { status: 'False', reason: 'ValidationFailed', message: 'deploy.yaml: bad' },
        revision: { applied: null, attempted: 'main@sha1:def' },
        stalled: true,
        reconciling: false,
      },
    },
    {
      what: 'a retrying Sync is Reconciling',
      obj: sync('team-b', 'app', {
        conditions: conditions(['Ready', 'False', 'ApplyFailed'], ['Reconciling', 'True', 'ApplyFailed']),
      }),
      want: { reconciling: true, stalled: false },
    },
    {
      what: 'a platform Sync acts as the agent',
      obj: sync('steward-system', 'platform'),
      want: { role: 'platform', serviceAccount: null },
    },
    {
      what: 'a platform Sync naming a service account uses it',
      obj: sync('steward-system', 'platform', { spec: { serviceAccountName: 'installer' } }),
      want: { role: 'platform', serviceAccount: 'installer' },
    },
    {
      what: 'a bootstrap Sync outside the platform namespaces is the platform',
      obj: sync('default', 'hello'),
      want: { role: 'platform', serviceAccount: null },
    },
    {
      what: 'a Sync never reconciled has an Unknown Ready with empty texts',
      obj: sync('team-a', 'new'),
      want: {
        ready: { status: 'Unknown', reason: '', message: '', since: null },
        revision: { applied: null, attempted: null },
        lastReconcile: null,
        inventory: 0,
      },
    },
    {
      what: 'a suspended Sync',
      obj: sync('team-a', 'paused', { spec: { suspend: true } }),
      want: { suspended: true },
    },
    {
      what: 'a source in another namespace and the default path',
      obj: {
        ...sync('team-a', 'x'),
        spec: { sourceRef: { kind: 'GitRepository', name: 'fleet', namespace: 'flux' } },
      },
      want: { source: { kind: 'GitRepository', namespace: 'flux', name: 'fleet' }, path: './' },
    },
    {
      what: 'credentials in a condition message are removed',
      obj: sync('team-a', 'x', {
        conditions: conditions([
          'Ready',
          'False',
          'GitOperationFailed',
          'fetch https://bot:s3cret@git.example/r',
        ]),
      }),
      want: { ready: { message: 'fetch https://git.example/r' } },
    },
    {
      what: 'a condition status outside True/False reads as Unknown',
      obj: sync('team-a', 'x', { conditions: conditions(['Ready', 'Maybe']) }),
      want: { ready: { status: 'Unknown' } },
    },
  ])('$what', ({ obj, want }) => {
    expect(syncView(obj, TENANCY, history())).toMatchObject(want);
  });

  it('uses the configured default service account for tenants', () => {
    const view = syncView(
      sync('team-a', 'x'),
      { ...TENANCY, defaultServiceAccount: 'restricted' },
      history(),
    );
    expect(view.serviceAccount).toBe('restricted');
  });

  it('takes the last reconcile from the history and counts the inventory', () => {
    const obj = sync('team-a', 'app', {
      status: {
        inventory: {
          entries: [
            { id: 'team-a_web_apps_Deployment', v: 'v1' },
            { id: 'team-a_web_flagger.app_Canary', v: 'v1beta1' },
          ],
        },
      },
    });
    const h = history(
      {
        'Sync/team-a/app': {
          kind: 'Sync',
          namespace: 'team-a',
          name: 'app',
          result: 'failure',
          finishedAt: new Date('2026-01-02T03:04:59.500Z'),
          durationMs: 1234.4,
        },
      },
      {
        'Sync/team-a/app': [
          { group: 'flagger.app', kind: 'Canary', namespace: 'team-a', name: 'web', phase: 'Progressing' },
          // No longer in the inventory: left Git since the health check saw it.
          { group: 'argoproj.io', kind: 'Rollout', namespace: 'team-a', name: 'old', phase: 'Healthy' },
        ],
      },
    );
    const view = syncView(obj, TENANCY, h);
    expect(view.lastReconcile).toEqual({
      at: '2026-01-02T03:04:59.500Z',
      durationMs: 1234,
      result: 'failure',
    });
    expect(view.inventory).toBe(2);
    expect(view.canaries).toEqual([
      { group: 'flagger.app', kind: 'Canary', namespace: 'team-a', name: 'web', phase: 'Progressing' },
    ]);
  });

  it('reads a malformed status as a partial view without throwing', () => {
    const obj = {
      metadata: { namespace: 'team-a', name: 'odd' },
      spec: 'not an object',
      status: { conditions: 'nope', inventory: { entries: [null, 3, { id: 7 }] }, lastAppliedRevision: 5 },
    };
    const view = syncView(obj, TENANCY, history());
    expect(view).toMatchObject({
      namespace: 'team-a',
      name: 'odd',
      ready: { status: 'Unknown' },
      revision: { applied: null },
      inventory: 0,
      source: { kind: 'GitRepository', name: '' },
    });
  });
});

function view(namespace: string, name: string, fields: Partial<SyncView> = {}): SyncView {
  return { ...syncView(sync(namespace, name), TENANCY, history()), ...fields };
}

const ready = { status: 'True' as const, reason: 'Succeeded', message: '', since: null };
const failed = { status: 'False' as const, reason: 'ApplyFailed', message: 'x', since: null };

describe('countsOf', () => {
  it.each([
    { what: 'nothing', items: [], want: { total: 0, ready: 0, notReady: 0, suspended: 0 } },
    {
      what: 'suspended counts only as suspended, Unknown as not ready',
      items: [
        { ready, suspended: false },
        { ready, suspended: true },
        { ready: failed, suspended: false },
        { ready: { ...failed, status: 'Unknown' as const }, suspended: false },
        { ready: failed, suspended: true },
      ],
      want: { total: 5, ready: 1, notReady: 2, suspended: 2 },
    },
  ])('$what', ({ items, want }) => {
    expect(countsOf(items)).toEqual(want);
  });
});

describe('tenantsOf', () => {
  it('groups Syncs by namespace, platform first, with the accounts they apply as', () => {
    const syncs = [
      view('team-b', 'app', { ready: failed, serviceAccount: 'deployer' }),
      view('team-a', 'web', { ready, serviceAccount: 'deployer' }),
      view('team-a', 'api', { ready, serviceAccount: 'api-deployer' }),
      view('team-a', 'old', { ready, suspended: true, serviceAccount: 'deployer' }),
      view('steward-system', 'platform', { ready, role: 'platform', serviceAccount: null }),
      view('default', 'hello', { ready, role: 'platform', serviceAccount: null }),
    ];
    expect(tenantsOf(syncs, ['steward-system'])).toEqual([
      {
        namespace: 'default',
        role: 'platform',
        serviceAccounts: [],
        syncs: ['hello'],
        counts: { total: 1, ready: 1, notReady: 0, suspended: 0 },
        images: { total: 0, ready: 0, notReady: 0, suspended: 0 },
      },
      {
        namespace: 'steward-system',
        role: 'platform',
        serviceAccounts: [],
        syncs: ['platform'],
        counts: { total: 1, ready: 1, notReady: 0, suspended: 0 },
        images: { total: 0, ready: 0, notReady: 0, suspended: 0 },
      },
      {
        namespace: 'team-a',
        role: 'tenant',
        serviceAccounts: ['api-deployer', 'deployer'],
        syncs: ['api', 'old', 'web'],
        counts: { total: 3, ready: 2, notReady: 0, suspended: 1 },
        images: { total: 0, ready: 0, notReady: 0, suspended: 0 },
      },
      {
        namespace: 'team-b',
        role: 'tenant',
        serviceAccounts: ['deployer'],
        syncs: ['app'],
        counts: { total: 1, ready: 0, notReady: 1, suspended: 0 },
        images: { total: 0, ready: 0, notReady: 0, suspended: 0 },
      },
    ]);
  });

  it('adds the namespaces of image automation objects, with their counts beside the Syncs', () => {
    const syncs = [view('team-a', 'web', { ready, serviceAccount: 'deployer' })];
    const images = [
      { namespace: 'team-a', ready, suspended: false },
      { namespace: 'team-a', ready: failed, suspended: false },
      { namespace: 'team-c', ready, suspended: true },
      { namespace: 'steward-system', ready, suspended: false },
    ];
    expect(tenantsOf(syncs, ['steward-system'], images)).toEqual([
      {
        namespace: 'steward-system',
        role: 'platform',
        serviceAccounts: [],
        syncs: [],
        counts: { total: 0, ready: 0, notReady: 0, suspended: 0 },
        images: { total: 1, ready: 1, notReady: 0, suspended: 0 },
      },
      {
        namespace: 'team-a',
        role: 'tenant',
        serviceAccounts: ['deployer'],
        syncs: ['web'],
        counts: { total: 1, ready: 1, notReady: 0, suspended: 0 },
        images: { total: 2, ready: 1, notReady: 1, suspended: 0 },
      },
      {
        // No Syncs, so nothing makes it the platform's.
        namespace: 'team-c',
        role: 'tenant',
        serviceAccounts: [],
        syncs: [],
        counts: { total: 0, ready: 0, notReady: 0, suspended: 0 },
        images: { total: 1, ready: 0, notReady: 0, suspended: 1 },
      },
    ]);
  });

  it('calls a namespace with both platform and tenant Syncs a tenant', () => {
    const syncs = [
      view('default', 'hello', { role: 'platform', serviceAccount: null }),
      view('default', 'app', { role: 'tenant', serviceAccount: 'default' }),
    ];
    expect(tenantsOf(syncs, [])).toMatchObject([
      { namespace: 'default', role: 'tenant', serviceAccounts: ['default'] },
    ]);
  });
});

describe('buildSnapshot', () => {
  const input = {
    now: NOW,
    agentVersion: '1.2.3',
    tenancy: TENANCY,
    gitRepositories: [
      gitRepository(
        'team-a',
        'repo',
        { url: 'https://user:token@git.example/org/repo.git?private_token=x#frag', ref: { branch: 'main' } },
        {
          conditions: conditions([
            'Ready',
            'True',
            'Succeeded',
            'stored artifact for revision main@sha1:abc',
          ]),
          artifact: { revision: 'main@sha1:abc', lastUpdateTime: '2026-01-02T03:00:00Z' },
        },
      ),
      gitRepository('team-b', 'repo', {
        url: 'https://git.example/b.git',
        ref: { tag: 'v1', branch: 'main' },
      }),
    ],
    syncs: [
      sync('team-b', 'app', { conditions: conditions(['Ready', 'False', 'BuildFailed', 'broken']) }),
      sync('team-a', 'app', {
        spec: { serviceAccountName: 'deployer' },
        conditions: conditions(['Ready', 'True']),
      }),
    ],
    providers: [
      {
        metadata: { namespace: 'team-a', name: 'slack' },
        spec: {
          type: 'slack',
          address: 'https://hooks.slack.com/services/T0/B0/SECRET',
          channel: 'ops',
          secretRef: { name: 'slack-url' },
        },
      },
    ],
    alerts: [
      {
        metadata: { namespace: 'team-a', name: 'on-failure' },
        spec: {
          providerRef: { name: 'slack' },
          eventSeverity: 'error',
          eventSources: [
            { kind: 'Sync', name: '*' },
            { kind: 'GitRepository', name: 'repo', namespace: 'flux' },
          ],
        },
      },
    ],
    receivers: [
      {
        metadata: { namespace: 'team-a', name: 'github' },
        spec: {
          type: 'github',
          resources: [{ kind: 'GitRepository', name: 'repo' }],
          secretRef: { name: 'tok' },
        },
        status: { webhookPath: '/hook/0123456789abcdef' },
      },
    ],
    helmRepositories: [
      object(
        'HelmRepository',
        'team-a',
        'repo',
        { url: 'oci://robot:hunter2@registry.example/charts', type: 'oci', interval: '10m' },
        { conditions: conditions(['Ready', 'True', 'Succeeded']) },
      ),
      object('HelmRepository', 'team-a', 'charts', { url: 'https://charts.example/', interval: '10m' }),
    ],
    imageRepositories: [
      object(
        'ImageRepository',
        'team-c',
        'app',
        { image: 'ghcr.io/org/app', interval: '5m', secretRef: { name: 'pull-creds' } },
        {
          conditions: conditions(['Ready', 'True', 'Succeeded']),
          canonicalImageName: 'ghcr.io/org/app',
          lastScanResult: { revision: 'sha256:1', tagCount: 3, scanTime: '2026-01-02T03:04:00Z' },
        },
      ),
      object(
        'ImageRepository',
        'team-a',
        'app',
        { image: 'nginx', interval: '5m' },
        { conditions: conditions(['Ready', 'False', 'ScanFailed', 'registry answered 503']) },
      ),
    ],
    imagePolicies: [
      object(
        'ImagePolicy',
        'team-c',
        'app',
        { imageRepositoryRef: { name: 'app' }, policy: { semver: { range: '^1' } } },
        {
          conditions: conditions(['Ready', 'True', 'Succeeded']),
          latestRef: { name: 'ghcr.io/org/app', tag: '1.2.0' },
        },
      ),
    ],
    imageUpdateAutomations: [
      object(
        'ImageUpdateAutomation',
        'team-c',
        'app',
        {
          sourceRef: { kind: 'GitRepository', name: 'repo' },
          git: {
            commit: {
              author: { email: 'bot@example.com' },
              messageTemplate: 'TEMPLATE {{ .Values.key }}',
              messageTemplateValues: { key: 'private-value' },
            },
          },
          interval: '1h',
          suspend: true,
        },
        { lastPushCommit: 'abc' },
      ),
    ],
    events: [],
    history: history({
      'GitRepository/team-a/repo': {
        kind: 'GitRepository',
        namespace: 'team-a',
        name: 'repo',
        result: 'success' as const,
        finishedAt: new Date('2026-01-02T03:04:58Z'),
        durationMs: 21,
      },
    }),
  };
  const snap = buildSnapshot(input);

  it('sorts Syncs and sources and counts them', () => {
    expect(snap.version).toBe(1);
    expect(snap.generatedAt).toBe('2026-01-02T03:05:00.000Z');
    expect(snap.agent).toEqual({ version: '1.2.3' });
    expect(snap.syncs.map((s) => `${s.namespace}/${s.name}`)).toEqual(['team-a/app', 'team-b/app']);
    expect(snap.summary).toEqual({
      syncs: { total: 2, ready: 1, notReady: 1, suspended: 0 },
      sources: { total: 4, ready: 2, notReady: 2, suspended: 0 },
      imageRepositories: { total: 2, ready: 1, notReady: 1, suspended: 0 },
      imagePolicies: { total: 1, ready: 1, notReady: 0, suspended: 0 },
      imageUpdateAutomations: { total: 1, ready: 0, notReady: 0, suspended: 1 },
    });
    expect(snap.tenants.map((t) => [t.namespace, t.role, t.syncs.length, t.images.total])).toEqual([
      ['team-a', 'tenant', 1, 1],
      ['team-b', 'tenant', 1, 0],
      ['team-c', 'tenant', 0, 3],
    ]);
  });

  it('shows sources without credentials, with the ref by precedence and the last fetch', () => {
    expect(snap.sources[1]).toEqual({
      kind: 'GitRepository',
      namespace: 'team-a',
      name: 'repo',
      url: 'https://git.example/org/repo.git',
      ref: 'branch main',
      type: null,
      revision: 'main@sha1:abc',
      ready: {
        status: 'True',
        reason: 'Succeeded',
        message: 'stored artifact for revision main@sha1:abc',
        since: '2026-01-02T03:04:05Z',
      },
      suspended: false,
      lastFetch: { at: '2026-01-02T03:04:58.000Z', durationMs: 21, result: 'success' },
      artifactUpdatedAt: '2026-01-02T03:00:00Z',
      interval: '1m',
    });
    expect(snap.sources.map((x) => `${x.kind} ${x.namespace}/${x.name} ${x.type}`)).toEqual([
      'HelmRepository team-a/charts default',
      'GitRepository team-a/repo null',
      'HelmRepository team-a/repo oci',
      'GitRepository team-b/repo null',
    ]);
    expect(snap.sources[2]).toMatchObject({
      url: 'oci://registry.example/charts',
      ref: null,
      revision: null,
    });
    expect(snap.sources[3]).toMatchObject({ ref: 'tag v1', revision: null, lastFetch: null });
  });

  it('shows the image kinds sorted, the automation writing to its GitRepository branch', () => {
    expect(snap.images.repositories.map((r) => [`${r.namespace}/${r.name}`, r.tagCount])).toEqual([
      ['team-a/app', null],
      ['team-c/app', 3],
    ]);
    expect(snap.images.policies).toMatchObject([{ namespace: 'team-c', pick: 'ghcr.io/org/app:1.2.0' }]);
    // team-c/repo does not exist: the branch it would follow is unknown.
    expect(snap.images.automations).toMatchObject([
      { namespace: 'team-c', checkoutBranch: null, suspended: true, lastPushCommit: 'abc' },
    ]);
    const withBranch = buildSnapshot({
      ...input,
      imageUpdateAutomations: [
        object('ImageUpdateAutomation', 'team-a', 'app', {
          sourceRef: { name: 'repo' },
          git: { commit: { author: { email: 'bot@example.com' } } },
        }),
      ],
    });
    expect(withBranch.images.automations[0]).toMatchObject({ checkoutBranch: 'main', pushBranch: 'main' });
  });

  it('shows notifications without addresses, channels, secret names or webhook paths', () => {
    expect(snap.notifications).toEqual({
      providers: [
        {
          namespace: 'team-a',
          name: 'slack',
          type: 'slack',
          ready: { status: 'Unknown', reason: '', message: '', since: null },
          suspended: false,
        },
      ],
      alerts: [
        {
          namespace: 'team-a',
          name: 'on-failure',
          provider: 'slack',
          severity: 'error',
          sources: ['Sync/team-a/*', 'GitRepository/flux/repo'],
          ready: { status: 'Unknown', reason: '', message: '', since: null },
          suspended: false,
        },
      ],
      receivers: [
        {
          namespace: 'team-a',
          name: 'github',
          type: 'github',
          resources: ['GitRepository/team-a/repo'],
          ready: { status: 'Unknown', reason: '', message: '', since: null },
          suspended: false,
        },
      ],
    });
    const text = JSON.stringify(snap);
    for (const secret of [
      'hunter2',
      'pull-creds',
      'TEMPLATE',
      'private-value',
      'SECRET',
      'hooks.slack.com',
      'slack-url',
      'tok"',
      '0123456789abcdef',
      'token',
      'user:',
    ])
      expect(text).not.toContain(secret);
  });
});
