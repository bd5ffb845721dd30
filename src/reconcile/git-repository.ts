/**
 * The GitRepository reconciler (Flux source-controller's job): poll the remote cheaply, fetch only when the
 * ref moved, keep the last good artifact when anything fails, and report it all in kstatus conditions.
 */
import { join } from 'node:path';
import type { GitRepository } from '../api/index.js';
import { parseDuration, validateGitRepository } from '../api/index.js';
import { jsonEqual } from '../apply/index.js';
import { Reasons, ReconcileError } from '../core/types.js';
import type { GitAuth } from '../sources/git/index.js';
import { GitSourceError, lastArtifact, syncArtifact, toReconcileError } from '../sources/git/index.js';
import { type Condition, readyStatus } from './conditions.js';
import type { ReconcileContext } from './context.js';
import { recordOutcome } from './observe.js';
import { readData } from './secrets.js';
import { admitSource, readyFields, recordFailure, writeSourceStatus } from './source-object.js';

const KIND = 'GitRepository';

export interface ReconcileResult {
  /** When to run again; absent when stalled on an invalid spec. */
  requeueAfterMs?: number;
  /** Work queue keys (`Kind/namespace/name`) to reconcile now, such as the GitRepository an automation pushed to. */
  wake?: string[];
}

function errorOf(err: unknown, subject: string): ReconcileError {
  if (err instanceof ReconcileError) return err;
  if (err instanceof GitSourceError) return toReconcileError(err, subject);
  return new ReconcileError(
    Reasons.FetchFailed,
    'transient',
    err instanceof Error ? err.message : String(err),
    subject,
  );
}

export async function reconcileGitRepository(
  ctx: ReconcileContext,
  raw: Record<string, unknown>,
): Promise<ReconcileResult> {
  const admitted = await admitSource(ctx, KIND, raw, validateGitRepository);
  if (!admitted) return {}; // stalled until the spec changes
  const { src, value: repo } = admitted;
  const { meta, subject, log, involved, started } = src;
  const prevStatus = (raw.status ?? {}) as NonNullable<GitRepository['status']>;
  const conditions = (prevStatus.conditions ?? []) as Condition[];
  const intervalMs = parseDuration(repo.spec.interval);
  if (repo.spec.suspend) return { requeueAfterMs: intervalMs };
  const dir = join(ctx.config.artifactsDir, meta.namespace, meta.name);
  try {
    const auth = await authOf(ctx, repo, meta.namespace);
    const result = await syncArtifact(repo.spec.url, repo.spec.ref ?? {}, auth, {
      dir,
      timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
      maxBytes: ctx.config.render.maxArtifactBytes,
      allowInsecureHttp: ctx.allowInsecureHttp,
    });
    // Only real fetches count as fetch time; a poll that found the same revision is not one.
    if (result.fetched)
      ctx.metrics.sourceFetched(KIND, meta.namespace, meta.name, (Date.now() - started) / 1000);
    const a = result.artifact;
    ctx.artifacts.set(meta.namespace, meta.name, a);
    const message = `stored artifact for revision '${a.revision}'`;
    const status = {
      ...readyFields(ctx, src, conditions, message),
      artifact: {
        path: a.path,
        revision: a.revision,
        digest: a.digest,
        lastUpdateTime: a.lastUpdateTime,
        size: a.size,
      },
    };
    // A poll that found the same revision changes nothing: write only when the status would change.
    if (!jsonEqual({ ...prevStatus, ...status }, prevStatus))
      await writeSourceStatus(ctx, KIND, meta, status);
    if (result.fetched) {
      log.info({ revision: a.revision }, 'stored new artifact');
      // Symlinks that point out of the repository are never written; say so rather than drop them silently.
      if (a.skippedSymlinks && a.skippedSymlinks.length > 0) {
        const shown = a.skippedSymlinks.slice(0, 10).join(', ');
        ctx.events.record(
          involved,
          'Warning',
          'SymlinksSkipped',
          `revision '${a.revision}': symlinks pointing outside the repository were not checked out: ${shown}`,
        );
        log.warn(
          { revision: a.revision, symlinks: a.skippedSymlinks.length },
          'skipped symlinks pointing outside the repository',
        );
      }
      ctx.events.record(involved, 'Normal', 'NewArtifact', message, { 'steward.dev/revision': a.revision });
    } else if (readyStatus(conditions) === 'False') {
      // Recovered on the same revision: said once, as Flux's source-controller does, so the failure is closed.
      ctx.events.record(involved, 'Normal', 'Succeeded', message, { 'steward.dev/revision': a.revision });
    }
    recordOutcome(ctx, KIND, meta, status.conditions, 'success', started);
    return { requeueAfterMs: intervalMs };
  } catch (err) {
    const e = errorOf(err, subject);
    ctx.metrics.sourceFetched(KIND, meta.namespace, meta.name, (Date.now() - started) / 1000, e.reason);
    // Keep serving the last good artifact: Syncs go on with what they had (Argo CD #3473 is what happens otherwise).
    const last =
      ctx.artifacts.get(meta.namespace, meta.name) ?? (await lastArtifact(dir).catch(() => undefined));
    if (last) ctx.artifacts.set(meta.namespace, meta.name, last);
    await recordFailure(ctx, KIND, src, prevStatus, e, 'source fetch failed');
    throw e;
  }
}

export async function authOf(
  ctx: ReconcileContext,
  repo: GitRepository,
  namespace: string,
): Promise<GitAuth | undefined> {
  const ref = repo.spec.secretRef;
  if (!ref) return undefined;
  const data = await readData(ctx.client, 'Secret', namespace, ref.name);
  if (!data) {
    throw new ReconcileError(
      Reasons.AuthenticationFailed,
      'transient',
      `secret '${namespace}/${ref.name}' not found`,
      `Secret/${namespace}/${ref.name}`,
    );
  }
  const auth: GitAuth = {};
  if (data.username !== undefined) auth.username = data.username;
  if (data.password !== undefined) auth.password = data.password;
  if (data.bearerToken !== undefined) auth.bearerToken = data.bearerToken;
  return auth;
}
