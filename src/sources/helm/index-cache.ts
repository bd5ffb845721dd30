/**
 * The parsed index of every HTTP HelmRepository, by `namespace/name`: fetched once per interval by the
 * HelmRepository reconciler and read by every Sync that uses the repository (as ArtifactIndex is for Git).
 */
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

export class HelmIndexCache {
  private readonly byKey = new Map<string, HelmIndexEntry>();
  private readonly listeners = new Set<(key: string, entry: HelmIndexEntry) => void>();

  get(namespace: string, name: string): HelmIndexEntry | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }

  set(namespace: string, name: string, entry: HelmIndexEntry): void {
    const key = `${namespace}/${name}`;
    const prev = this.byKey.get(key);
    this.byKey.set(key, entry);
    if (prev?.revision !== entry.revision) for (const l of this.listeners) l(key, entry);
  }

  delete(namespace: string, name: string): void {
    this.byKey.delete(`${namespace}/${name}`);
  }

  /** Called when a repository's index gets a new revision: the Syncs that use it reconcile at once. */
  onNewRevision(listener: (key: string, entry: HelmIndexEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
