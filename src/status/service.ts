/**
 * Gathers what a status snapshot is built from. GitRepositories and Syncs come from the controller's informer
 * cache, so serving the page costs the API server nothing; until that cache has synced (and on a standby
 * replica, whose controller never starts) they are listed, at most once per cache period. Providers, Alerts
 * and Receivers are listed the same way; a kind whose CRD is not installed is simply empty.
 */
import { GROUP_VERSION } from '../core/constants.js';
import type { KubeClient, Obj } from '../kube/index.js';
import { KubeError } from '../kube/index.js';
import { cachedLoader } from './cache.js';
import type { ReconcileHistory } from './history.js';
import { objectKey } from './history.js';
import type { TenancySettings } from './identity.js';
import type { EventView, StatusSnapshot } from './model.js';
import { nameOf } from './read.js';
import { buildSnapshot } from './snapshot.js';

/** How long a listed kind is reused. */
export const DEFAULT_LIST_CACHE_MS = 5_000;

/** The controller's informer cache, read-only. */
export interface WatchedObjects {
  ready(): boolean;
  objects(kind: 'GitRepository' | 'Sync'): readonly Obj[];
}

export interface StatusServiceOptions {
  client: Pick<KubeClient, 'list'>;
  watched: WatchedObjects;
  history: ReconcileHistory;
  events: { list(): readonly EventView[] };
  tenancy: TenancySettings;
  agentVersion: string;
  now: () => Date;
  listCacheMs?: number;
  /** Told when a list fails; the snapshot then shows that kind's last good list (or nothing). */
  onListError?: (kind: string, err: unknown) => void;
}

export interface StatusService {
  snapshot(): Promise<StatusSnapshot>;
}

type ListedKind = 'GitRepository' | 'Sync' | 'Provider' | 'Alert' | 'Receiver';

export function statusService(opts: StatusServiceOptions): StatusService {
  const ttl = opts.listCacheMs ?? DEFAULT_LIST_CACHE_MS;
  const nowMs = () => opts.now().getTime();
  const lastGood = new Map<ListedKind, readonly Obj[]>();
  const listFromApi = (kind: ListedKind) =>
    cachedLoader(
      async (): Promise<readonly Obj[]> => {
        try {
          return await opts.client.list(GROUP_VERSION, kind);
        } catch (err) {
          // A kind the API server does not serve (its CRD is not installed) has no objects to show.
          if (err instanceof KubeError && err.code === 404) return [];
          throw err;
        }
      },
      ttl,
      nowMs,
    );
  const loaders: Record<ListedKind, () => Promise<readonly Obj[]>> = {
    GitRepository: listFromApi('GitRepository'),
    Sync: listFromApi('Sync'),
    Provider: listFromApi('Provider'),
    Alert: listFromApi('Alert'),
    Receiver: listFromApi('Receiver'),
  };

  const list = async (kind: ListedKind): Promise<readonly Obj[]> => {
    if ((kind === 'GitRepository' || kind === 'Sync') && opts.watched.ready())
      return opts.watched.objects(kind);
    try {
      const items = await loaders[kind]();
      lastGood.set(kind, items);
      return items;
    } catch (err) {
      opts.onListError?.(kind, err);
      return lastGood.get(kind) ?? [];
    }
  };

  return {
    async snapshot() {
      const [gitRepositories, syncs, providers, alerts, receivers] = await Promise.all([
        list('GitRepository'),
        list('Sync'),
        list('Provider'),
        list('Alert'),
        list('Receiver'),
      ]);
      // Only the informers' view is complete enough to tell that an object is gone.
      if (opts.watched.ready()) opts.history.retain(keysOf(gitRepositories, syncs));
      return buildSnapshot({
        now: opts.now(),
        agentVersion: opts.agentVersion,
        tenancy: opts.tenancy,
        gitRepositories,
        syncs,
        providers,
        alerts,
        receivers,
        events: opts.events.list(),
        history: opts.history,
      });
    },
  };
}

function keysOf(gitRepositories: readonly Obj[], syncs: readonly Obj[]): Set<string> {
  const keys = new Set<string>();
  for (const o of gitRepositories) keys.add(objectKey('GitRepository', nameOf(o).namespace, nameOf(o).name));
  for (const o of syncs) keys.add(objectKey('Sync', nameOf(o).namespace, nameOf(o).name));
  return keys;
}
