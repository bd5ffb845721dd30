import { describe, expect, it } from 'vitest';
import { KubeError } from '../../../src/kube/index.js';
import { EventLog } from '../../../src/status/event-log.js';
import { ReconcileHistory } from '../../../src/status/history.js';
import { statusService, type WatchedKind } from '../../../src/status/service.js';
import { gitRepository, object, sync, TENANCY } from './fixtures.js';

type Obj = Record<string, unknown>;

function setup(opts: { ready: boolean; lists: Record<string, () => Obj[]> }) {
  let now = 0;
  const calls: string[] = [];
  const errors: string[] = [];
  const history = new ReconcileHistory();
  const cache: Record<WatchedKind, Obj[]> = {
    Sync: [sync('team-a', 'watched')],
    GitRepository: [gitRepository('team-a', 'watched', { url: 'https://g/r' })],
    HelmRepository: [object('HelmRepository', 'team-a', 'watched', { url: 'https://charts.example/' })],
    ImageRepository: [object('ImageRepository', 'team-a', 'watched', { image: 'nginx' })],
    ImagePolicy: [object('ImagePolicy', 'team-a', 'watched', { imageRepositoryRef: { name: 'x' } })],
    ImageUpdateAutomation: [
      object('ImageUpdateAutomation', 'team-a', 'watched', { sourceRef: { name: 'watched' } }),
    ],
  };
  const watched = { ready: () => opts.ready, objects: (kind: WatchedKind) => cache[kind] };
  const service = statusService({
    client: {
      list: async (_apiVersion: string, kind: string) => {
        calls.push(kind);
        const list = opts.lists[kind];
        if (!list) throw new KubeError(404, 'NotFound', `no matches for kind "${kind}"`);
        return list();
      },
    },
    watched,
    history,
    events: new EventLog(),
    tenancy: TENANCY,
    agentVersion: 'test',
    now: () => new Date(now),
    onListError: (kind, err) => errors.push(`${kind}: ${String(err)}`),
  });
  return { service, calls, errors, history, advance: (ms: number) => (now += ms) };
}

describe('statusService', () => {
  it('reads the watched kinds from the informer cache once it has synced', async () => {
    const { service, calls } = setup({ ready: true, lists: { Provider: () => [] } });
    const snap = await service.snapshot();
    expect(snap.syncs.map((s) => s.name)).toEqual(['watched']);
    expect(snap.sources.map((s) => `${s.kind}/${s.name}`)).toEqual([
      'GitRepository/watched',
      'HelmRepository/watched',
    ]);
    expect(snap.images.repositories.map((r) => r.name)).toEqual(['watched']);
    expect(snap.images.policies.map((r) => r.name)).toEqual(['watched']);
    expect(snap.images.automations.map((r) => r.name)).toEqual(['watched']);
    expect(calls.sort()).toEqual(['Alert', 'Provider', 'Receiver']);
  });

  it('lists the image kinds and HelmRepositories before that, empty when their CRDs are missing', async () => {
    const { service, calls, errors } = setup({
      ready: false,
      lists: {
        Sync: () => [],
        GitRepository: () => [],
        ImagePolicy: () => [object('ImagePolicy', 'team-b', 'listed', {})],
      },
    });
    const snap = await service.snapshot();
    expect(snap.images.policies.map((p) => `${p.namespace}/${p.name}`)).toEqual(['team-b/listed']);
    expect(snap.images.repositories).toEqual([]);
    expect(snap.sources).toEqual([]);
    expect(calls).toEqual(
      expect.arrayContaining(['HelmRepository', 'ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation']),
    );
    expect(errors).toEqual([]);
  });

  it('lists them instead before that (or on a standby), at most once per cache period', async () => {
    const { service, calls, advance } = setup({
      ready: false,
      lists: { Sync: () => [sync('team-b', 'listed')], GitRepository: () => [] },
    });
    expect((await service.snapshot()).syncs.map((s) => s.name)).toEqual(['listed']);
    await service.snapshot();
    expect(calls.filter((k) => k === 'Sync')).toHaveLength(1);
    advance(5_000);
    await service.snapshot();
    expect(calls.filter((k) => k === 'Sync')).toHaveLength(2);
  });

  it('shows no notifications when their CRDs are missing, without reporting an error', async () => {
    const { service, errors } = setup({ ready: true, lists: {} });
    expect((await service.snapshot()).notifications).toEqual({ providers: [], alerts: [], receivers: [] });
    expect(errors).toEqual([]);
  });

  it('reports a failed list and keeps showing the last good one', async () => {
    let fail = false;
    const provider = { metadata: { namespace: 'team-a', name: 'chat' }, spec: { type: 'slack' } };
    const { service, errors, advance } = setup({
      ready: true,
      lists: {
        Provider: () => {
          if (fail) throw new KubeError(503, 'ServiceUnavailable', 'try later');
          return [provider];
        },
      },
    });
    expect((await service.snapshot()).notifications.providers).toHaveLength(1);
    fail = true;
    advance(5_000);
    expect((await service.snapshot()).notifications.providers).toHaveLength(1);
    expect(errors).toEqual(['Provider: KubeError: try later']);
  });

  it('forgets the history of objects the informers no longer have', async () => {
    const { service, history } = setup({ ready: true, lists: {} });
    const at = new Date(0);
    history.reconciled({
      kind: 'Sync',
      namespace: 'team-a',
      name: 'watched',
      result: 'success',
      finishedAt: at,
      durationMs: 1,
    });
    history.reconciled({
      kind: 'Sync',
      namespace: 'team-a',
      name: 'deleted',
      result: 'success',
      finishedAt: at,
      durationMs: 1,
    });
    for (const kind of ['ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation', 'HelmRepository'])
      history.reconciled({
        kind,
        namespace: 'team-a',
        name: 'watched',
        result: 'failure',
        finishedAt: at,
        durationMs: 1,
      });
    const snap = await service.snapshot();
    expect(snap.syncs[0]?.lastReconcile?.result).toBe('success');
    expect(history.lastOf('Sync/team-a/deleted')).toBeUndefined();
    // The kinds beside Syncs and GitRepositories keep theirs while the objects exist.
    expect(snap.images.repositories[0]?.lastReconcile?.result).toBe('failure');
    expect(snap.images.policies[0]?.lastReconcile?.result).toBe('failure');
    expect(snap.images.automations[0]?.lastReconcile?.result).toBe('failure');
    expect(snap.sources.find((x) => x.kind === 'HelmRepository')?.lastFetch?.result).toBe('failure');
  });
});
