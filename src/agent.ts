/**
 * The composition root of `steward run`: reads nothing itself (config and kubeconfig come in), builds the
 * adapters once, wires the controller, serves /metrics, /healthz, /readyz and the status API and page
 * (docs/status.md), and drains on stop.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { crds, parseDuration } from './api/index.js';
import type { Config } from './config/index.js';
import type { Manifest } from './core/types.js';
import { systemClock } from './engine/clock.js';
import { LeaderElector } from './engine/leader.js';
import { leaseClient } from './engine/lease.js';
import { ImageScanner } from './images/scanner.js';
import type { KubeClient } from './kube/index.js';
import { kubeClient } from './kube/index.js';
import type { Metrics } from './metrics/metrics.js';
import { createMetrics } from './metrics/metrics.js';
import { NotificationController } from './notify/index.js';
import { startReceivers } from './receivers/index.js';
import type { ReconcileContext } from './reconcile/context.js';
import { ArtifactIndex } from './reconcile/context.js';
import { Controller } from './reconcile/controller.js';
import { EventRecorder } from './reconcile/events.js';
import { ImageTagIndex } from './reconcile/image-tags.js';
import { startHttpServer } from './server/server.js';
import { ChartFetcher, HelmIndexCache } from './sources/helm/index.js';
import { TokenCache } from './sources/oci/index.js';
import { statusSurface } from './status/index.js';
import { SyncWindowSet } from './windows/index.js';

export const VERSION = '0.1.0';

export interface AgentOptions {
  config: Config;
  kubeconfig: KubeConfig;
  log: Logger;
  /** Install or update Steward's CRDs at start (the quick start and tests; deploy/ installs them otherwise). */
  installCrds?: boolean;
  /** Allow Git over plain http (local servers). */
  allowInsecureHttp?: boolean;
  host?: string;
  /** PATH for kustomize and helm. */
  pathEnv: string;
  /** Namespace of the leader election Lease: the agent's own. */
  namespace?: string;
  /** Called when the Lease is lost: the CLI exits non-zero so the pod restarts clean. */
  onLeadershipLost?: () => void;
}

export interface Agent {
  client: KubeClient;
  metrics: Metrics;
  controller: Controller;
  /** Port of /metrics (and /healthz, /readyz). */
  port: number;
  /** Port of /healthz and /readyz for probes. */
  healthPort: number;
  /** Port of the Receiver webhooks (/hook/...), served on every replica. */
  webhookPort: number;
  stop(drainTimeoutMs?: number): Promise<void>;
}

export async function startAgent(opts: AgentOptions): Promise<Agent> {
  const { config, log } = opts;
  const client = kubeClient(opts.kubeconfig, { userAgent: `steward/${VERSION}` });
  const metrics = createMetrics({ version: VERSION });
  const events = new EventRecorder(
    client,
    () => new Date(),
    (err) => log.debug({ error: String(err) }, 'event not recorded'),
  );
  // The read-only status API and page: reconcile history and recent events, served on the metrics port.
  const status = statusSurface({ client, config, events, agentVersion: VERSION, log });
  if (opts.installCrds) {
    for (const crd of crds())
      await client.apply(crd as Manifest, { fieldManager: config.fieldManager, force: true });
    log.info({ crds: crds().length }, 'installed CRDs');
  }
  await bootstrap(client, config, log);
  const tenantClients = new Map<string, KubeClient>();
  const registryTokens = new TokenCache();
  const ctx: ReconcileContext = {
    client,
    config,
    metrics,
    events,
    log,
    artifacts: new ArtifactIndex(),
    helmIndexes: new HelmIndexCache(),
    charts: new ChartFetcher({
      cacheDir: join(config.artifactsDir, 'helm', 'charts'),
      limits: config.helm,
      userAgent: `steward/${VERSION}`,
    }),
    imageScanner: new ImageScanner({
      tokenCache: registryTokens,
      userAgent: `steward/${VERSION}`,
      onRegistryRequests: (registry, n) => metrics.registryRequests(registry, n),
    }),
    imageTags: new ImageTagIndex(),
    registryTokens,
    now: () => new Date(),
    allowInsecureHttp: opts.allowInsecureHttp === true,
    pathEnv: opts.pathEnv,
    syncWindows: new SyncWindowSet(config.syncWindows),
    observer: status.observer,
    clientAs: (user) => {
      let c = tenantClients.get(user);
      if (!c) {
        c = kubeClient(opts.kubeconfig, { userAgent: `steward/${VERSION}`, impersonate: { user } });
        tenantClients.set(user, c);
      }
      return c;
    },
  };
  const controller = new Controller(ctx, {
    concurrency: config.concurrency,
    clock: systemClock,
    random: Math.random,
  });
  const unwatchQueue = metrics.watchQueue('reconcile', () => controller.queue.stats());
  // Notifications start with the controller: only the leader reconciles, records events, and so notifies.
  const notifier = new NotificationController({
    client,
    config,
    metrics,
    events,
    log,
    clock: systemClock,
    random: Math.random,
    now: () => new Date(),
  });
  // Only the holder of the Lease reconciles; the others stand by, ready to take over (client-go semantics).
  let stopping = false;
  const election = new AbortController();
  const le = config.leaderElection;
  const elector = le.enabled
    ? new LeaderElector(
        leaseClient(opts.kubeconfig, {
          userAgent: `steward/${VERSION}`,
          timeoutMs: Math.min(5_000, parseDuration(le.renewDeadline) / 2),
        }),
        {
          namespace: opts.namespace ?? 'steward-system',
          name: le.leaseName,
          identity: `${hostname()}_${randomUUID()}`,
          leaseDurationMs: parseDuration(le.leaseDuration),
          renewDeadlineMs: parseDuration(le.renewDeadline),
          retryPeriodMs: parseDuration(le.retryPeriod),
          clock: systemClock,
          onStartedLeading: () => {
            log.info({ lease: le.leaseName }, 'started leading');
            controller.start();
            notifier.start();
          },
          onStoppedLeading: () => {
            if (stopping) return;
            // A controller cannot restart: stop it and let the process (and the pod) start over.
            log.error({ lease: le.leaseName }, 'leader election lost');
            void controller.stop(0).finally(() => opts.onLeadershipLost?.());
          },
          onNewLeader: (leader) => log.info({ leader }, 'new leader observed'),
          log: (msg, fields) => log.debug(fields, msg),
        },
      )
    : undefined;
  // A standby is ready: it serves metrics and waits; only the leader needs synced caches.
  const ready = () => (elector && !elector.isLeader() ? true : controller.ready());
  // The listeners start before anything reconciles: a port that cannot be bound fails the start with nothing
  // left running (an elector left behind would take the Lease for a process that never serves).
  const listeners: { close(): Promise<void> }[] = [];
  const host = opts.host ?? '0.0.0.0';
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  let health: Awaited<ReturnType<typeof startHttpServer>> | undefined;
  let receivers: Awaited<ReturnType<typeof startReceivers>>;
  try {
    server = await startHttpServer({
      host,
      port: config.ports.metrics,
      metrics,
      ready,
      routes: status.routes(controller),
      onError: (err, req) => log.error({ error: String(err), path: req.path }, 'http handler failed'),
    });
    listeners.push(server);
    // Probes get a port of their own, so a slow scrape never fails them (config ports.health).
    if (config.ports.health !== config.ports.metrics || config.ports.health === 0) {
      health = await startHttpServer({
        host,
        port: config.ports.health,
        metrics: { registry: new Registry() },
        ready,
      });
      listeners.push(health);
    }
    // Every replica answers webhooks (the Service spreads calls); a call writes an annotation the leader sees.
    receivers = await startReceivers({
      kubeconfig: opts.kubeconfig,
      client,
      config,
      log,
      metrics,
      host,
      userAgent: `steward/${VERSION}`,
    });
  } catch (err) {
    for (const l of listeners) await l.close().catch(() => {});
    unwatchQueue();
    status.stop();
    throw err;
  }
  if (elector) void elector.run(election.signal);
  else {
    controller.start();
    notifier.start();
  }
  log.info(
    {
      port: server.port,
      healthPort: health?.port ?? server.port,
      webhookPort: receivers.port,
      concurrency: config.concurrency,
    },
    'agent started',
  );
  // Scans of images no ImageRepository watches any more would otherwise stay until the scanner's cap.
  const forgetScans = setInterval(() => ctx.imageScanner.forgetUnused(24 * 3_600_000), 3_600_000);
  forgetScans.unref();
  return {
    client,
    metrics,
    controller,
    port: server.port,
    healthPort: health?.port ?? server.port,
    webhookPort: receivers.port,
    async stop(drainTimeoutMs = 10_000) {
      stopping = true;
      clearInterval(forgetScans);
      // No new webhook calls while the queue drains.
      await receivers.stop();
      // The Lease keeps renewing while reconciles drain, then goes to the next candidate at once.
      const { abandoned } = await controller.stop(drainTimeoutMs);
      if (abandoned.length > 0) log.warn({ abandoned }, 'abandoned in-flight reconciles at shutdown');
      // The last reconciles' notifications still go out, within a short deadline.
      await notifier.stop(Math.min(drainTimeoutMs, 5_000));
      await elector
        ?.release()
        .catch((err: unknown) => log.warn({ error: String(err) }, 'lease release failed'));
      election.abort();
      unwatchQueue();
      status.stop();
      await server.close();
      await health?.close();
      log.info('agent stopped');
    },
  };
}

/** Creates the config's bootstrap objects when they are missing; never overwrites what the cluster has. */
async function bootstrap(client: KubeClient, config: Config, log: Logger): Promise<void> {
  for (const obj of config.bootstrap) {
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    const ref = {
      group: group ?? '',
      version: version ?? '',
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name,
    };
    if (await client.get(ref)) continue;
    await client.apply(obj as Manifest, { fieldManager: config.fieldManager, force: false });
    log.info({ kind: obj.kind, namespace: ref.namespace, name: ref.name }, 'bootstrap object created');
  }
}
