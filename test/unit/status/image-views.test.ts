import { describe, expect, it } from 'vitest';
import {
  imagePolicyView,
  imageRefText,
  imageRepositoryView,
  imageUpdateAutomationView,
} from '../../../src/status/image-views.js';
import { helmRepositoryView } from '../../../src/status/source-view.js';
import { conditions, history, object, record } from './fixtures.js';

const UNKNOWN = { status: 'Unknown', reason: '', message: '', since: null };

describe('imageRepositoryView', () => {
  it('shows the image, its canonical name and the last scan, with the last reconcile', () => {
    const obj = object(
      'ImageRepository',
      'team-a',
      'app',
      { image: 'nginx', interval: '5m', secretRef: { name: 'pull-secret' } },
      {
        conditions: conditions(['Ready', 'True', 'Succeeded', 'successful scan: found 12 tags']),
        canonicalImageName: 'docker.io/library/nginx',
        lastScanResult: {
          revision: 'sha256:abc',
          tagCount: 12,
          scanTime: '2026-01-02T03:04:00Z',
          latestTags: ['1.27'],
        },
      },
    );
    expect(imageRepositoryView(obj, history(record('ImageRepository', 'team-a', 'app')))).toEqual({
      namespace: 'team-a',
      name: 'app',
      image: 'nginx',
      canonicalName: 'docker.io/library/nginx',
      tagCount: 12,
      lastScanTime: '2026-01-02T03:04:00Z',
      interval: '5m',
      ready: {
        status: 'True',
        reason: 'Succeeded',
        message: 'successful scan: found 12 tags',
        since: '2026-01-02T03:04:05Z',
      },
      reconciling: false,
      stalled: false,
      suspended: false,
      lastReconcile: { at: '2026-01-02T03:04:30.000Z', durationMs: 40, result: 'success' },
    });
  });

  it.each([
    {
      what: 'never scanned',
      status: {},
      want: { canonicalName: null, tagCount: null, lastScanTime: null, ready: UNKNOWN, lastReconcile: null },
    },
    {
      what: 'stalled on an invalid image',
      status: {
        conditions: conditions(
          ['Ready', 'False', 'ValidationFailed', 'spec.image: bad'],
          ['Stalled', 'True', 'ValidationFailed', 'spec.image: bad'],
        ),
      },
      want: { stalled: true, reconciling: false, ready: { status: 'False', reason: 'ValidationFailed' } },
    },
    {
      what: 'retrying a failed scan, credentials in the message removed',
      status: {
        conditions: conditions(
          ['Ready', 'False', 'ScanFailed', 'GET https://bot:hunter2@registry.example/v2/: 503'],
          ['Reconciling', 'True', 'ScanFailed'],
        ),
      },
      want: {
        reconciling: true,
        stalled: false,
        ready: { message: 'GET https://registry.example/v2/: 503' },
      },
    },
    {
      what: 'a malformed scan result reads as unknown',
      status: { lastScanResult: { tagCount: -1, scanTime: 5 }, canonicalImageName: 7 },
      want: { tagCount: null, lastScanTime: null, canonicalName: null },
    },
  ])('$what', ({ status, want }) => {
    const obj = object('ImageRepository', 'team-a', 'app', { image: 'ghcr.io/org/app' }, status);
    expect(imageRepositoryView(obj, history())).toMatchObject(want);
  });

  it('says when it is suspended and leaves the Secret out', () => {
    const obj = object('ImageRepository', 'team-a', 'app', {
      image: 'ghcr.io/org/app',
      suspend: true,
      secretRef: { name: 'pull-secret' },
    });
    const view = imageRepositoryView(obj, history());
    expect(view.suspended).toBe(true);
    expect(JSON.stringify(view)).not.toContain('pull-secret');
  });
});

describe('imageRefText', () => {
  it.each([
    [{ name: 'ghcr.io/org/app', tag: '1.2.3' }, 'ghcr.io/org/app:1.2.3'],
    [{ name: 'ghcr.io/org/app', tag: '1.2.3', digest: 'sha256:abc' }, 'ghcr.io/org/app:1.2.3@sha256:abc'],
    [{ name: 'ghcr.io/org/app' }, null],
    [{ tag: '1.2.3' }, null],
    ['ghcr.io/org/app:1', null],
    [undefined, null],
  ])('%j reads as %j', (ref, want) => {
    expect(imageRefText(ref)).toBe(want);
  });
});

describe('imagePolicyView', () => {
  it.each([
    {
      what: 'semver with a pick, a digest and the previous pick',
      spec: { policy: { semver: { range: '>=1.0.0 <2' } } },
      status: {
        conditions: conditions(['Ready', 'True', 'Succeeded', 'latest image tag resolved to 1.2.0']),
        latestRef: { name: 'ghcr.io/org/app', tag: '1.2.0', digest: 'sha256:def' },
        observedPreviousRef: { name: 'ghcr.io/org/app', tag: '1.1.0' },
      },
      want: {
        policy: { kind: 'semver', range: '>=1.0.0 <2', order: null },
        pick: 'ghcr.io/org/app:1.2.0@sha256:def',
        previousPick: 'ghcr.io/org/app:1.1.0',
        ready: { status: 'True', reason: 'Succeeded' },
      },
    },
    {
      what: 'alphabetical defaults to asc',
      spec: { policy: { alphabetical: {} } },
      status: {},
      want: { policy: { kind: 'alphabetical', range: null, order: 'asc' }, pick: null, previousPick: null },
    },
    {
      what: 'numerical desc',
      spec: { policy: { numerical: { order: 'desc' } } },
      status: {},
      want: { policy: { kind: 'numerical', range: null, order: 'desc' } },
    },
    {
      what: 'no policy it understands',
      spec: { policy: 'latest' },
      status: {},
      want: { policy: { kind: null, range: null, order: null } },
    },
  ])('$what', ({ spec, status, want }) => {
    const obj = object(
      'ImagePolicy',
      'team-a',
      'app',
      { imageRepositoryRef: { name: 'app-repo' }, ...spec },
      status,
    );
    expect(imagePolicyView(obj, history())).toMatchObject({
      namespace: 'team-a',
      name: 'app',
      repository: 'app-repo',
      ...want,
    });
  });

  it('takes the last reconcile of the policy, not of another kind of the same name', () => {
    const obj = object('ImagePolicy', 'team-a', 'app', { imageRepositoryRef: { name: 'app' } });
    const h = history({
      ...record('ImageRepository', 'team-a', 'app', 'failure'),
      ...record('ImagePolicy', 'team-a', 'app', 'success'),
    });
    expect(imagePolicyView(obj, h).lastReconcile?.result).toBe('success');
  });
});

describe('imageUpdateAutomationView', () => {
  const commit = {
    author: { name: 'Bot', email: 'bot@example.com' },
    messageTemplate: 'bump {{ .Values.ticketToken }} TEMPLATE-TEXT',
    messageTemplateValues: { ticketToken: 'tok-123-private' },
  };
  const branches = (ns: string, name: string) => (ns === 'team-a' && name === 'fleet' ? 'main' : null);

  it('shows where it writes, its last run and push, and never the message template or its values', () => {
    const obj = object(
      'ImageUpdateAutomation',
      'team-a',
      'app',
      {
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
        git: { commit, push: { branch: 'image-updates' } },
        update: { path: './deploy', strategy: 'Setters' },
        interval: '1h',
      },
      {
        conditions: conditions(['Ready', 'True', 'Succeeded', 'committed and pushed abc to image-updates']),
        lastAutomationRunTime: '2026-01-02T03:04:10Z',
        lastPushCommit: '0123456789abcdef0123456789abcdef01234567',
        lastPushTime: '2026-01-02T03:04:10Z',
        observedPolicies: { app: { name: 'ghcr.io/org/app', tag: '1.2.0' } },
      },
    );
    const view = imageUpdateAutomationView(obj, history(), branches);
    expect(view).toMatchObject({
      namespace: 'team-a',
      name: 'app',
      source: { kind: 'GitRepository', namespace: 'team-a', name: 'fleet' },
      path: './deploy',
      checkoutBranch: 'main',
      pushBranch: 'image-updates',
      lastRunTime: '2026-01-02T03:04:10Z',
      lastPushCommit: '0123456789abcdef0123456789abcdef01234567',
      lastPushTime: '2026-01-02T03:04:10Z',
      ready: { status: 'True', message: 'committed and pushed abc to image-updates' },
    });
    const text = JSON.stringify(view);
    for (const hidden of ['TEMPLATE-TEXT', 'tok-123-private', 'ticketToken', 'bot@example.com'])
      expect(text).not.toContain(hidden);
  });

  it.each([
    {
      what: 'the checkout branch of its own wins over the GitRepository branch, and is pushed to',
      spec: { git: { commit, checkout: { ref: { branch: 'release' } } } },
      want: { checkoutBranch: 'release', pushBranch: 'release' },
    },
    {
      what: 'a GitRepository following no branch leaves both unknown',
      spec: { sourceRef: { name: 'pinned' }, git: { commit } },
      want: { checkoutBranch: null, pushBranch: null, source: { kind: 'GitRepository', name: 'pinned' } },
    },
    {
      what: 'never run',
      spec: { git: { commit } },
      want: { lastRunTime: null, lastPushCommit: null, lastPushTime: null, path: './', ready: UNKNOWN },
    },
  ])('$what', ({ spec, want }) => {
    const obj = object('ImageUpdateAutomation', 'team-a', 'app', {
      sourceRef: { kind: 'GitRepository', name: 'fleet' },
      ...spec,
    });
    expect(imageUpdateAutomationView(obj, history(), branches)).toMatchObject(want);
  });
});

describe('helmRepositoryView', () => {
  it.each([
    {
      what: 'an index repository, with its digest and without credentials in the URL',
      name: 'charts',
      obj: object(
        'HelmRepository',
        'team-a',
        'charts',
        { url: 'https://bot:hunter2@charts.example/stable?token=hunter2', interval: '10m' },
        {
          conditions: conditions(['Ready', 'True', 'Succeeded', 'stored index']),
          artifact: { revision: 'sha256:0123', lastUpdateTime: '2026-01-02T03:00:00Z' },
        },
      ),
      want: {
        kind: 'HelmRepository',
        url: 'https://charts.example/stable',
        ref: null,
        type: 'default',
        revision: 'sha256:0123',
        artifactUpdatedAt: '2026-01-02T03:00:00Z',
        interval: '10m',
      },
    },
    {
      what: 'an OCI repository has no revision',
      name: 'oci',
      obj: object('HelmRepository', 'team-a', 'oci', {
        url: 'oci://bot:hunter2@registry.example/charts',
        type: 'oci',
      }),
      want: { url: 'oci://registry.example/charts', type: 'oci', revision: null },
    },
  ])('$what', ({ name, obj, want }) => {
    const view = helmRepositoryView(obj, history(record('HelmRepository', 'team-a', name)));
    expect(view).toMatchObject({ ...want, lastFetch: { result: 'success' } });
    expect(JSON.stringify(view)).not.toContain('hunter2');
  });
});
