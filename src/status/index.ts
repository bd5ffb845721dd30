/**
 * The read-only status surface on the metrics port (docs/status.md): the JSON API under /api/v1 and the status
 * page at / and /status. The agent builds it once: its observer goes into the ReconcileContext (history), it
 * subscribes to the EventRecorder (recent events), and its routes read the controller's informer cache.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { GROUP_VERSION } from '../core/constants.js';
import type { KubeClient } from '../kube/index.js';
import type { EventRecorder } from '../reconcile/events.js';
import type { ReconcileObserver } from '../reconcile/observe.js';
import type { Route } from '../server/server.js';
import { statusApiRoutes } from './api.js';
import { EventLog } from './event-log.js';
import { ReconcileHistory } from './history.js';
import { statusPageRoutes } from './page.js';
import { statusService, type WatchedObjects } from './service.js';

export type { StatusSnapshot } from './model.js';
export { buildSnapshot } from './snapshot.js';

export interface StatusSurfaceOptions {
  client: Pick<KubeClient, 'list'>;
  config: Pick<Config, 'lockdown' | 'bootstrap' | 'defaultServiceAccount'>;
  events: Pick<EventRecorder, 'subscribe'>;
  agentVersion: string;
  log: Logger;
  now?: () => Date;
}

export interface StatusSurface {
  /** For ReconcileContext.observer. */
  observer: ReconcileObserver;
  /** The API and page routes, reading `watched` (the Controller). */
  routes(watched: WatchedObjects): Route[];
  /** Stops listening to events. */
  stop(): void;
}

export function statusSurface(opts: StatusSurfaceOptions): StatusSurface {
  const history = new ReconcileHistory();
  const events = new EventLog();
  const unsubscribe = opts.events.subscribe(events.add);
  const { lockdown, bootstrap, defaultServiceAccount } = opts.config;
  const tenancy = {
    platformNamespaces: lockdown.platformNamespaces,
    bootstrapSyncs: bootstrap
      .filter((b) => b.kind === 'Sync' && b.apiVersion === GROUP_VERSION)
      .map((b) => ({ namespace: b.metadata.namespace ?? '', name: b.metadata.name })),
    defaultServiceAccount,
  };
  return {
    observer: history,
    routes(watched) {
      const service = statusService({
        client: opts.client,
        watched,
        history,
        events,
        tenancy,
        agentVersion: opts.agentVersion,
        now: opts.now ?? (() => new Date()),
        onListError: (kind, err) =>
          opts.log.warn({ kind, error: String(err) }, 'status API could not list objects'),
      });
      return [...statusApiRoutes(service), ...statusPageRoutes(opts.agentVersion)];
    },
    stop: unsubscribe,
  };
}
