import { describe, expect, it } from 'vitest';
import type { Lease, RawRequest } from '../../../src/engine/lease.js';
import { leaseClient, microTime, recordOf, withRecord } from '../../../src/engine/lease.js';
import type { KubeError } from '../../../src/kube/errors.js';

const PATH = '/apis/coordination.k8s.io/v1/namespaces/steward-system/leases';

interface Sent {
  method: string;
  path: string;
  body: unknown;
  contentType: string | undefined;
}

/** A raw request function answering from a queue and recording what was sent. */
function server(...answers: { status: number; body: unknown }[]): { request: RawRequest; sent: Sent[] } {
  const sent: Sent[] = [];
  const request: RawRequest = async (method, path, init = {}) => {
    sent.push({
      method,
      path,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      contentType: init.contentType,
    });
    const a = answers.shift() ?? { status: 500, body: '' };
    return { status: a.status, body: JSON.stringify(a.body), retryAfter: undefined };
  };
  return { request, sent };
}

const stored: Lease = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: {
    name: 'steward-leader',
    namespace: 'steward-system',
    resourceVersion: '41',
    labels: { a: 'b' },
  },
  spec: {
    holderIdentity: 'pod-1_abc',
    leaseDurationSeconds: 15,
    acquireTime: '2026-05-01T10:00:00.000000Z',
    renewTime: '2026-05-01T10:00:30.123000Z',
    leaseTransitions: 3,
    preferredHolder: 'pod-2',
  },
};

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

describe('microTime', () => {
  it.each([
    [Date.UTC(2026, 4, 1, 10, 0, 30, 123), '2026-05-01T10:00:30.123000Z'],
    [Date.UTC(2026, 0, 2, 3, 4, 5, 0), '2026-01-02T03:04:05.000000Z'],
  ])('formats %i as metav1.MicroTime %s', (ms, text) => {
    expect(microTime(ms)).toBe(text);
  });
});

describe('recordOf and withRecord', () => {
  it('reads the five election fields and fills in what a foreign writer left out', () => {
    expect(recordOf(stored)).toEqual({
      holderIdentity: 'pod-1_abc',
      leaseDurationSeconds: 15,
      acquireTime: '2026-05-01T10:00:00.000000Z',
      renewTime: '2026-05-01T10:00:30.123000Z',
      leaseTransitions: 3,
    });
    expect(recordOf({ ...stored, spec: {} })).toEqual({
      holderIdentity: '',
      leaseDurationSeconds: 0,
      acquireTime: '',
      renewTime: '',
      leaseTransitions: 0,
    });
  });

  it('keeps metadata, the resourceVersion and spec fields it does not own', () => {
    const next = withRecord(stored, { ...recordOf(stored), holderIdentity: 'me', leaseTransitions: 4 });
    expect(next.metadata).toEqual(stored.metadata);
    expect(next.spec).toMatchObject({ holderIdentity: 'me', leaseTransitions: 4, preferredHolder: 'pod-2' });
  });
});

describe('leaseClient', () => {
  it('gets a Lease, and undefined for a 404', async () => {
    const s = server(
      { status: 200, body: stored },
      { status: 404, body: status(404, 'NotFound', 'leases.coordination.k8s.io "x" not found') },
    );
    const client = leaseClient(s.request);
    expect(await client.get('steward-system', 'steward-leader')).toEqual(stored);
    expect(await client.get('steward-system', 'x')).toBeUndefined();
    expect(s.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${PATH}/steward-leader`,
      `GET ${PATH}/x`,
    ]);
  });

  it('creates with a POST to the collection', async () => {
    const s = server({ status: 201, body: stored });
    const lease = { ...stored, metadata: { name: 'steward-leader', namespace: 'steward-system' } };
    await leaseClient(s.request).create(lease);
    expect(s.sent).toEqual([{ method: 'POST', path: PATH, body: lease, contentType: 'application/json' }]);
  });

  it('updates with a PUT carrying the resourceVersion, and reports a stale one as a 409', async () => {
    const message =
      'Operation cannot be fulfilled on leases.coordination.k8s.io "steward-leader": the object has been modified; ' +
      'please apply your changes to the latest version and try again';
    const s = server({ status: 200, body: stored }, { status: 409, body: status(409, 'Conflict', message) });
    const client = leaseClient(s.request);
    await client.update(stored);
    expect(s.sent[0]).toMatchObject({ method: 'PUT', path: `${PATH}/steward-leader` });
    expect(s.sent[0]?.body).toMatchObject({ metadata: { resourceVersion: '41' } });
    const err = (await client.update(stored).catch((e: unknown) => e)) as KubeError;
    expect(err).toMatchObject({ name: 'KubeError', code: 409, reason: 'Conflict', message });
  });

  it('refuses an unconditional update', async () => {
    const s = server();
    const { resourceVersion: _, ...metadata } = stored.metadata;
    await expect(leaseClient(s.request).update({ ...stored, metadata })).rejects.toThrow(
      'a Lease update needs metadata.resourceVersion',
    );
    expect(s.sent).toEqual([]);
  });

  it('reports a forbidden request with the server’s message', async () => {
    const message =
      'leases.coordination.k8s.io "other" is forbidden: User "system:serviceaccount:steward-system:steward" ' +
      'cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "steward-system"';
    const s = server({ status: 403, body: status(403, 'Forbidden', message) });
    await expect(leaseClient(s.request).get('steward-system', 'other')).rejects.toMatchObject({
      code: 403,
      message,
    });
  });
});
