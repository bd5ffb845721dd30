/**
 * The Git source adapter: a thin facade over isomorphic-git (HTTPS only). Poll with `resolveRevision`
 * (one ls-refs), fetch with `fetchArtifact` only when the revision changed, and find what survived a restart
 * with `lastArtifact`; `syncArtifact` does all three.
 */
export type { DigestEntry } from './digest.js';
export { treeDigest } from './digest.js';
export type { GitErrorCode, GitErrorData } from './errors.js';
export { GitErrorCodes, GitSourceError, toReconcileError } from './errors.js';
export { fetchArtifact } from './fetch.js';
export { resolveRevision } from './resolve.js';
export { formatRevision, pickSemverTag } from './revision.js';
export type { StoredArtifact } from './storage.js';
export { lastArtifact } from './storage.js';
export type { SyncResult } from './sync.js';
export { syncArtifact } from './sync.js';
export type { Artifact, FetchOptions, GitAuth, GitRef, RemoteOptions, ResolvedRevision } from './types.js';
export { DEFAULT_MAX_BYTES } from './types.js';
