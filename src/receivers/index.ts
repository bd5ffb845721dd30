/**
 * Receivers: incoming webhooks (GitHub, GitLab, generic HMAC, generic) that request an immediate reconcile of
 * the objects a Receiver names. The pure core decides (path.ts, verify.ts, answer.ts, targets.ts, status.ts,
 * coalesce.ts); the adapters serve HTTP (server.ts), write annotations (trigger.ts, kube.ts) and follow the
 * Receiver objects and their Secrets (controller.ts). See docs/receivers.md.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { parseDuration } from '../api/index.js';
import type { Config } from '../config/index.js';
import { systemClock } from '../engine/clock.js';
import type { KubeClient } from '../kube/index.js';
import type { Metrics } from '../metrics/metrics.js';
import { ReceiverController } from './controller.js';
import { kubePatcher } from './kube.js';
import { startWebhookServer } from './server.js';
import { ReceiverTable } from './table.js';
import { Triggerer } from './trigger.js';
import type { ReceiverEntry } from './types.js';

export { WEBHOOK_PATH_PREFIX, webhookPath } from './path.js';
export type { ReceiverEntry, Target } from './types.js';

export interface ReceiversOptions {
  kubeconfig: KubeConfig;
  client: KubeClient;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Address to listen on; the port is config ports.webhook. */
  host: string;
  userAgent: string;
}

export interface Receivers {
  /** The port the webhook server listens on. */
  port: number;
  /** Stops answering calls, then stops following Receivers. */
  stop(): Promise<void>;
}

/** Starts the webhook server on ports.webhook and the Receiver controller; on every replica, leader or not. */
export async function startReceivers(o: ReceiversOptions): Promise<Receivers> {
  const { config, log } = o;
  const table = new ReceiverTable();
  const triggerer = new Triggerer(kubePatcher(o.kubeconfig, o.client, { userAgent: o.userAgent }), {
    clock: systemClock,
    now: () => Date.now(),
  });
  const trigger = async (entry: ReceiverEntry): Promise<boolean> => {
    const fields = { namespace: entry.namespace, name: entry.name };
    const result = await triggerer.trigger(entry.targets);
    for (const f of result.failed)
      log.warn({ ...fields, target: f.target, error: f.error }, 'reconcile request failed');
    log.info({ ...fields, objects: result.requested }, 'receiver requested reconciles');
    return result.failed.length === 0;
  };
  const server = await startWebhookServer({
    host: o.host,
    port: config.ports.webhook,
    maxBodyBytes: config.receivers.maxBodyBytes,
    readTimeoutMs: parseDuration(config.receivers.readTimeout),
    lookup: (path) => table.lookup(path),
    trigger,
    metrics: o.metrics,
    log,
  });
  const controller = new ReceiverController({
    client: o.client,
    table,
    log,
    metrics: o.metrics,
    fieldManager: config.fieldManager,
    noCrossNamespaceRefs: config.lockdown.noCrossNamespaceRefs,
    now: () => new Date(),
    clock: systemClock,
    random: Math.random,
  });
  controller.start();
  return {
    port: server.port,
    async stop() {
      await server.close();
      await controller.stop();
    },
  };
}
