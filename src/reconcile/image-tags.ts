/**
 * The tag lists of the scanned ImageRepositories, by `namespace/name`, shared with the ImagePolicies that read
 * them. Kept in memory only: after a restart each ImageRepository scans once before its policies choose again,
 * and until then every policy keeps the pick in its status (the last good state).
 */
import { RevisionIndex } from '../core/revision-index.js';
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

/** New tags, or the same tags of another image spelling, wake the ImagePolicies that read them. */
export class ImageTagIndex extends RevisionIndex<ImageTags> {
  constructor() {
    super((entry) => `${entry.spec}\n${entry.revision}`);
  }
}
