/**
 * The composition root of `steward run`: reads nothing itself (config and kubeconfig come in), builds the
 * adapters once, wires the controller, serves /metrics, /healthz and /readyz, and drains on stop.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { crds } from './api/index.js';
import type { Config } from './config/index.js';
import type { Manifest } from './core/types.js';
import { systemClock } from './engine/clock.js';
import type { KubeClient } from './kube/index.js';
import { kubeClient } from './kube/index.js';
import type { Metrics } from './metrics/metrics.js';
import { createMetrics } from './metrics/metrics.js';
import type { ReconcileContext } from './reconcile/context.js';
import { ArtifactIndex } from './reconcile/context.js';
import { Controller } from './reconcile/controller.js';
import { EventRecorder } from './reconcile/events.js';
import { startHttpServer } from './server/server.js';

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
}

export interface Agent {
  client: KubeClient;
  metrics: Metrics;
  controller: Controller;
  /** Port of /metrics (and /healthz, /readyz). */
  port: number;
  /** Port of /healthz and /readyz for probes. */
  healthPort: number;
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
  if (opts.installCrds) {
    for (const crd of crds())
      await client.apply(crd as Manifest, { fieldManager: config.fieldManager, force: true });
    log.info({ crds: crds().length }, 'installed CRDs');
  }
  await bootstrap(client, config, log);
  const tenantClients = new Map<string, KubeClient>();
  const ctx: ReconcileContext = {
    client,
    config,
    metrics,
    events,
    log,
    artifacts: new ArtifactIndex(),
    now: () => new Date(),
    allowInsecureHttp: opts.allowInsecureHttp === true,
    pathEnv: opts.pathEnv,
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
  controller.start();
  const server = await startHttpServer({
    host: opts.host ?? '0.0.0.0',
    port: config.ports.metrics,
    metrics,
    ready: () => controller.ready(),
    onError: (err, req) => log.error({ error: String(err), path: req.path }, 'http handler failed'),
  });
  // Probes get a port of their own, so a slow scrape never fails them (config ports.health).
  const health =
    config.ports.health !== config.ports.metrics || config.ports.health === 0
      ? await startHttpServer({
          host: opts.host ?? '0.0.0.0',
          port: config.ports.health,
          metrics: { registry: new Registry() },
          ready: () => controller.ready(),
        })
      : undefined;
  log.info(
    { port: server.port, healthPort: health?.port ?? server.port, concurrency: config.concurrency },
    'agent started',
  );
  return {
    client,
    metrics,
    controller,
    port: server.port,
    healthPort: health?.port ?? server.port,
    async stop(drainTimeoutMs = 10_000) {
      const { abandoned } = await controller.stop(drainTimeoutMs);
      if (abandoned.length > 0) log.warn({ abandoned }, 'abandoned in-flight reconciles at shutdown');
      unwatchQueue();
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
