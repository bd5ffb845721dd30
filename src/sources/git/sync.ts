/** The poll a GitRepository reconcile runs: resolve cheaply, fetch only when the revision changed. */
import { fetchArtifact } from './fetch.js';
import { resolveRevision } from './resolve.js';
import { lastArtifact } from './storage.js';
import type { Artifact, FetchOptions, GitAuth, GitRef, ResolvedRevision } from './types.js';

export interface SyncResult {
  resolved: ResolvedRevision;
  artifact: Artifact;
  /** False when the stored artifact already had this revision and nothing was fetched. */
  fetched: boolean;
}

/** Resolves `ref` and returns the stored artifact if it is current, otherwise fetches a new one. */
export async function syncArtifact(
  url: string,
  ref: GitRef,
  auth: GitAuth | undefined,
  opts: FetchOptions,
): Promise<SyncResult> {
  const resolved = await resolveRevision(url, ref, auth, opts);
  const last = await lastArtifact(opts.dir);
  if (last !== undefined && last.revision === resolved.revision) {
    return { resolved, artifact: last, fetched: false };
  }
  const artifact = await fetchArtifact(url, resolved, auth, opts);
  return { resolved, artifact, fetched: true };
}
