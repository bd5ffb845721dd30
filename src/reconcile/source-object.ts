/**
 * What every source reconciler (GitRepository, HelmRepository, the image kinds) reads off its object first and how it writes
 * status back, so each kind's file holds only what is its own.
 */
import type { Logger } from 'pino';
import { GROUP_VERSION, RECONCILE_REQUEST_ANNOTATION } from '../core/constants.js';
import { Reasons, type ReconcileError } from '../core/types.js';
import { type Condition, conditionsFor, type Outcome } from './conditions.js';
import { type ReconcileContext, rfc3339 } from './context.js';
import type { InvolvedObject } from './events.js';
import { recordOutcome } from './observe.js';

export interface SourceMeta {
  name: string;
  namespace: string;
  generation?: number;
  uid?: string;
}

export interface SourceObject {
  meta: SourceMeta;
  /** `Kind/namespace/name`, the subject of errors. */
  subject: string;
  log: Logger;
  generation: number;
  involved: InvolvedObject;
  /** Date.now() when the reconcile started, for its duration. */
  started: number;
  /**
   * Flux's reconcile.fluxcd.io/requestedAt contract: status says which request was handled, so
   * `steward reconcile` (and a Receiver's caller) can tell when its request was acted on.
   */
  handled: { lastHandledReconcileAt?: string };
}

export function sourceObject(
  ctx: ReconcileContext,
  kind: string,
  raw: Record<string, unknown>,
): SourceObject {
  const meta = (raw.metadata ?? {}) as SourceMeta & { annotations?: Record<string, string> };
  const requested = meta.annotations?.[RECONCILE_REQUEST_ANNOTATION];
  return {
    meta,
    subject: `${kind}/${meta.namespace}/${meta.name}`,
    log: ctx.log.child({ kind, namespace: meta.namespace, name: meta.name }),
    generation: meta.generation ?? 1,
    involved: {
      apiVersion: GROUP_VERSION,
      kind,
      namespace: meta.namespace,
      name: meta.name,
      ...(meta.uid ? { uid: meta.uid } : {}),
    },
    started: Date.now(),
    handled: requested ? { lastHandledReconcileAt: requested } : {},
  };
}

export function failedOutcome(retry: 'transient' | 'terminal', reason: string, message: string): Outcome {
  return { kind: 'failed', retry, reason, message };
}

/** Server-side applies the status subresource as the agent's field manager. */
export async function writeSourceStatus(
  ctx: ReconcileContext,
  kind: string,
  meta: { name: string; namespace: string },
  status: Record<string, unknown>,
): Promise<void> {
  await ctx.client.patchStatus(
    GROUP_VERSION,
    kind,
    meta.namespace,
    meta.name,
    status,
    ctx.config.fieldManager,
  );
}

/**
 * The end of a reconcile whose spec failed validation: Stalled with every problem listed, an event, the metrics.
 * Nothing is retried until the spec changes.
 */
export async function stallInvalid(
  ctx: ReconcileContext,
  kind: string,
  src: SourceObject,
  prevStatus: Record<string, unknown>,
  errors: readonly { path: string; message: string }[],
): Promise<void> {
  const message = `invalid spec: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
  const conditions = conditionsFor(
    (prevStatus.conditions ?? []) as Condition[],
    failedOutcome('terminal', Reasons.ValidationFailed, message),
    src.generation,
    rfc3339(ctx.now()),
  );
  await writeSourceStatus(ctx, kind, src.meta, {
    ...prevStatus,
    ...src.handled,
    observedGeneration: src.generation,
    conditions,
  });
  ctx.events.record(src.involved, 'Warning', Reasons.ValidationFailed, message);
  recordOutcome(ctx, kind, src.meta, conditions, 'failure', src.started);
}

/**
 * The end of a failed reconcile: Ready False (Stalled when terminal) with the error's reason and message, the
 * metrics, the status written over the last good one (so artifacts and picks stay), a Warning event and a log
 * line. `logMessage` is the static message of the log line.
 */
export async function recordFailure(
  ctx: ReconcileContext,
  kind: string,
  src: SourceObject,
  prevStatus: Record<string, unknown>,
  e: ReconcileError,
  logMessage: string,
  extra: Record<string, unknown> = {},
): Promise<Condition[]> {
  const failed = conditionsFor(
    (prevStatus.conditions ?? []) as Condition[],
    failedOutcome(e.retry, e.reason, e.message),
    src.generation,
    rfc3339(ctx.now()),
  );
  recordOutcome(ctx, kind, src.meta, failed, 'failure', src.started);
  await writeSourceStatus(ctx, kind, src.meta, {
    ...prevStatus,
    ...src.handled,
    ...extra,
    observedGeneration: src.generation,
    conditions: failed,
  }).catch((werr: unknown) => src.log.warn({ err: werr }, 'status update failed'));
  ctx.events.record(src.involved, 'Warning', e.reason, e.message);
  src.log.warn({ reason: e.reason, error: e.message }, logMessage);
  return failed;
}

/**
 * The start every source reconciler shares: read the object, validate it (an invalid spec is stalled, see
 * stallInvalid, and `undefined` returned), and export whether it is suspended. What a suspended object returns
 * is the caller's: its own interval, or nothing.
 */
export async function admitSource<T extends { spec: { suspend?: boolean } }>(
  ctx: ReconcileContext,
  kind: string,
  raw: Record<string, unknown>,
  validate: (
    obj: unknown,
  ) => { ok: true; value: T } | { ok: false; errors: { path: string; message: string }[] },
): Promise<{ src: SourceObject; value: T } | undefined> {
  const src = sourceObject(ctx, kind, raw);
  const checked = validate(raw);
  if (!checked.ok) {
    await stallInvalid(ctx, kind, src, (raw.status ?? {}) as Record<string, unknown>, checked.errors);
    return undefined;
  }
  const { meta } = src;
  ctx.metrics.setSuspended(kind, meta.namespace, meta.name, checked.value.spec.suspend === true);
  return { src, value: checked.value };
}

/** The status fields of a successful reconcile: the handled request, the generation, Ready True with `message`. */
export function readyFields(
  ctx: ReconcileContext,
  src: SourceObject,
  conditions: readonly Condition[],
  message: string,
): { lastHandledReconcileAt?: string; observedGeneration: number; conditions: Condition[] } {
  return {
    ...src.handled,
    observedGeneration: src.generation,
    conditions: conditionsFor(
      conditions,
      { kind: 'ready', reason: 'Succeeded', message },
      src.generation,
      rfc3339(ctx.now()),
    ),
  };
}
