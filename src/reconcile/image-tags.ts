/**
 * The tag lists of the scanned ImageRepositories, by `namespace/name`, shared with the ImagePolicies that read
 * them. Kept in memory only: after a restart each ImageRepository scans once before its policies choose again,
 * and until then every policy keeps the pick in its status (the last good state).
 */
import type { ImageName } from '../images/image-name.js';
import type { RegistryAuth } from '../sources/oci/index.js';

export interface ImageTags {
  /** The image as the ImageRepository spells it (what setters write into manifests). */
  spec: string;
  image: ImageName;
  /** Tags after the exclusion list, sorted byte-wise. */
  tags: readonly string[];
  /** Changes exactly when `tags` changes. */
  revision: string;
  scannedAt: number;
  /** How to reach the registry again (digest reflection); held in memory only, never written anywhere. */
  auth: RegistryAuth | undefined;
  insecure: boolean;
  timeoutMs: number;
}

export class ImageTagIndex {
  private readonly byKey = new Map<string, ImageTags>();
  private readonly listeners = new Set<(key: string) => void>();

  get(namespace: string, name: string): ImageTags | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }

  /** Stores a scan result; listeners hear of it when the tags (or the image) changed. */
  set(namespace: string, name: string, entry: ImageTags): void {
    const key = `${namespace}/${name}`;
    const prev = this.byKey.get(key);
    this.byKey.set(key, entry);
    if (prev?.revision !== entry.revision || prev.spec !== entry.spec) for (const l of this.listeners) l(key);
  }

  delete(namespace: string, name: string): void {
    this.byKey.delete(`${namespace}/${name}`);
  }

  onNewRevision(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
