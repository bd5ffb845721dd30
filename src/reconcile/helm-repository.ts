/**
 * The HelmRepository reconciler (Flux source-controller's job for Helm repositories). An HTTP repository's
 * index is fetched once per interval with a conditional request, parsed once, and shared with every Sync through
 * `ctx.helmIndexes`; its digest is the artifact revision, and a new revision triggers the Syncs that use it. The
 * last good index is kept (in memory and on disk) when a fetch fails. An OCI repository has no index: as in
 * Flux it is static, Ready once its Secret is readable, and the Syncs fetch their charts themselves.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { HelmRepository } from '../api/index.js';
import { parseDuration, validateHelmRepository } from '../api/index.js';
import { jsonEqual } from '../apply/index.js';
import { Reasons, ReconcileError } from '../core/types.js';
import type { BasicAuth, HelmIndexEntry } from '../sources/helm/index.js';
import {
  fetchIndex,
  HelmSourceError,
  loadIndex,
  parseIndex,
  saveIndex,
  toReconcileError,
} from '../sources/helm/index.js';
import { OciError, parseOciUrl } from '../sources/oci/index.js';
import { type Condition, readyStatus } from './conditions.js';
import type { ReconcileContext } from './context.js';
import { rfc3339 } from './context.js';
import type { ReconcileResult } from './git-repository.js';
import { recordOutcome } from './observe.js';
import { readData, requireRegistryAuth } from './secrets.js';
import {
  admitSource,
  readyFields,
  recordFailure,
  type SourceMeta,
  writeSourceStatus,
} from './source-object.js';

const KIND = 'HelmRepository';

/** The Ready message of an OCI repository, which has nothing to fetch on its own. */
export const OCI_READY_MESSAGE = 'OCI repository: charts are fetched by the Syncs';

export async function reconcileHelmRepository(
  ctx: ReconcileContext,
  raw: Record<string, unknown>,
): Promise<ReconcileResult> {
  const admitted = await admitSource(ctx, KIND, raw, validateHelmRepository);
  if (!admitted) return {}; // stalled until the spec changes
  const { src, value: repo } = admitted;
  const { meta, subject, log, involved, started } = src;
  const prevStatus = (raw.status ?? {}) as NonNullable<HelmRepository['status']>;
  const conditions = (prevStatus.conditions ?? []) as Condition[];
  const now = () => rfc3339(ctx.now());
  const intervalMs = parseDuration(repo.spec.interval);
  if (repo.spec.suspend) return { requeueAfterMs: intervalMs };
  const dir = join(ctx.config.artifactsDir, 'helm', 'indexes', meta.namespace, meta.name);
  try {
    if (repo.spec.type === 'oci') {
      await checkOci(ctx, repo, subject);
      ctx.helmIndexes.delete(meta.namespace, meta.name);
      const status = readyFields(ctx, src, conditions, OCI_READY_MESSAGE);
      // Written whole: an artifact left from when the URL was http(s) must go.
      if (!jsonEqual({ ...prevStatus, ...status }, prevStatus) || prevStatus?.artifact !== undefined)
        await writeSourceStatus(ctx, KIND, meta, status);
      recordOutcome(ctx, KIND, meta, status.conditions, 'success', started);
      return { requeueAfterMs: intervalMs };
    }
    const auth = await basicAuth(ctx, repo, subject);
    const known = await knownIndex(ctx, meta, dir, repo.spec.url);
    const result = await fetchIndex({
      url: repo.spec.url,
      auth,
      insecure: repo.spec.insecure === true,
      timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
      maxBytes: ctx.config.helm.maxIndexBytes,
      previous: known,
      repository: `HelmRepository ${meta.namespace}/${meta.name}`,
      userAgent: 'steward',
    });
    let entry: HelmIndexEntry;
    if (result.notModified && known !== undefined) {
      entry = { ...withoutValidators(known), ...result.validators };
    } else if (!result.notModified) {
      entry = {
        index: result.index,
        revision: result.digest,
        digest: result.digest,
        size: result.size,
        url: repo.spec.url,
        lastUpdateTime: now(),
        ...result.validators,
      };
      await saveIndex(dir, result.bytes, {
        url: entry.url,
        digest: entry.digest,
        size: entry.size,
        lastUpdateTime: entry.lastUpdateTime,
        ...result.validators,
      }).catch((err: unknown) => log.warn({ error: String(err) }, 'index not stored on disk'));
      ctx.metrics.sourceFetched(KIND, meta.namespace, meta.name, (Date.now() - started) / 1000);
    } else {
      throw new HelmSourceError(
        'Network',
        `index.yaml of ${subject}: the server answered 304 to an unconditional request`,
      );
    }
    ctx.helmIndexes.set(meta.namespace, meta.name, entry);
    const message = readyMessage(entry);
    const status = {
      ...readyFields(ctx, src, conditions, message),
      artifact: {
        path: join('helm', 'indexes', meta.namespace, meta.name, 'index.yaml'),
        revision: entry.revision,
        digest: entry.digest,
        lastUpdateTime: entry.lastUpdateTime,
        size: entry.size,
      },
    };
    // A poll that found the same index changes nothing: write only when the status would change.
    if (!jsonEqual({ ...prevStatus, ...status }, prevStatus))
      await writeSourceStatus(ctx, KIND, meta, status);
    const fresh = entry.revision !== prevStatus?.artifact?.revision;
    if (fresh) {
      log.info(
        { revision: entry.revision, charts: entry.index.entries.size, versions: entry.index.versions },
        'stored new index',
      );
      ctx.events.record(involved, 'Normal', 'NewArtifact', message, {
        'steward.dev/revision': entry.revision,
      });
      if (entry.index.skippedCount > 0) {
        const shown = entry.index.skipped
          .slice(0, 5)
          .map((s) => `${s.chart}${s.version ? ` ${s.version}` : ''}: ${s.reason}`)
          .join('; ');
        ctx.events.record(
          involved,
          'Warning',
          'InvalidIndexEntries',
          `index revision '${entry.revision}': ${entry.index.skippedCount} chart versions skipped as invalid (${shown})`,
        );
      }
    } else if (readyStatus(conditions) === 'False') {
      // Recovered on the same index: said once, so the failure is closed.
      ctx.events.record(involved, 'Normal', 'Succeeded', message, { 'steward.dev/revision': entry.revision });
    }
    recordOutcome(ctx, KIND, meta, status.conditions, 'success', started);
    return { requeueAfterMs: intervalMs };
  } catch (err) {
    const e = errorOf(err, subject);
    ctx.metrics.sourceFetched(KIND, meta.namespace, meta.name, (Date.now() - started) / 1000, e.reason);
    // Keep serving the last good index: Syncs go on with what they had.
    if (repo.spec.type !== 'oci' && ctx.helmIndexes.get(meta.namespace, meta.name) === undefined) {
      const stored = await restore(dir, undefined, subject).catch(() => undefined);
      if (stored !== undefined) ctx.helmIndexes.set(meta.namespace, meta.name, stored);
    }
    await recordFailure(ctx, KIND, src, prevStatus ?? {}, e, 'index fetch failed');
    throw e;
  }
}

function readyMessage(entry: HelmIndexEntry): string {
  const { index } = entry;
  const skipped = index.skippedCount > 0 ? `, ${index.skippedCount} invalid versions skipped` : '';
  return `stored index revision '${entry.revision}': ${index.entries.size} charts, ${index.versions} versions${skipped}`;
}

/** The index held for this repository, from memory or (after a restart) from disk, if it is of this URL. */
async function knownIndex(
  ctx: ReconcileContext,
  meta: SourceMeta,
  dir: string,
  url: string,
): Promise<HelmIndexEntry | undefined> {
  const inMemory = ctx.helmIndexes.get(meta.namespace, meta.name);
  if (inMemory !== undefined) return inMemory.url === url ? inMemory : undefined;
  return restore(dir, url, `${KIND}/${meta.namespace}/${meta.name}`).catch(() => undefined);
}

/** The index stored on disk, parsed; only if it was fetched from `url` when one is given. */
async function restore(
  dir: string,
  url: string | undefined,
  subject: string,
): Promise<HelmIndexEntry | undefined> {
  const stored = await loadIndex(dir, (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`);
  if (stored === undefined || (url !== undefined && stored.meta.url !== url)) return undefined;
  const index = parseIndex(stored.bytes.toString('utf8'), { what: `stored index.yaml of ${subject}` });
  const m = stored.meta;
  return {
    index,
    revision: m.digest,
    digest: m.digest,
    size: m.size,
    url: m.url,
    lastUpdateTime: m.lastUpdateTime,
    ...(m.etag !== undefined ? { etag: m.etag } : {}),
    ...(m.lastModified !== undefined ? { lastModified: m.lastModified } : {}),
  };
}

function withoutValidators(e: HelmIndexEntry): HelmIndexEntry {
  const { etag: _e, lastModified: _l, ...rest } = e;
  return rest;
}

/** Basic auth from the Secret's `username` and `password`, read with the agent's identity. */
async function basicAuth(
  ctx: ReconcileContext,
  repo: HelmRepository,
  subject: string,
): Promise<BasicAuth | undefined> {
  const ref = repo.spec.secretRef;
  if (!ref) return undefined;
  const ns = repo.metadata.namespace;
  const data = await readData(ctx.client, 'Secret', ns, ref.name);
  if (!data) throw secretError(`secret '${ns}/${ref.name}' not found`, subject);
  if (data.username === undefined && data.password === undefined)
    throw secretError(`secret '${ns}/${ref.name}' has neither 'username' nor 'password'`, subject);
  return {
    ...(data.username !== undefined ? { username: data.username } : {}),
    ...(data.password !== undefined ? { password: data.password } : {}),
  };
}

/** An OCI repository is usable when its URL parses and its Secret (if any) yields credentials for its host. */
async function checkOci(ctx: ReconcileContext, repo: HelmRepository, subject: string): Promise<void> {
  let registry: string;
  try {
    registry = parseOciUrl(repo.spec.url).registry;
  } catch (err) {
    // A malformed oci:// URL cannot heal without a spec change.
    if (err instanceof OciError)
      throw new ReconcileError(Reasons.ValidationFailed, 'terminal', err.message, subject);
    throw err;
  }
  const ref = repo.spec.secretRef;
  if (!ref) return;
  const ns = repo.metadata.namespace;
  await requireRegistryAuth(ctx.client, ns, ref.name, registry, subject);
}

function secretError(message: string, subject: string): ReconcileError {
  return new ReconcileError(Reasons.AuthenticationFailed, 'transient', message, subject);
}

function errorOf(err: unknown, subject: string): ReconcileError {
  if (err instanceof ReconcileError) return err;
  if (err instanceof HelmSourceError) return toReconcileError(err, subject);
  // A docker config Secret that does not parse: fixed in place, without a spec change.
  if (err instanceof OciError)
    return new ReconcileError(Reasons.AuthenticationFailed, 'transient', err.message, subject);
  return new ReconcileError(
    Reasons.ArtifactFailed,
    'transient',
    err instanceof Error ? err.message : String(err),
    subject,
  );
}
