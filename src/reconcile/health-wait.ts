/** Waits for applied objects to become healthy (kstatus Current), failing fast on a Failed object. */
import type { ObjectRef } from '../core/types.js';
import type { HealthSummary } from '../health/index.js';
import { evaluate, healthMessage, summarize } from '../health/index.js';
import type { KubeClient } from '../kube/index.js';
import type { ProgressivePhase } from './observe.js';

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
  now?: () => Date;
  /** Told at every poll of the phases of the Flagger Canaries and Argo Rollouts among the objects. */
  onPhases?: (phases: ProgressivePhase[]) => void;
}

export interface WaitResult {
  summary: HealthSummary;
  message: string;
  timedOut: boolean;
}

function healthRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

export async function waitForHealthy(
  client: KubeClient,
  refs: readonly ObjectRef[],
  opts: WaitOptions,
): Promise<WaitResult> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const results = await Promise.all(
      refs.map(async (ref) => ({
        ref: healthRef(ref),
        health: evaluate(await client.get(ref), opts.now ? { now: opts.now() } : {}),
      })),
    );
    opts.onPhases?.(
      refs.flatMap((ref, i) => {
        const phase = results[i]?.health.phase;
        return phase === undefined
          ? []
          : [{ group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name, phase }];
      }),
    );
    const summary = summarize(results);
    if (summary.ready || summary.failed.length > 0) {
      return {
        summary,
        message: summary.ready ? 'all objects are healthy' : healthMessage(summary),
        timedOut: false,
      };
    }
    if (Date.now() >= deadline || opts.signal?.aborted) {
      return { summary, message: `timeout waiting for: ${healthMessage(summary)}`, timedOut: true };
    }
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}
