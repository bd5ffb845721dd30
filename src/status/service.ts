/**
 * Gathers what a status snapshot is built from. The kinds the controller watches (sources, Syncs, the image
 * automation kinds) come from its informer cache, so serving the page costs the API server nothing; until that
 * cache has synced (and on a standby replica, whose controller never starts) they are listed, at most once per
 * cache period. Providers, Alerts and Receivers are listed the same way; a kind whose CRD is not installed is
 * simply empty.
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

/** The kinds the controller's informers watch. */
export const WATCHED_KINDS = [
  'GitRepository',
  'HelmRepository',
  'Sync',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
] as const;

export type WatchedKind = (typeof WATCHED_KINDS)[number];

/** The controller's informer cache, read-only. */
export interface WatchedObjects {
  ready(): boolean;
  objects(kind: WatchedKind): readonly Obj[];
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

type ListedKind = WatchedKind | 'Provider' | 'Alert' | 'Receiver';
const LISTED_KINDS: readonly ListedKind[] = [...WATCHED_KINDS, 'Provider', 'Alert', 'Receiver'];
const isWatched = (kind: ListedKind): kind is WatchedKind =>
  (WATCHED_KINDS as readonly string[]).includes(kind);

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
  const loaders = new Map(LISTED_KINDS.map((kind) => [kind, listFromApi(kind)] as const));

  const list = async (kind: ListedKind): Promise<readonly Obj[]> => {
    if (isWatched(kind) && opts.watched.ready()) return opts.watched.objects(kind);
    const load = loaders.get(kind);
    if (!load) return [];
    try {
      const items = await load();
      lastGood.set(kind, items);
      return items;
    } catch (err) {
      opts.onListError?.(kind, err);
      return lastGood.get(kind) ?? [];
    }
  };

  return {
    async snapshot() {
      const [watched, providers, alerts, receivers] = await Promise.all([
        Promise.all(WATCHED_KINDS.map(async (kind) => [kind, await list(kind)] as const)),
        list('Provider'),
        list('Alert'),
        list('Receiver'),
      ]);
      const byKind = new Map<WatchedKind, readonly Obj[]>(watched);
      const of = (kind: WatchedKind) => byKind.get(kind) ?? [];
      // Only the informers' view is complete enough to tell that an object is gone.
      if (opts.watched.ready()) opts.history.retain(keysOf(of));
      return buildSnapshot({
        now: opts.now(),
        agentVersion: opts.agentVersion,
        tenancy: opts.tenancy,
        gitRepositories: of('GitRepository'),
        syncs: of('Sync'),
        helmRepositories: of('HelmRepository'),
        imageRepositories: of('ImageRepository'),
        imagePolicies: of('ImagePolicy'),
        imageUpdateAutomations: of('ImageUpdateAutomation'),
        providers,
        alerts,
        receivers,
        events: opts.events.list(),
        history: opts.history,
      });
    },
  };
}

/** The history keys of every watched object. */
function keysOf(of: (kind: WatchedKind) => readonly Obj[]): Set<string> {
  const keys = new Set<string>();
  for (const kind of WATCHED_KINDS)
    for (const o of of(kind)) keys.add(objectKey(kind, nameOf(o).namespace, nameOf(o).name));
  return keys;
}
