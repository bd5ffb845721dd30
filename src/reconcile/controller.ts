/**
 * Ties the reconcilers to the cluster: informers on GitRepositories, HelmRepositories and Syncs feed one keyed
 * work queue; a new source revision triggers the Syncs that use it; watches on the objects Syncs own trigger a
 * reconcile within a second of a manual change (drift), instead of waiting for the interval.
 */
import {
  GROUP_VERSION,
  OWNER_NAME_LABEL,
  OWNER_NAMESPACE_LABEL,
  RECONCILE_REQUEST_ANNOTATION,
} from '../core/constants.js';
import { parseInventoryId } from '../core/types.js';
import type { Clock } from '../engine/clock.js';
import { DEFAULT_INTERVAL_JITTER, withJitter } from '../engine/jitter.js';
import { WorkQueue } from '../engine/queue.js';
import { KubeError, type Obj } from '../kube/index.js';
import type { ReconcileContext } from './context.js';
import { type ReconcileResult, reconcileGitRepository } from './git-repository.js';
import { reconcileHelmRepository } from './helm-repository.js';
import { reconcileImagePolicy } from './image-policy.js';
import { reconcileImageRepository } from './image-repository.js';
import { reconcileImageUpdateAutomation } from './image-update.js';
import type { InformerEvent } from './informer.js';
import { runInformer } from './informer.js';
import { reconcileSync } from './sync.js';

type Kind =
  | 'GitRepository'
  | 'HelmRepository'
  | 'Sync'
  | 'ImageRepository'
  | 'ImagePolicy'
  | 'ImageUpdateAutomation';
const KINDS: readonly Kind[] = [
  'GitRepository',
  'HelmRepository',
  'Sync',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
];

interface Seen {
  generation: number;
  requested?: string;
  obj: Obj;
}

export interface ControllerOptions {
  concurrency: number;
  clock: Clock;
  random: () => number;
}

function metaOf(o: Obj): {
  name: string;
  namespace: string;
  generation?: number;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
} {
  return (o.metadata ?? {}) as ReturnType<typeof metaOf>;
}

/** The managedFields entries of every manager but Steward: they change when someone else writes. */
function foreignManagers(o: Obj, self: string): string {
  const entries = (o.metadata as { managedFields?: { manager?: string }[] } | undefined)?.managedFields ?? [];
  return JSON.stringify(entries.filter((e) => e.manager !== self));
}

function isReady(o: Obj): boolean {
  const conds =
    (o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The pick an ImagePolicy's status holds, as one comparable string. */
function latestRef(o: Obj): string {
  return JSON.stringify((o.status as { latestRef?: unknown } | undefined)?.latestRef ?? null);
}

/** What a drift watch compares: the object without status and server bookkeeping. */
function specHash(o: Obj): string {
  const { status: _s, metadata, ...rest } = o;
  const { resourceVersion: _r, managedFields: _m, generation: _g, ...m } = (metadata ?? {}) as Obj;
  return JSON.stringify({ ...rest, metadata: m });
}

export class Controller {
  readonly queue: WorkQueue;
  private readonly seen = new Map<string, Seen>();
  private readonly abort = new AbortController();
  private readonly driftWatches = new Map<string, Promise<void>>();
  private readonly driftState = new Map<string, { hash: string; foreign: string }>();
  private readonly driftTimers = new Map<string, NodeJS.Timeout>();
  private readonly informers: Promise<void>[] = [];
  private synced = 0;

  constructor(
    private readonly ctx: ReconcileContext,
    opts: ControllerOptions,
  ) {
    this.queue = new WorkQueue((key, signal) => this.reconcile(key, signal), {
      concurrency: opts.concurrency,
      backoff: { baseMs: 1_000, maxMs: 5 * 60_000, jitter: 0.1 },
      random: opts.random,
      clock: opts.clock,
      onError: (key, err, info) =>
        ctx.log.debug(
          { key, retryInMs: info?.retryInMs, error: err instanceof Error ? err.message : String(err) },
          'reconcile will be retried',
        ),
    });
    this.random = opts.random;
  }

  private readonly random: () => number;

  /** True once every informer has listed once. */
  ready(): boolean {
    return this.synced >= KINDS.length;
  }

  /**
   * The informers' current copies of the watched objects, of one kind or all, for read-only views (the status
   * API) that must not start watches of their own. Callers must not modify them.
   */
  objects(kind?: Kind): readonly Obj[] {
    const out: Obj[] = [];
    for (const [key, s] of this.seen) if (!kind || key.startsWith(`${kind}/`)) out.push(s.obj);
    return out;
  }

  start(): void {
    this.queue.start();
    this.ctx.artifacts.onNewRevision((key) => this.triggerSyncsOf('GitRepository', key));
    this.ctx.helmIndexes.onNewRevision((key) => this.triggerSyncsOf('HelmRepository', key));
    this.ctx.imageTags.onNewRevision((key) => this.triggerPoliciesOf(key));
    for (const kind of KINDS) {
      let listed = false;
      this.informers.push(
        runInformer(
          this.ctx.client,
          GROUP_VERSION,
          kind,
          {
            retryMs: 1_000,
            onError: (err) =>
              // Right after the CRDs are installed a kind may not be served yet for a moment: not worth a warning.
              err instanceof KubeError && err.code === 404
                ? this.ctx.log.debug({ kind, error: String(err) }, 'kind not served yet, re-listing')
                : this.ctx.log.warn({ kind, error: String(err) }, 'watch failed, re-listing'),
          },
          (type, obj) => {
            this.observe(kind, type, obj);
            if (!listed) {
              listed = true;
              this.synced += 1;
            }
          },
          this.abort.signal,
        ),
      );
      // An empty list produces no event: count the informer as synced after its first list anyway.
      setTimeout(() => {
        if (!listed) {
          listed = true;
          this.synced += 1;
        }
      }, 1_000).unref();
    }
  }

  async stop(drainTimeoutMs: number): Promise<{ abandoned: string[] }> {
    this.abort.abort();
    for (const t of this.driftTimers.values()) clearTimeout(t);
    return this.queue.shutdown({ drainTimeoutMs });
  }

  private observe(kind: Kind, type: InformerEvent, obj: Obj): void {
    const m = metaOf(obj);
    const key = `${kind}/${m.namespace}/${m.name}`;
    if (type === 'DELETED') {
      this.seen.delete(key);
      this.queue.remove(key);
      this.ctx.metrics.forget(kind, m.namespace, m.name);
      if (kind === 'GitRepository') this.ctx.artifacts.delete(m.namespace, m.name);
      if (kind === 'HelmRepository') this.ctx.helmIndexes.delete(m.namespace, m.name);
      if (kind === 'ImageRepository') this.ctx.imageTags.delete(m.namespace, m.name);
      return;
    }
    const generation = m.generation ?? 1;
    const requested = m.annotations?.[RECONCILE_REQUEST_ANNOTATION];
    const prev = this.seen.get(key);
    this.seen.set(key, { generation, ...(requested ? { requested } : {}), obj });
    if (kind === 'Sync') {
      this.watchInventoryKinds(obj);
      // A dependency that just became Ready releases its dependents now, not at their next retry.
      if (isReady(obj) && (!prev || !isReady(prev.obj))) this.triggerDependentsOf(m.namespace, m.name);
    }
    // A new pick (a status write, so no new generation) is what the namespace's automations wait for.
    if (kind === 'ImagePolicy' && prev && latestRef(prev.obj) !== latestRef(obj))
      this.triggerAutomationsOf(m.namespace, m.labels ?? {});
    // Status writes do not change the generation: only spec changes and explicit requests trigger a reconcile.
    if (!prev || prev.generation !== generation || prev.requested !== requested) this.queue.add(key);
  }

  private async reconcile(key: string, signal: AbortSignal): Promise<{ requeueAfterMs: number } | undefined> {
    const [kind, namespace = '', name = ''] = key.split('/') as [Kind, string, string];
    // Read the object fresh: the informer's copy may predate our own last status write.
    const obj = await this.ctx.client.get({
      group: 'steward.dev',
      version: 'v1alpha1',
      kind,
      namespace,
      name,
    });
    if (!obj) return undefined;
    try {
      const result = await this.dispatch(kind, obj, signal);
      for (const other of result.wake ?? []) this.queue.add(other);
      if (result.requeueAfterMs === undefined) return undefined;
      return { requeueAfterMs: withJitter(result.requeueAfterMs, DEFAULT_INTERVAL_JITTER, this.random) };
    } finally {
      // Deleted while it ran: its series must not come back from this last run.
      if (!this.seen.has(key)) this.ctx.metrics.forget(kind, namespace, name);
    }
  }

  private dispatch(kind: Kind, obj: Obj, signal: AbortSignal): Promise<ReconcileResult> {
    switch (kind) {
      case 'GitRepository':
        return reconcileGitRepository(this.ctx, obj);
      case 'HelmRepository':
        return reconcileHelmRepository(this.ctx, obj);
      case 'Sync':
        return reconcileSync(this.ctx, obj, signal);
      case 'ImageRepository':
        return reconcileImageRepository(this.ctx, obj);
      case 'ImagePolicy':
        return reconcileImagePolicy(this.ctx, obj);
      case 'ImageUpdateAutomation':
        return reconcileImageUpdateAutomation(this.ctx, obj, signal);
    }
  }

  /** Queues every watched object whose key starts with `prefix` (`Kind/` or `Kind/namespace/`) and that `match`es. */
  private queueWhere<S>(prefix: string, match: (spec: S, namespace: string) => boolean): void {
    for (const [key, s] of this.seen)
      if (key.startsWith(prefix) && match((s.obj.spec ?? {}) as S, metaOf(s.obj).namespace))
        this.queue.add(key);
  }

  /** Queues the ImagePolicies that choose from the ImageRepository `namespace/name`, whose tags changed. */
  private triggerPoliciesOf(repoKey: string): void {
    const [ns, name] = repoKey.split('/');
    this.queueWhere<{ imageRepositoryRef?: { name?: string } }>(
      `ImagePolicy/${ns}/`,
      (spec) => spec.imageRepositoryRef?.name === name,
    );
  }

  /** Queues the ImageUpdateAutomations of `namespace` whose policySelector selects a policy with `labels`. */
  private triggerAutomationsOf(namespace: string, labels: Record<string, string>): void {
    this.queueWhere<{ policySelector?: { matchLabels?: Record<string, string> } }>(
      `ImageUpdateAutomation/${namespace}/`,
      (spec) => Object.entries(spec.policySelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
    );
  }

  private triggerDependentsOf(namespace: string, name: string): void {
    this.queueWhere<{ dependsOn?: { name: string; namespace?: string }[] }>('Sync/', (spec, own) =>
      (spec.dependsOn ?? []).some((d) => d.name === name && (d.namespace ?? own) === namespace),
    );
  }

  /** Queues the Syncs whose sourceRef is the source `namespace/name` of `kind`. */
  private triggerSyncsOf(kind: 'GitRepository' | 'HelmRepository', sourceKey: string): void {
    const [ns, name] = sourceKey.split('/');
    this.queueWhere<{ sourceRef?: { kind?: string; name?: string; namespace?: string } }>(
      'Sync/',
      (spec, own) =>
        (spec.sourceRef?.kind ?? 'GitRepository') === kind &&
        spec.sourceRef?.name === name &&
        (spec.sourceRef?.namespace ?? own) === ns,
    );
  }

  /** One watch per kind a Sync has applied, selecting the objects Steward owns. */
  private watchInventoryKinds(sync: Obj): void {
    const entries =
      (sync.status as { inventory?: { entries?: { id: string; v: string }[] } } | undefined)?.inventory
        ?.entries ?? [];
    for (const e of entries) {
      const ref = parseInventoryId(e.id, e.v);
      if (!ref) continue;
      const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
      const gvk = `${apiVersion}|${ref.kind}`;
      if (this.driftWatches.has(gvk)) continue;
      this.driftWatches.set(
        gvk,
        runInformer(
          this.ctx.client,
          apiVersion,
          ref.kind,
          {
            labelSelector: OWNER_NAME_LABEL,
            retryMs: 2_000,
            onError: (err) =>
              this.ctx.log.debug({ gvk, error: String(err) }, 'drift watch failed, re-listing'),
          },
          (type, obj) => this.onOwnedObject(gvk, type, obj),
          this.abort.signal,
        ),
      );
    }
  }

  private onOwnedObject(gvk: string, type: InformerEvent, obj: Obj): void {
    const m = metaOf(obj);
    const id = `${gvk}|${m.namespace}/${m.name}`;
    const hash = type === 'DELETED' ? 'deleted' : specHash(obj);
    const foreign = type === 'DELETED' ? 'deleted' : foreignManagers(obj, this.ctx.config.fieldManager);
    const before = this.driftState.get(id);
    this.driftState.set(id, { hash, foreign });
    if (type === 'DELETED') this.driftState.delete(id);
    if (before === undefined || before.hash === hash) return; // first sight, or a status-only change
    // Our own apply changes only our managedFields entry: that is not drift, and reconciling again is waste.
    if (before.foreign === foreign) return;
    const owner = `Sync/${m.labels?.[OWNER_NAMESPACE_LABEL] ?? ''}/${m.labels?.[OWNER_NAME_LABEL] ?? ''}`;
    if (!this.seen.has(owner)) return;
    // Coalesce a burst of edits into one reconcile.
    if (this.driftTimers.has(owner)) return;
    this.driftTimers.set(
      owner,
      setTimeout(() => {
        this.driftTimers.delete(owner);
        this.queue.add(owner);
      }, 250),
    );
  }
}
