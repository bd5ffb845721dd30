/**
 * The least privilege leader election needs, checked against the sandbox's RBAC through impersonation: a
 * service account allowed to get and update one named Lease (and to create Leases) can lead, and can touch no
 * other Lease. Kubernetes authorizes a create before the object has a name, so `resourceNames` cannot narrow
 * `create`: with it, the Lease must exist beforehand (created by the installer).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/core/types.js';
import { systemClock } from '../../../src/engine/clock.js';
import { LeaderElector } from '../../../src/engine/leader.js';
import type { Lease, LeaseClient } from '../../../src/engine/lease.js';
import { leaseClient, recordOf } from '../../../src/engine/lease.js';
import { kubeClient } from '../../../src/kube/index.js';
import { eventually, type SandboxHandle, startSandbox } from '../../harness/sandbox.js';

const NS = 'steward-system';
const RULE = { apiGroups: ['coordination.k8s.io'], resources: ['leases'] };

let sb: SandboxHandle;

/** A Role and RoleBinding granting `rules` to service account `sa` in NS. */
async function grant(sa: string, rules: object[]): Promise<void> {
  const kube = kubeClient(sb.kc);
  const objects = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: sa, namespace: NS },
      rules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: sa, namespace: NS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: NS }],
    },
  ];
  for (const o of objects) await kube.apply(o as Manifest, { fieldManager: 'test', force: true });
}

function as(sa: string): LeaseClient {
  return leaseClient(sb.kc, { impersonate: { user: `system:serviceaccount:${NS}:${sa}` }, timeoutMs: 2_000 });
}

function candidate(client: LeaseClient, lease: string) {
  const stop = new AbortController();
  const state = { id: `pod-${randomUUID()}`, leading: false, errors: [] as string[] };
  const elector = new LeaderElector(client, {
    namespace: NS,
    name: lease,
    identity: state.id,
    leaseDurationMs: 3_000,
    renewDeadlineMs: 2_000,
    retryPeriodMs: 500,
    clock: systemClock,
    onStartedLeading: () => {
      state.leading = true;
    },
    onStoppedLeading: () => {
      state.leading = false;
    },
    log: (msg, fields) => {
      if ('error' in fields) state.errors.push(`${msg}: ${String(fields.error)}`);
    },
  });
  return { ...state, state, elector, stop, done: elector.run(stop.signal) };
}

beforeAll(async () => {
  sb = await startSandbox();
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } as Manifest;
  await kubeClient(sb.kc).apply(ns, { fieldManager: 'test', force: true });
});

afterAll(async () => {
  await sb?.stop();
});

describe('leader election RBAC', () => {
  it('leads with get/update on its one Lease plus create, and can touch no other Lease', async () => {
    await grant('steward', [
      { ...RULE, verbs: ['get', 'update'], resourceNames: ['steward-leader'] },
      { ...RULE, verbs: ['create'] },
    ]);
    const client = as('steward');
    const c = candidate(client, 'steward-leader');
    await eventually(() => (c.state.leading ? true : undefined), 10_000, 'the service account to lead');
    const lease = await client.get(NS, 'steward-leader');
    expect(lease && recordOf(lease).holderIdentity).toBe(c.id);
    // Renewals keep working under the same rights.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(c.elector.isLeader()).toBe(true);
    expect(c.state.errors).toEqual([]);

    await expect(client.get(NS, 'other')).rejects.toMatchObject({
      code: 403,
      message:
        'leases.coordination.k8s.io "other" is forbidden: User "system:serviceaccount:steward-system:steward" ' +
        'cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "steward-system"',
    });
    await c.elector.release();
    const released = await client.get(NS, 'steward-leader');
    expect(released && recordOf(released)).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
  });

  it('cannot create its Lease when create is limited by resourceNames, and leads once the Lease exists', async () => {
    await grant('named-only', [
      { ...RULE, verbs: ['get', 'update', 'create'], resourceNames: ['named-lease'] },
    ]);
    const c = candidate(as('named-only'), 'named-lease');
    await eventually(() => (c.state.errors.length > 0 ? true : undefined), 5_000, 'a failed create');
    expect(c.state.errors[0]).toBe(
      'failed to create lease: leases.coordination.k8s.io is forbidden: User ' +
        '"system:serviceaccount:steward-system:named-only" cannot create resource "leases" in API group ' +
        '"coordination.k8s.io" in the namespace "steward-system"',
    );
    expect(c.state.leading).toBe(false);

    // The installer creates the Lease (an empty spec, as `kubectl create` would leave it).
    const empty: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'named-lease', namespace: NS },
      spec: {},
    };
    await leaseClient(sb.kc).create(empty);
    await eventually(() => (c.state.leading ? true : undefined), 10_000, 'the service account to lead');
    const lease = await leaseClient(sb.kc).get(NS, 'named-lease');
    expect(lease && recordOf(lease)).toMatchObject({ holderIdentity: c.id, leaseTransitions: 1 });
    c.stop.abort();
    await c.done;
  });
});
