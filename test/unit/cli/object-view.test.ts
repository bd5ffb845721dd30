import { describe, expect, it } from 'vitest';
import { objectTable, revisionOf } from '../../../src/cli/object-view.js';
import { handledAt, outcomeOf, requestTimestamp } from '../../../src/cli/reconcile-request.js';

const NOW = new Date('2026-03-01T12:00:00Z');

function sync(name: string, namespace: string, status: Record<string, unknown>, suspend?: boolean) {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name, namespace, creationTimestamp: '2026-03-01T11:56:58Z' },
    spec: { path: './', ...(suspend === undefined ? {} : { suspend }) },
    status,
  };
}

const ready = (status: string, reason: string, message: string) => ({
  conditions: [{ type: 'Ready', status, reason, message, lastTransitionTime: '2026-03-01T11:59:00Z' }],
});

describe('objectTable', () => {
  const objs = [
    sync(
      'web',
      'team-b',
      {
        ...ready('False', 'BuildFailed', 'kustomize build failed:\n  no such path'),
        lastAppliedRevision: 'main@sha1:111',
      },
      true,
    ),
    sync('app', 'team-a', {
      ...ready('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:222'),
      lastAppliedRevision: 'main@sha1:222',
    }),
    sync('new', 'team-a', {}),
  ];

  it('shows Ready, revision, suspended, age and the message, sorted by namespace and name', () => {
    const { header, rows } = objectTable(objs, { allNamespaces: true, now: NOW });
    expect(header).toEqual(['NAMESPACE', 'NAME', 'READY', 'REVISION', 'SUSPENDED', 'AGE', 'STATUS']);
    expect(rows).toEqual([
      ['team-a', 'app', 'True', 'main@sha1:222', 'False', '3m2s', 'Applied revision: main@sha1:222'],
      ['team-a', 'new', 'Unknown', '', 'False', '3m2s', ''],
      ['team-b', 'web', 'False', 'main@sha1:111', 'True', '3m2s', 'kustomize build failed: no such path'],
    ]);
  });

  it('leaves NAMESPACE out in one namespace and prefixes names when several kinds share a listing', () => {
    const { header, rows } = objectTable(objs.slice(1, 2), {
      allNamespaces: false,
      now: NOW,
      namePrefix: 'sync/',
    });
    expect(header[0]).toBe('NAME');
    expect(rows[0]?.[0]).toBe('sync/app');
  });
});

describe('revisionOf', () => {
  it.each([
    [{ lastAppliedRevision: 'main@sha1:a', lastAttemptedRevision: 'main@sha1:b' }, 'main@sha1:a'],
    [{ artifact: { revision: 'main@sha1:c' } }, 'main@sha1:c'],
    [{ latestRef: { name: 'ghcr.io/x/app', tag: '1.2.3' } }, 'ghcr.io/x/app:1.2.3'],
    [
      { latestRef: { name: 'ghcr.io/x/app', tag: '1.2.3', digest: 'sha256:ab' } },
      'ghcr.io/x/app:1.2.3@sha256:ab',
    ],
    [{ lastScanResult: { tagCount: 12, revision: 'sha256:cd' } }, '12 tags'],
    [{ lastPushCommit: 'abc123' }, 'abc123'],
    [{ lastAttemptedRevision: 'main@sha1:b' }, ''],
    [undefined, ''],
  ])('%j gives %s', (status, expected) => {
    expect(revisionOf({ status })).toBe(expected);
  });
});

describe('reconcile requests', () => {
  it.each([
    ['2026-03-01T12:00:00.123Z', '2026-03-01T12:00:00.123Z'],
    ['2026-03-01T12:00:00.120Z', '2026-03-01T12:00:00.12Z'],
    ['2026-03-01T12:00:00.000Z', '2026-03-01T12:00:00Z'],
  ])('writes %s as RFC3339Nano %s', (iso, expected) => {
    expect(requestTimestamp(new Date(iso))).toBe(expected);
  });

  it('reads lastHandledReconcileAt', () => {
    expect(handledAt({ status: { lastHandledReconcileAt: 'x' } })).toBe('x');
    expect(handledAt({ status: {} })).toBeUndefined();
  });

  it('reports Ready with the revision, and not Ready with the reason and message', () => {
    const ok = sync('app', 'default', {
      ...ready('True', 'Succeeded', "stored artifact for revision 'main@sha1:1'"),
      artifact: { revision: 'main@sha1:1' },
    });
    expect(outcomeOf('GitRepository/default/fleet', ok)).toEqual({
      ready: true,
      text: "GitRepository/default/fleet is Ready: stored artifact for revision 'main@sha1:1'",
    });
    const other = sync('app', 'default', {
      ...ready('True', 'Succeeded', 'fine'),
      lastAppliedRevision: 'main@sha1:2',
    });
    expect(outcomeOf('Sync/default/app', other).text).toBe(
      'Sync/default/app is Ready: fine (revision main@sha1:2)',
    );
    const bad = sync('app', 'default', ready('False', 'BuildFailed', 'path ./nope not found'));
    expect(outcomeOf('Sync/default/app', bad)).toEqual({
      ready: false,
      text: 'Sync/default/app is not Ready (BuildFailed): path ./nope not found',
    });
    expect(outcomeOf('Sync/default/app', sync('app', 'default', {})).ready).toBe(false);
  });
});
