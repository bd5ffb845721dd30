/**
 * The parsed index of every HTTP HelmRepository, by `namespace/name`: fetched once per interval by the
 * HelmRepository reconciler and read by every Sync that uses the repository (as ArtifactIndex is for Git).
 */
import { RevisionIndex } from '../../core/revision-index.js';
import type { IndexValidators } from './index-fetch.js';
import type { ParsedIndex } from './types.js';

export interface HelmIndexEntry extends IndexValidators {
  index: ParsedIndex;
  /** `sha256:<hex>` of the index bytes: the HelmRepository's artifact revision. */
  revision: string;
  digest: string;
  size: number;
  /** The repository URL it was fetched from; validators only apply to the same URL. */
  url: string;
  /** RFC 3339 time this revision was first fetched. */
  lastUpdateTime: string;
}

/** A new revision of a repository's index wakes the Syncs that use it. */
export class HelmIndexCache extends RevisionIndex<HelmIndexEntry> {
  constructor() {
    super((entry) => entry.revision);
  }
}
