/**
 * The ImagePolicy reconciler. The choice itself is the pure `selectTag` (src/images/policy.ts) over the tags
 * its ImageRepository last scanned; this file adds the I/O around it: digest reflection, status, events.
 *
 * A policy whose repository has not been scanned yet (after a restart, or while the registry fails) keeps the
 * pick in its status: the automation goes on writing that one rather than nothing. It is woken when the tags
 * change, so it needs no interval of its own, except to re-check a digest under `digestReflectionPolicy: Always`.
 */
import type { ImagePolicy } from '../api/index.js';
import { parseDuration, validateImagePolicy } from '../api/index.js';
import { Reasons, ReconcileError } from '../core/types.js';
import { type PolicyRule, selectTag, type TagFilter } from '../images/policy.js';
import { MediaTypes, OciClient, OciError } from '../sources/oci/index.js';
import { type Condition, conditionsFor, readyStatus } from './conditions.js';
import type { ReconcileContext } from './context.js';
import { rfc3339 } from './context.js';
import type { ReconcileResult } from './git-repository.js';
import type { ImageTags } from './image-tags.js';
import { recordOutcome } from './observe.js';
import { admitSource, failedOutcome, writeSourceStatus } from './source-object.js';

const KIND = 'ImagePolicy';

type ImageRef = NonNullable<NonNullable<ImagePolicy['status']>['latestRef']>;

const MANIFEST_TYPES = [
  MediaTypes.ociIndex,
  MediaTypes.ociManifest,
  MediaTypes.dockerManifestList,
  MediaTypes.dockerManifest,
];

export async function reconcileImagePolicy(
  ctx: ReconcileContext,
  raw: Record<string, unknown>,
): Promise<ReconcileResult> {
  const admitted = await admitSource(ctx, KIND, raw, validateImagePolicy);
  if (!admitted) return {}; // stalled until the spec changes
  const { src, value: policy } = admitted;
  const { meta, subject, log, generation, involved, started, handled } = src;
  const prevStatus = (raw.status ?? {}) as NonNullable<ImagePolicy['status']>;
  const reflect = policy.spec.digestReflectionPolicy ?? 'Never';
  const recheckMs =
    reflect === 'Always' && policy.spec.interval ? parseDuration(policy.spec.interval) : undefined;
  const again = recheckMs === undefined ? {} : { requeueAfterMs: recheckMs };
  if (policy.spec.suspend) return again;
  const conditions = (prevStatus.conditions ?? []) as Condition[];
  const now = () => rfc3339(ctx.now());
  const write = async (outcome: Parameters<typeof conditionsFor>[1], extra: Record<string, unknown> = {}) => {
    const next = conditionsFor(conditions, outcome, generation, now());
    await writeSourceStatus(ctx, KIND, meta, {
      ...prevStatus,
      ...handled,
      observedGeneration: generation,
      conditions: next,
      ...extra,
    });
    return next;
  };

  const repoName = policy.spec.imageRepositoryRef.name;
  const entry = ctx.imageTags.get(meta.namespace, repoName);
  if (entry === undefined) {
    // Tags live in memory: after a restart a policy meets an empty index until its repository scans again
    // (longer when the registry is down). A pick already made for this spec stays Ready meanwhile instead of
    // flapping to Unknown on every restart; Flux keeps the tags in a database and never shows that gap.
    if (
      prevStatus.latestRef !== undefined &&
      prevStatus.observedGeneration === generation &&
      readyStatus(conditions) === 'True'
    ) {
      if (handled.lastHandledReconcileAt !== prevStatus.lastHandledReconcileAt)
        await writeSourceStatus(ctx, KIND, meta, { ...prevStatus, ...handled });
      recordOutcome(ctx, KIND, meta, conditions, undefined, started);
      return again;
    }
    // Not an error of this policy: it is woken as soon as the repository has tags.
    const message = await whyNoTags(ctx, meta.namespace, repoName);
    const next = await write({ kind: 'progressing', reason: Reasons.DependencyNotReady, message });
    recordOutcome(ctx, KIND, meta, next, undefined, started);
    return again;
  }
  try {
    const choice = selectTag(
      entry.tags,
      policy.spec.policy as PolicyRule,
      policy.spec.filterTags as TagFilter,
    );
    if (!choice.ok)
      throw new ReconcileError(
        Reasons.PolicyFailed,
        // Not Stalled even when a tag breaks the policy (a numerical policy meeting `latest`): the next tag
        // list can heal it without a spec change, and wakes the policy when it comes.
        'transient',
        choice.message,
        subject,
      );
    const previous = prevStatus.latestRef;
    const latest: ImageRef = { name: entry.spec, tag: choice.tag };
    if (reflect !== 'Never') {
      const known =
        reflect === 'IfNotPresent' && previous?.name === latest.name && previous.tag === latest.tag
          ? previous.digest
          : undefined;
      latest.digest = known ?? (await digestOf(ctx, entry, choice.tag, subject));
    }
    const changed =
      previous === undefined ||
      previous.name !== latest.name ||
      previous.tag !== latest.tag ||
      previous.digest !== latest.digest;
    const message = `latest image tag for ${latest.name} resolved to ${latest.tag}${latest.digest ? ` (${latest.digest})` : ''}`;
    const next = await write(
      { kind: 'ready', reason: 'Succeeded', message },
      {
        latestRef: latest,
        ...(changed && previous !== undefined ? { observedPreviousRef: previous } : {}),
      },
    );
    if (changed) {
      const from = previous ? ` from ${previous.tag}` : '';
      log.info({ image: latest.name, tag: latest.tag, previous: previous?.tag }, 'new latest image tag');
      ctx.events.record(
        involved,
        'Normal',
        'Succeeded',
        `Latest image tag for ${latest.name} updated${from} to ${latest.tag}`,
        { 'steward.dev/revision': latest.tag },
      );
    } else if (readyStatus(conditions) === 'False') {
      ctx.events.record(involved, 'Normal', 'Succeeded', message);
    }
    recordOutcome(ctx, KIND, meta, next, 'success', started);
    return again;
  } catch (err) {
    const e =
      err instanceof ReconcileError
        ? err
        : new ReconcileError(
            Reasons.PolicyFailed,
            'transient',
            err instanceof Error ? err.message : String(err),
            subject,
          );
    // The last pick stays in status: automations keep writing it.
    const next = await write(failedOutcome(e.retry, e.reason, e.message)).catch((werr: unknown) => {
      log.warn({ err: werr }, 'status update failed');
      return conditions;
    });
    recordOutcome(ctx, KIND, meta, next, 'failure', started);
    ctx.events.record(involved, 'Warning', e.reason, e.message);
    log.warn({ reason: e.reason, error: e.message }, 'image policy failed');
    // No matching tag is not retried on a timer: the next scan with new tags wakes the policy.
    if (e.retry === 'terminal' || e.reason === Reasons.PolicyFailed) return again;
    throw e;
  }
}

/** Why a repository has no tags for its policies: missing, failing (in its own words), or not scanned yet. */
async function whyNoTags(ctx: ReconcileContext, namespace: string, name: string): Promise<string> {
  const subject = `ImageRepository '${namespace}/${name}'`;
  const repo = await ctx.client.get({
    group: 'steward.dev',
    version: 'v1alpha1',
    kind: 'ImageRepository',
    namespace,
    name,
  });
  if (!repo) return `${subject} not found`;
  const conditions = (repo.status as { conditions?: Condition[] } | undefined)?.conditions;
  const ready = conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'False'
    ? `${subject} is not ready: ${ready.message}`
    : `${subject} has not been scanned yet`;
}

/** The manifest digest the tag points at now (a verified GET: the digest of the bytes served). */
async function digestOf(
  ctx: ReconcileContext,
  entry: ImageTags,
  tag: string,
  subject: string,
): Promise<string> {
  const client = new OciClient({
    registry: entry.image.registry,
    insecure: entry.insecure,
    ...(entry.auth ? { auth: entry.auth } : {}),
    timeoutMs: entry.timeoutMs,
    tokenCache: ctx.registryTokens,
  });
  try {
    return (await client.getManifest(entry.image.repository, tag, MANIFEST_TYPES)).digest;
  } catch (err) {
    if (err instanceof OciError)
      throw new ReconcileError(
        Reasons.ScanFailed,
        'transient',
        `digest of tag ${tag}: ${err.message}`,
        subject,
      );
    throw err;
  } finally {
    ctx.metrics.registryRequests(entry.image.registry, client.requests);
  }
}
