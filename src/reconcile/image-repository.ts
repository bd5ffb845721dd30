/**
 * The ImageRepository reconciler (Flux image-reflector-controller's scan). Each interval it asks the shared
 * scanner for the image's tags: the scanner talks to the registry at most once per image and credentials for
 * all the ImageRepositories that watch it (two tenants watching one image with the same Secret contents cost
 * one tag list), and answers the others from that scan. The result, filtered by this object's exclusion list,
 * goes to `ctx.imageTags`, where a change wakes the ImagePolicies that read it.
 *
 * A registry that answers 429 is left alone until its Retry-After has passed, by every ImageRepository of that
 * image; the object is retried then rather than on the queue's short backoff.
 */
import { createHash } from 'node:crypto';
import type { ImageRepository } from '../api/index.js';
import { parseDuration, validateImageRepository } from '../api/index.js';
import { jsonEqual } from '../apply/index.js';
import { Reasons, ReconcileError } from '../core/types.js';
import { ImageNameError, parseImageName } from '../images/image-name.js';
import { ExclusionListError, excludeTags } from '../images/scanner.js';
import { OciError, type RegistryAuth } from '../sources/oci/index.js';
import { type Condition, readyStatus } from './conditions.js';
import type { ReconcileContext } from './context.js';
import { rfc3339 } from './context.js';
import type { ReconcileResult } from './git-repository.js';
import { recordOutcome } from './observe.js';
import { requireRegistryAuth } from './secrets.js';
import { admitSource, readyFields, recordFailure, writeSourceStatus } from './source-object.js';

const KIND = 'ImageRepository';
/** The longest Retry-After obeyed, as the scanner remembers it: a registry asking for a day is asked in an hour. */
const MAX_RETRY_AFTER_MS = 3_600_000;
/** The oldest shared scan a new or changed ImageRepository accepts. */
const FRESH_FOR_NEW_MS = 10_000;
/** How many tags status shows, as Flux does. */
const LATEST_TAGS = 10;

export async function reconcileImageRepository(
  ctx: ReconcileContext,
  raw: Record<string, unknown>,
): Promise<ReconcileResult> {
  const admitted = await admitSource(ctx, KIND, raw, validateImageRepository);
  if (!admitted) return {}; // stalled until the spec changes
  const { src, value: repo } = admitted;
  const { meta, subject, log, generation, involved, started, handled } = src;
  const prevStatus = (raw.status ?? {}) as NonNullable<ImageRepository['status']>;
  const intervalMs = parseDuration(repo.spec.interval);
  if (repo.spec.suspend) return { requeueAfterMs: intervalMs };
  const conditions = (prevStatus.conditions ?? []) as Condition[];
  const exclusionList = repo.spec.exclusionList ?? [];
  try {
    const image = imageNameOf(repo.spec.image, subject);
    const auth = await registryAuth(ctx, repo, image.registry, subject);
    const insecure = repo.spec.insecure === true;
    const timeoutMs = parseDuration(repo.spec.timeout ?? '60s');
    // A request (CLI, webhook) asks for a fresh look at the registry, not the last shared answer.
    const requested = handled.lastHandledReconcileAt;
    const force = requested !== undefined && requested !== prevStatus.lastHandledReconcileAt;
    const scan = await ctx.imageScanner.scan({
      image,
      ...(auth ? { auth } : {}),
      insecure,
      timeoutMs,
      // Under the interval: the queue's jitter may run this object a little early, and its own scan of one
      // interval ago must not count as fresh then (it would scan every other interval). A new or changed
      // object takes only a recent scan: it should not start from another tenant's list of most of an
      // interval ago, and objects created together (a new cluster, a tenant onboarding) still share one.
      maxAgeMs:
        prevStatus.observedGeneration === generation && prevStatus.lastScanResult !== undefined
          ? intervalMs * 0.9
          : Math.min(intervalMs * 0.9, FRESH_FOR_NEW_MS),
      force,
    });
    const { tags } = excludeTags(scan.tags, exclusionList);
    const revision = `sha256:${createHash('sha256').update(tags.join('\n')).digest('hex')}`;
    ctx.metrics.imageScanned(meta.namespace, meta.name, {
      seconds: scan.durationMs / 1000,
      shared: scan.shared,
      tags: tags.length,
    });
    ctx.imageTags.set(meta.namespace, meta.name, {
      spec: repo.spec.image,
      image,
      tags,
      revision,
      scannedAt: scan.scannedAt,
      auth,
      insecure,
      timeoutMs,
    });
    const message = `successful scan: found ${tags.length} tags`;
    const status = {
      ...readyFields(ctx, src, conditions, message),
      canonicalImageName: image.canonical,
      lastScanResult: {
        revision,
        tagCount: tags.length,
        scanTime: rfc3339(new Date(scan.scannedAt)),
        latestTags: tags.slice(-LATEST_TAGS).reverse(),
      },
      observedExclusionList: exclusionList,
    };
    // A reconcile answered from the scan it already reported changes nothing: write only a change.
    if (!jsonEqual({ ...prevStatus, ...status }, prevStatus))
      await writeSourceStatus(ctx, KIND, meta, status);
    if (revision !== prevStatus.lastScanResult?.revision) {
      log.info({ tags: tags.length, shared: scan.shared }, 'scanned new tags');
      ctx.events.record(involved, 'Normal', 'Succeeded', message, { 'steward.dev/revision': revision });
    } else if (readyStatus(conditions) === 'False') {
      // Recovered with the same tags: said once, so the failure is closed.
      ctx.events.record(involved, 'Normal', 'Succeeded', message);
    }
    recordOutcome(ctx, KIND, meta, status.conditions, 'success', started);
    return { requeueAfterMs: intervalMs };
  } catch (err) {
    const e = errorOf(err, subject);
    ctx.metrics.imageScanFailed(meta.namespace, meta.name, e.reason);
    await recordFailure(ctx, KIND, src, prevStatus, e, 'image scan failed');
    // The registry said when to come back: retrying sooner would only be refused again. A 429 or 503 that
    // names no time is a blip like any other and goes to the backoff, not to the next interval (an hour, say).
    if (err instanceof OciError && err.code === 'rate_limited' && err.retryAfterMs !== undefined)
      return { requeueAfterMs: Math.min(Math.max(err.retryAfterMs, 1_000), MAX_RETRY_AFTER_MS) };
    if (e.retry === 'terminal') return {};
    throw e;
  }
}

function imageNameOf(image: string, subject: string) {
  try {
    return parseImageName(image);
  } catch (err) {
    if (err instanceof ImageNameError)
      throw new ReconcileError(Reasons.ValidationFailed, 'terminal', `spec.image: ${err.reason}`, subject);
    throw err;
  }
}

/** Credentials for the registry from the Secret named by secretRef; a Secret without any for it is an error. */
async function registryAuth(
  ctx: ReconcileContext,
  repo: ImageRepository,
  registry: string,
  subject: string,
): Promise<RegistryAuth | undefined> {
  const ref = repo.spec.secretRef;
  if (!ref) return undefined;
  return requireRegistryAuth(ctx.client, repo.metadata.namespace, ref.name, registry, subject);
}

function errorOf(err: unknown, subject: string): ReconcileError {
  if (err instanceof ReconcileError) return err;
  // Validation refuses such patterns; one that still got here cannot heal without a spec change.
  if (err instanceof ExclusionListError)
    return new ReconcileError(Reasons.ValidationFailed, 'terminal', err.message, subject);
  if (err instanceof OciError) {
    const reason =
      err.code === 'rate_limited'
        ? Reasons.RateLimited
        : err.code === 'unauthorized' || err.code === 'denied'
          ? Reasons.AuthenticationFailed
          : Reasons.ScanFailed;
    return new ReconcileError(reason, 'transient', err.message, subject);
  }
  return new ReconcileError(
    Reasons.ScanFailed,
    'transient',
    err instanceof Error ? err.message : String(err),
    subject,
  );
}
