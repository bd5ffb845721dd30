/**
 * The Sync reconciler (Flux kustomize-controller's job), one pass of the pipeline:
 *   source artifact -> render -> plan -> apply -> prune -> health -> status / events / metrics
 * A failure keeps the live objects and the last inventory, reports why (object, file, reason) and either
 * retries (transient) or stalls until the spec or the revision changes (terminal).
 */
import type { Sync } from '../api/index.js';
import { parseDuration, validateSync } from '../api/index.js';
import type { HelmStatus } from '../api/schema/sync.js';
import { ApplyError, applyPlan, jsonEqual, planPrune, prune, pruneSafety } from '../apply/index.js';
import {
  GROUP_VERSION,
  OWNER_NAME_LABEL,
  OWNER_NAMESPACE_LABEL,
  RECONCILE_REQUEST_ANNOTATION,
} from '../core/constants.js';
import type { ChangeSet, Inventory, ObjectRef } from '../core/types.js';
import { inventoryId, Reasons, ReconcileError } from '../core/types.js';
import type { KubeClient } from '../kube/index.js';
import { eventMetadata, failingObjectsOf, ProgressiveEvents, withFailingObjects } from '../notify/index.js';
import { inventoryOf } from '../plan/index.js';
import type { TenantPolicy } from '../tenancy/tenancy.js';
import { serviceAccountUser } from '../tenancy/tenancy.js';
import type { Condition, Outcome } from './conditions.js';
import { conditionsFor, readyStatus, setCondition } from './conditions.js';
import type { ReconcileContext } from './context.js';
import { rfc3339 } from './context.js';
import { waitForHealthy } from './health-wait.js';
import { hookStages } from './helm-hooks.js';
import { recordOutcome } from './observe.js';
import { buildSource, helmStatus, syncSource } from './sync-helm.js';
import { checkDependencies, substitutionVars } from './sync-inputs.js';

const KIND = 'Sync';

export interface SyncResult {
  /** When to run again; absent for a stalled Sync, which waits for its inputs to change. */
  requeueAfterMs?: number;
}

interface SyncStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  inventory?: Inventory;
  helm?: HelmStatus | undefined;
  [k: string]: unknown;
}

function summary(cs: ChangeSet): string {
  const counts = new Map<string, number>();
  for (const c of cs.changes) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
  return [...counts].map(([a, n]) => `${n} ${a}`).join(', ') || 'nothing to apply';
}

export async function reconcileSync(
  ctx: ReconcileContext,
  raw: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<SyncResult> {
  const meta = (raw.metadata ?? {}) as { name: string; namespace: string; generation?: number; uid?: string };
  const generation = meta.generation ?? 1;
  const log = ctx.log.child({ kind: KIND, namespace: meta.namespace, name: meta.name });
  const involved = {
    apiVersion: GROUP_VERSION,
    kind: KIND,
    namespace: meta.namespace,
    name: meta.name,
    ...(meta.uid ? { uid: meta.uid } : {}),
  };
  const prev = (raw.status ?? {}) as SyncStatus;
  const started = Date.now();
  const writeStatus = async (status: SyncStatus, result?: 'success' | 'failure') => {
    // The gauges follow the conditions even when the status itself is unchanged and not written.
    recordOutcome(ctx, KIND, meta, status.conditions ?? [], result, started);
    if (jsonEqual(status, prev)) return; // a no-op reconcile writes nothing
    await ctx.client.patchStatus(
      GROUP_VERSION,
      KIND,
      meta.namespace,
      meta.name,
      status,
      ctx.config.fieldManager,
    );
  };
  const conditions = (outcome: Outcome) =>
    conditionsFor(prev.conditions ?? [], outcome, generation, rfc3339(ctx.now()));
  // Flux's reconcile.fluxcd.io/requestedAt contract: status says which request was handled.
  const annotations = (raw.metadata as { annotations?: Record<string, string> } | undefined)?.annotations;
  const requested = annotations?.[RECONCILE_REQUEST_ANNOTATION];
  const handled = requested ? { lastHandledReconcileAt: requested } : {};

  const checked = validateSync(raw);
  if (!checked.ok) {
    const message = `invalid spec: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
    await writeStatus(
      {
        ...prev,
        observedGeneration: generation,
        conditions: conditions({
          kind: 'failed',
          retry: 'terminal',
          reason: Reasons.ValidationFailed,
          message,
        }),
      },
      'failure',
    );
    ctx.events.record(involved, 'Warning', Reasons.ValidationFailed, message);
    return {}; // stalled: only a new generation (a spec change) re-queues it
  }
  const sync = checked.value;
  const intervalMs = parseDuration(sync.spec.interval);
  const retryMs = sync.spec.retryInterval ? parseDuration(sync.spec.retryInterval) : intervalMs;
  const timeoutMs = sync.spec.timeout
    ? parseDuration(sync.spec.timeout)
    : Math.min(intervalMs, parseDuration(ctx.config.defaultTimeout));
  ctx.metrics.setSuspended(KIND, meta.namespace, meta.name, sync.spec.suspend === true);
  if (sync.spec.suspend) return { requeueAfterMs: intervalMs };

  let revision = prev.lastAttemptedRevision ?? '';
  try {
    const source = await syncSource(ctx, sync, signal);
    revision = source.revision;
    const waiting = await checkDependencies(ctx, sync, revision);
    if (waiting) {
      await writeStatus({
        ...prev,
        observedGeneration: generation,
        conditions: conditions({
          kind: 'failed',
          retry: 'transient',
          reason: Reasons.DependencyNotReady,
          message: waiting,
        }),
      });
      return { requeueAfterMs: 30_000 };
    }
    // Sync windows: outside an allowed window nothing new is applied; drift is corrected only if the window says so.
    const window = ctx.syncWindows.evaluate({ namespace: meta.namespace, name: meta.name }, ctx.now());
    const newWork = prev.lastAppliedRevision !== revision || prev.observedGeneration !== generation;
    if (heldByWindow(window, newWork)) {
      const next = window.nextChange ? `; next change at ${rfc3339(window.nextChange)}` : '';
      const message = `held by sync window: ${window.reason ?? 'outside the allowed windows'}${next}`;
      await writeStatus({
        ...prev,
        ...handled,
        conditions: setCondition(
          prev.conditions ?? [],
          {
            type: 'Reconciling',
            status: 'True',
            reason: 'SyncWindowClosed',
            message,
            observedGeneration: generation,
          },
          rfc3339(ctx.now()),
        ),
      });
      const untilChange = window.nextChange ? window.nextChange.getTime() - ctx.now().getTime() : intervalMs;
      return { requeueAfterMs: Math.max(1_000, Math.min(intervalMs, untilChange)) };
    }
    const identity = identityOf(ctx, sync);
    const client = identity.user ? ctx.clientAs(identity.user) : ctx.client;
    const vars = await substitutionVars(ctx, client, sync);
    const built = await buildSource(ctx, client, sync, source, vars, identity.tenant, prev.helm, signal);
    const planned = built.planned;
    const next = inventoryOf(planned);
    const previous = prev.inventory ?? { entries: [] };
    // Record what this apply may create before creating it: if the agent dies (or the final status write
    // fails) after the apply, the next reconcile still knows these objects and can prune them later.
    const widened = union(previous, next);
    if (widened.entries.length > previous.entries.length) {
      await ctx.client.patchStatus(
        GROUP_VERSION,
        KIND,
        meta.namespace,
        meta.name,
        { ...prev, inventory: widened },
        ctx.config.fieldManager,
      );
      prev.inventory = widened;
    }
    const applyOptions = {
      fieldManager: ctx.config.fieldManager,
      force: sync.spec.force === true,
      knownControllers: ctx.config.knownControllers,
      waitTimeoutMs: timeoutMs,
    };
    // A chart's pre-install/pre-upgrade hooks run before its objects, when the release changed.
    const hooks = built.helm
      ? hookStages(ctx, client, meta, built.helm, prev.helm, {
          apply: applyOptions,
          timeoutMs,
          log,
          ...(signal ? { signal } : {}),
        })
      : undefined;
    await hooks?.pre();
    let changeSet: ChangeSet;
    try {
      changeSet = await applyPlan(client, planned, applyOptions);
    } catch (err) {
      // Objects created before the failure join the inventory, so a later revision can still prune them.
      if (err instanceof ApplyError) throw withInventory(err, mergeCreated(previous, err.changeSet));
      throw err;
    }
    ctx.metrics.recordChanges(meta.namespace, meta.name, changeSet);
    const drifted = changeSet.changes.filter((c) => c.action === 'configured').length;
    if (drifted > 0 && prev.lastAppliedRevision === revision && prev.observedGeneration === generation) {
      ctx.metrics.driftCorrected(meta.namespace, meta.name, drifted);
      log.info({ objects: drifted }, 'drift corrected');
    }
    let inventory = next;
    if (sync.spec.prune)
      inventory = await pruneStale(ctx, client, sync, previous, next, planned.length === 0);
    if (changeSet.changes.some((c) => c.action !== 'unchanged')) {
      log.info({ revision, changes: summary(changeSet) }, 'server-side apply completed');
    }
    const checks = healthTargets(
      sync,
      planned.map((p) => p.ref),
    );
    if (checks.length > 0) {
      // Canary and Rollout phases seen while waiting become CanaryProgressing/Promoted/Failed events.
      const progressive = new ProgressiveEvents();
      const health = await waitForHealthy(client, checks, {
        timeoutMs,
        pollMs: 500,
        ...(signal ? { signal } : {}),
        now: ctx.now,
        onPhases: (phases) => {
          ctx.observer?.progressivePhases(meta, phases);
          for (const e of progressive.observe(phases))
            ctx.events.record(involved, e.type, e.reason, e.message, eventMetadata(revision, [e.object]));
        },
      });
      if (!health.summary.ready) {
        // The failed objects, or on a timeout the ones still not ready: `Kind ns/name` becomes `Kind/ns/name`.
        const issues = health.summary.failed.length > 0 ? health.summary.failed : health.summary.inProgress;
        throw withInventory(
          withFailingObjects(
            new ReconcileError(Reasons.HealthCheckFailed, 'transient', health.message),
            issues.map((i) => i.ref.replace(' ', '/')),
          ),
          inventory,
        );
      }
    }
    // Post hooks run once the release's objects are healthy: checked above with spec.wait, else waited for now.
    await hooks?.post(sync.spec.wait === true).catch((err: unknown) => {
      throw err instanceof Error ? withInventory(err, inventory) : err;
    });
    const message = `Applied revision: ${revision}`;
    const status: SyncStatus = {
      ...prev,
      ...handled,
      observedGeneration: generation,
      conditions: conditions({ kind: 'ready', reason: Reasons.Succeeded, message }),
      lastAppliedRevision: revision,
      lastAttemptedRevision: revision,
      inventory,
      helm: built.helm ? helmStatus(built.helm) : undefined,
    };
    await writeStatus(status, 'success');
    // A Sync that was failing announces its recovery even when nothing changed (notifications close the failure).
    const recovered = readyStatus(prev.conditions) === 'False';
    if (prev.lastAppliedRevision !== revision || prev.observedGeneration !== generation || recovered) {
      ctx.events.record(involved, 'Normal', Reasons.Succeeded, `${message} (${summary(changeSet)})`, {
        'steward.dev/revision': revision,
      });
    }
    return { requeueAfterMs: intervalMs };
  } catch (err) {
    const e =
      err instanceof ReconcileError
        ? err
        : new ReconcileError(
            Reasons.ApplyFailed,
            'transient',
            err instanceof Error ? err.message : String(err),
          );
    const inventory = (err as { inventory?: Inventory }).inventory ?? prev.inventory;
    const message = e.subject && !e.message.includes(e.subject) ? `${e.subject}: ${e.message}` : e.message;
    // A source that has not produced an artifact yet is something to wait for (Flux: requeue, no failure).
    const waitingForSource = e.reason === Reasons.SourceNotFound && e.retry === 'transient';
    await writeStatus(
      {
        ...prev,
        ...handled,
        observedGeneration: generation,
        conditions: conditions({ kind: 'failed', retry: e.retry, reason: e.reason, message }),
        ...(revision ? { lastAttemptedRevision: revision } : {}),
        ...(inventory ? { inventory } : {}),
      },
      waitingForSource ? undefined : 'failure',
    ).catch((werr: unknown) => log.warn({ err: werr }, 'status update failed'));
    if (waitingForSource) {
      log.info({ reason: e.reason, source: e.subject }, 'waiting for the source artifact');
      return { requeueAfterMs: Math.min(retryMs, 10_000) };
    }
    ctx.events.record(involved, 'Warning', e.reason, message, eventMetadata(revision, failingObjectsOf(err)));
    log.warn({ reason: e.reason, subject: e.subject, error: e.message, revision }, 'reconcile failed');
    // Stalled: a new generation or a new source revision re-queues it; retrying the same input cannot help.
    if (e.retry === 'terminal') return {};
    throw e;
  }
}

function withInventory<E extends Error>(err: E, inventory: Inventory): E {
  return Object.assign(err, { inventory });
}

function mergeCreated(previous: Inventory, cs: ChangeSet): Inventory {
  const ids = new Set(previous.entries.map((e) => e.id));
  const entries = [...previous.entries];
  for (const c of cs.changes) {
    if (c.action !== 'created') continue;
    const id = inventoryId(c.ref);
    if (!ids.has(id))
      entries.push({ id, v: c.ref.group ? `${c.ref.group}/${c.ref.version}` : c.ref.version });
  }
  return { entries };
}

/** Prunes what left the revision; refusals and failures keep the objects in the inventory. */
async function pruneStale(
  ctx: ReconcileContext,
  client: KubeClient,
  sync: Sync,
  previous: Inventory,
  next: Inventory,
  emptyRender: boolean,
): Promise<Inventory> {
  const stale = planPrune(previous, next);
  if (stale.length === 0) return next;
  const refusal = pruneSafety(previous.entries.length, emptyRender ? 0 : next.entries.length, {
    allowEmpty: sync.spec.allowEmpty === true,
  });
  if (refusal) {
    throw withInventory(
      new ReconcileError(Reasons.PruneFailed, 'terminal', `${refusal}; set spec.allowEmpty to allow it`),
      union(next, previous),
    );
  }
  const result = await prune(client, stale, {
    ownerLabels: { [OWNER_NAME_LABEL]: sync.metadata.name, [OWNER_NAMESPACE_LABEL]: sync.metadata.namespace },
  });
  ctx.metrics.recordChanges(sync.metadata.namespace, sync.metadata.name, result);
  const kept = previous.entries.filter((e) => result.failed.some((r: ObjectRef) => inventoryId(r) === e.id));
  const inventory = union(next, { entries: kept });
  if (result.errors.length > 0) {
    const first = result.errors[0];
    throw withInventory(
      new ReconcileError(Reasons.PruneFailed, 'transient', first?.message ?? 'prune failed', first?.subject),
      inventory,
    );
  }
  return inventory;
}

function union(a: Inventory, b: Inventory): Inventory {
  const ids = new Set(a.entries.map((e) => e.id));
  return { entries: [...a.entries, ...b.entries.filter((e) => !ids.has(e.id))] };
}

/**
 * A window holds new work (a new revision or spec) unless it allows syncs, and holds a resync of applied work
 * (drift correction) unless it allows drift correction.
 */
export function heldByWindow(
  window: { allowed: boolean; driftCorrection: boolean },
  newWork: boolean,
): boolean {
  return newWork ? !window.allowed : !window.driftCorrection;
}

/**
 * Who a Sync applies as. The platform's Syncs (in lockdown.platformNamespaces, or bootstrap Syncs listed in
 * the agent config; tenants can write neither) act as the agent unless they name a service account. Every
 * other Sync is a tenant: it acts as spec.serviceAccountName, else the configured default, else its namespace's `default` service account
 * (which has no rights unless the platform grants them), and is confined to its namespace.
 */
function identityOf(ctx: ReconcileContext, sync: Sync): { user?: string; tenant?: TenantPolicy } {
  const ns = sync.metadata.namespace;
  const privileged =
    ctx.config.lockdown.platformNamespaces.includes(ns) ||
    ctx.config.bootstrap.some(
      (b) =>
        b.kind === 'Sync' &&
        b.apiVersion === GROUP_VERSION &&
        b.metadata.name === sync.metadata.name &&
        b.metadata.namespace === ns,
    );
  const sa =
    sync.spec.serviceAccountName ??
    (privileged ? undefined : (ctx.config.defaultServiceAccount ?? 'default'));
  const user = sa ? serviceAccountUser(ns, sa) : undefined;
  if (privileged) return user ? { user } : {};
  return {
    ...(user ? { user } : {}),
    tenant: { namespace: ns, allowedClusterKinds: ctx.config.lockdown.allowedClusterKinds },
  };
}

/** spec.wait checks every applied object; otherwise spec.healthChecks names them. */
function healthTargets(sync: Sync, applied: ObjectRef[]): ObjectRef[] {
  if (sync.spec.wait) return applied;
  return (sync.spec.healthChecks ?? []).map((h) => {
    const [group, version] = (h.apiVersion ?? 'v1').includes('/')
      ? (h.apiVersion ?? '').split('/')
      : ['', h.apiVersion ?? 'v1'];
    return {
      group: group ?? '',
      version: version ?? 'v1',
      kind: h.kind,
      namespace: h.namespace ?? sync.metadata.namespace,
      name: h.name,
    };
  });
}
