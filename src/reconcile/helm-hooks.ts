/**
 * The hook stages of a helm Sync's apply: pre hooks before the release's objects, post hooks once they are
 * healthy, both only when the release changed (status.helm.hooksAppliedFor differs from the releaseDigest).
 * Hooks are applied and deleted here and never enter the inventory, so prune never touches them (as in Helm).
 */
import type { Logger } from 'pino';
import type { HelmStatus } from '../api/schema/sync.js';
import type { ApplyPlanOptions } from '../apply/apply.js';
import { runHooks } from '../apply/hooks.js';
import type { HookDeletion, HookPhase } from '../apply/hooks-policy.js';
import { hookEvent, hooksDue } from '../apply/hooks-policy.js';
import type { ObjectRef, PlannedObject } from '../core/types.js';
import { Reasons, ReconcileError } from '../core/types.js';
import type { KubeClient } from '../kube/index.js';
import { hookDeletePolicy } from '../render/helm/index.js';
import type { ReconcileContext } from './context.js';
import { waitForHealthy } from './health-wait.js';
import type { HelmBuild } from './sync-helm.js';

/** The two hook stages of one reconcile. */
export interface HookStages {
  /** Runs the pre-install/pre-upgrade hooks; call before applying the release's objects. */
  pre(): Promise<void>;
  /** Runs the post hooks; waits for the release's objects first unless the Sync's own health check did. */
  post(releaseHealthy: boolean): Promise<void>;
}

export interface HookStageOptions {
  apply: ApplyPlanOptions;
  timeoutMs: number;
  log: Logger;
  signal?: AbortSignal;
}

export function hookStages(
  ctx: ReconcileContext,
  client: KubeClient,
  meta: { name: string; namespace: string },
  build: HelmBuild,
  previous: HelmStatus | undefined,
  opts: HookStageOptions,
): HookStages {
  const due = hooksDue(build.release.releaseDigest, previous?.hooksAppliedFor);
  // No release applied before: Helm's install hooks; otherwise its upgrade hooks.
  const install = previous === undefined;
  const deadline = Date.now() + opts.timeoutMs;
  const remaining = () => Math.max(1_000, deadline - Date.now());
  const wait = (refs: readonly ObjectRef[]) =>
    waitForHealthy(client, refs, {
      timeoutMs: remaining(),
      pollMs: 250,
      now: ctx.now,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  const run = async (phase: HookPhase, groups: readonly (readonly PlannedObject[])[]) => {
    if (!due || groups.every((g) => g.length === 0)) return;
    const event = hookEvent(phase, install);
    const started = Date.now();
    const changes = await runHooks(client, groups, {
      apply: opts.apply,
      event,
      deletion,
      deleteTimeoutMs: opts.timeoutMs,
      waitReady: async (refs) => {
        const result = await wait(refs);
        const byName = new Map(refs.map((r) => [healthRef(r), r]));
        const pick = (issues: readonly { ref: string }[]) => issues.flatMap((i) => byName.get(i.ref) ?? []);
        return {
          ready: result.summary.ready,
          failed: pick(result.summary.failed),
          pending: pick(result.summary.inProgress),
          message: result.message,
        };
      },
    });
    ctx.metrics.recordChanges(meta.namespace, meta.name, changes);
    opts.log.info(
      { event, hooks: groups.flat().length, ms: Date.now() - started, release: build.release.releaseDigest },
      'helm hooks completed',
    );
  };
  return {
    pre: () => run('pre', build.plan.pre),
    async post(releaseHealthy) {
      if (!due || build.plan.post.every((g) => g.length === 0)) return;
      if (!releaseHealthy && build.plan.main.length > 0) {
        const health = await wait(build.plan.main.map((p) => p.ref));
        if (!health.summary.ready) {
          throw new ReconcileError(
            Reasons.HealthCheckFailed,
            'transient',
            `${hookEvent('post', install)} hooks wait for the release to be healthy: ${health.message}`,
          );
        }
      }
      await run('post', build.plan.post);
    },
  };
}

/** helm.sh/hook-delete-policy as the hook stage reads it. */
function deletion(hook: PlannedObject): HookDeletion {
  const policies = hookDeletePolicy({ manifest: hook.manifest, source: hook.source });
  return {
    beforeCreation: policies.has('before-hook-creation'),
    onSuccess: policies.has('hook-succeeded'),
    onFailure: policies.has('hook-failed'),
  };
}

/** How health-wait names an object in its summary. */
function healthRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}
