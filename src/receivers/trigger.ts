/**
 * Turns a verified call into reconcile requests: each target object gets a new
 * `steward.dev/reconcile-requested-at` annotation through a JSON merge patch, as Flux's receiver sets
 * `reconcile.fluxcd.io/requestedAt`. Writing to the object rather than to an in-memory queue is what lets any
 * replica answer: the Service spreads calls across pods, and the leader's informer sees the annotation change
 * and queues the object whichever pod wrote it.
 */
import { RECONCILE_REQUEST_ANNOTATION } from '../core/constants.js';
import type { Clock } from '../engine/clock.js';
import { Coalescer } from './coalesce.js';
import { requestStamp } from './stamp.js';
import { labelSelector, targetString } from './targets.js';
import type { Target } from './types.js';

/** One object, by API version, kind, namespace and name. */
export interface ObjectKey {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The cluster operations a trigger needs; src/receivers/kube.ts implements them over the API server. */
export interface ObjectPatcher {
  /** Applies a JSON merge patch to one object; false when the object does not exist. */
  mergePatch(ref: ObjectKey, patch: object): Promise<boolean>;
  /** The names of the objects of a kind in a namespace that match a label selector. */
  listNames(apiVersion: string, kind: string, namespace: string, labelSelector: string): Promise<string[]>;
}

/** A target that could not be requested, and why (API server text only: never a header or body of the call). */
export interface TriggerFailure {
  target: string;
  error: string;
}

export interface TriggerResult {
  /** Objects whose request reached the API server. */
  requested: number;
  failed: TriggerFailure[];
}

class ObjectNotFound extends Error {
  override readonly name = 'ObjectNotFound';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Shortest time between two annotation writes to one object: about what a GitRepository reconcile that fetches
 * takes, so the trailing write lands while the first reconcile still runs (see coalesce.ts).
 */
export const WRITE_SPACING_MS = 250;

export interface TriggererOptions {
  /** Times the spacing of writes. */
  clock: Clock;
  /** Wall-clock milliseconds, for the annotation value. */
  now: () => number;
  spacingMs?: number;
}

/** Requests reconciles of a Receiver's targets, coalescing the writes per object. */
export class Triggerer {
  private readonly coalescer: Coalescer;
  private readonly now: () => number;
  private lastStampMs = 0;

  constructor(
    private readonly patcher: ObjectPatcher,
    opts: TriggererOptions,
  ) {
    this.now = opts.now;
    this.coalescer = new Coalescer(
      (key) => this.write(JSON.parse(key) as ObjectKey),
      opts.clock,
      opts.spacingMs ?? WRITE_SPACING_MS,
    );
  }

  /** Annotation writes made so far (after coalescing). */
  writes(): number {
    return this.coalescer.writes;
  }

  /** Requests a reconcile of every object the targets name or select; resolves once each write is done. */
  async trigger(targets: readonly Target[]): Promise<TriggerResult> {
    const failed: TriggerFailure[] = [];
    const objects: ObjectKey[] = [];
    for (const t of targets) {
      if ('name' in t) {
        objects.push(t);
        continue;
      }
      try {
        const names = await this.patcher.listNames(
          t.apiVersion,
          t.kind,
          t.namespace,
          labelSelector(t.matchLabels),
        );
        for (const name of names)
          objects.push({ apiVersion: t.apiVersion, kind: t.kind, namespace: t.namespace, name });
      } catch (err) {
        failed.push({ target: targetString(t), error: errorText(err) });
      }
    }
    const results = await Promise.allSettled(objects.map((o) => this.coalescer.request(keyOf(o))));
    let requested = 0;
    results.forEach((r, i) => {
      const o = objects[i] as ObjectKey;
      if (r.status === 'fulfilled') requested += 1;
      else failed.push({ target: `${o.kind}/${o.namespace}/${o.name}`, error: errorText(r.reason) });
    });
    return { requested, failed };
  }

  private async write(o: ObjectKey): Promise<void> {
    const stamp = requestStamp(this.now(), this.lastStampMs);
    this.lastStampMs = stamp.ms;
    const found = await this.patcher.mergePatch(o, {
      metadata: { annotations: { [RECONCILE_REQUEST_ANNOTATION]: stamp.value } },
    });
    if (!found) throw new ObjectNotFound(`${o.kind} '${o.namespace}/${o.name}' not found`);
  }
}

/** The coalescing key: the object's identity, in a form that cannot be confused across fields. */
function keyOf(o: ObjectKey): string {
  return JSON.stringify({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace, name: o.name });
}
