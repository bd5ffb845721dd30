/**
 * The Receiver controller: an informer on Receivers feeds a small work queue; each reconcile reads the Secret
 * named by spec.secretRef, derives the webhook path, updates the table the webhook server answers from, and
 * writes status. It runs on every replica, leader or not, since the Service sends calls to any of them; every
 * replica computes the same status and writes only when the live one says something else, so they agree
 * without electing a writer.
 */
import type { Logger } from 'pino';
import { parseDuration, validateReceiver } from '../api/index.js';
import { GROUP_VERSION, RECONCILE_REQUEST_ANNOTATION } from '../core/constants.js';
import type { Clock } from '../engine/clock.js';
import { WorkQueue } from '../engine/queue.js';
import type { KubeClient, Obj } from '../kube/index.js';
import { KubeError } from '../kube/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Condition } from '../reconcile/conditions.js';
import { rfc3339 } from '../reconcile/context.js';
import type { InformerEvent } from '../reconcile/informer.js';
import { runInformer } from '../reconcile/informer.js';
import { readData } from '../reconcile/secrets.js';
import { webhookPath } from './path.js';
import type { ReceiverOutcome } from './status.js';
import { receiverStatus, statusChanged } from './status.js';
import type { ReceiverTable } from './table.js';
import { targetsOf } from './targets.js';

const KIND = 'Receiver';
/** The Secret key holding the shared secret (Flux's). */
export const TOKEN_KEY = 'token';

export interface ReceiverControllerOptions {
  client: KubeClient;
  table: ReceiverTable;
  log: Logger;
  metrics: Pick<Metrics, 'setCondition' | 'forget'>;
  fieldManager: string;
  /** The config's lockdown.noCrossNamespaceRefs: refuse resources in other namespaces. */
  noCrossNamespaceRefs: boolean;
  now: () => Date;
  clock: Clock;
  random: () => number;
}

interface Meta {
  name: string;
  namespace: string;
  generation?: number;
  annotations?: Record<string, string>;
}

/** Thrown after the status says why, so the queue retries with backoff. */
class ReceiverNotReady extends Error {
  override readonly name = 'ReceiverNotReady';
}

/** Keeps the webhook table and the Receivers' status in step with the Receivers and their Secrets. */
export class ReceiverController {
  private readonly queue: WorkQueue;
  private readonly abort = new AbortController();
  /** What the informer last saw, by `namespace/name`: a reconcile runs only on spec changes and requests. */
  private readonly seen = new Map<string, { generation: number; requested: string | undefined }>();
  private informer: Promise<void> | undefined;

  constructor(private readonly o: ReceiverControllerOptions) {
    this.queue = new WorkQueue((key) => this.reconcile(key), {
      concurrency: 2,
      backoff: { baseMs: 1_000, maxMs: 5 * 60_000, jitter: 0.1 },
      random: o.random,
      clock: o.clock,
      onError: (key, err, info) =>
        o.log.debug(
          { key, retryInMs: info.retryInMs, error: err instanceof Error ? err.message : String(err) },
          'receiver will be retried',
        ),
    });
  }

  start(): void {
    this.queue.start();
    this.informer = runInformer(
      this.o.client,
      GROUP_VERSION,
      KIND,
      {
        retryMs: 1_000,
        onError: (err) => {
          // Right after the CRDs are installed the kind may not be served yet; that is retried, not a warning.
          const level = err instanceof KubeError && err.code === 404 ? 'debug' : 'warn';
          this.o.log[level]({ kind: KIND, error: String(err) }, 'watch failed, re-listing');
        },
      },
      (type, obj) => this.observe(type, obj),
      this.abort.signal,
    );
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.queue.shutdown({ drainTimeoutMs: 2_000 });
    await this.informer;
  }

  private observe(type: InformerEvent, obj: Obj): void {
    const m = (obj.metadata ?? {}) as Meta;
    const key = `${m.namespace}/${m.name}`;
    if (type === 'DELETED') {
      this.seen.delete(key);
      this.queue.remove(key);
      this.o.table.remove(key);
      this.o.metrics.forget(KIND, m.namespace, m.name);
      return;
    }
    const generation = m.generation ?? 1;
    const requested = m.annotations?.[RECONCILE_REQUEST_ANNOTATION];
    const prev = this.seen.get(key);
    this.seen.set(key, { generation, requested });
    // Our own status writes change neither; a request (steward reconcile) re-reads a rotated Secret at once.
    if (!prev || prev.generation !== generation || prev.requested !== requested) this.queue.add(key);
  }

  private async reconcile(key: string): Promise<{ requeueAfterMs: number } | undefined> {
    try {
      return await this.reconcileOne(key);
    } finally {
      // Deleted while it ran: it must not come back into the table from this last run.
      if (!this.seen.has(key)) this.o.table.remove(key);
    }
  }

  private async reconcileOne(key: string): Promise<{ requeueAfterMs: number } | undefined> {
    const [namespace = '', name = ''] = key.split('/');
    const obj = await this.o.client.get({
      group: 'steward.dev',
      version: 'v1alpha1',
      kind: KIND,
      namespace,
      name,
    });
    if (!obj) {
      this.o.table.remove(key);
      return undefined;
    }
    const meta = (obj.metadata ?? {}) as Meta;
    const live = (obj.status ?? {}) as Record<string, unknown>;
    const requested = meta.annotations?.[RECONCILE_REQUEST_ANNOTATION];
    const write = (outcome: ReceiverOutcome) => this.writeStatus(meta, live, outcome, requested);

    const checked = validateReceiver(obj);
    const targets = checked.ok ? targetsOf(checked.value, this.o.noCrossNamespaceRefs) : undefined;
    if (!checked.ok || !targets?.ok) {
      const message = !checked.ok
        ? `invalid spec: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`
        : (targets as { message: string }).message;
      this.o.table.remove(key);
      await write({ kind: 'invalid', message });
      return undefined; // stalled until the spec changes
    }
    const receiver = checked.value;
    const secret = `${namespace}/${receiver.spec.secretRef.name}`;
    let data: Record<string, string> | undefined;
    try {
      data = await readData(this.o.client, 'Secret', namespace, receiver.spec.secretRef.name);
    } catch (err) {
      // The API server failed us: keep serving the token we had, and say so.
      const message = `reading secret '${secret}' failed: ${err instanceof Error ? err.message : String(err)}`;
      await write({ kind: 'token-missing', message });
      throw new ReceiverNotReady(message);
    }
    const token = data?.[TOKEN_KEY];
    if (token === undefined || token === '') {
      const message =
        data === undefined ? `secret '${secret}' not found` : `secret '${secret}' has no key '${TOKEN_KEY}'`;
      this.o.table.remove(key);
      await write({ kind: 'token-missing', message });
      throw new ReceiverNotReady(message);
    }
    const path = webhookPath(token, name, namespace);
    this.o.table.set(path, {
      namespace,
      name,
      type: receiver.spec.type,
      token,
      events: receiver.spec.events ?? [],
      suspended: receiver.spec.suspend === true,
      targets: targets.targets,
    });
    await write({ kind: 'ready', webhookPath: path });
    // The Secret is re-read at the interval: a rotated token takes effect then, or at once on a request.
    return { requeueAfterMs: parseDuration(receiver.spec.interval ?? '10m') };
  }

  private async writeStatus(
    meta: Meta,
    live: Record<string, unknown>,
    outcome: ReceiverOutcome,
    requested: string | undefined,
  ): Promise<void> {
    const generation = meta.generation ?? 1;
    const previous = (Array.isArray(live.conditions) ? live.conditions : []) as Condition[];
    const next = receiverStatus(previous, outcome, { generation, now: rfc3339(this.o.now()), requested });
    for (const type of ['Ready', 'Reconciling', 'Stalled'] as const) {
      const c = next.conditions.find((x) => x.type === type);
      this.o.metrics.setCondition(
        KIND,
        meta.namespace,
        meta.name,
        type,
        c ? c.status : type === 'Ready' ? 'Unknown' : 'False',
      );
    }
    if (!statusChanged(live, next)) return;
    await this.o.client.patchStatus(
      GROUP_VERSION,
      KIND,
      meta.namespace,
      meta.name,
      { ...next },
      this.o.fieldManager,
    );
    const fields = { namespace: meta.namespace, name: meta.name };
    if (outcome.kind === 'ready') this.o.log.info(fields, 'receiver ready');
    else
      this.o.log.warn(
        { ...fields, reason: next.conditions[0]?.reason, error: outcome.message },
        'receiver not ready',
      );
  }
}
