/**
 * The data the Git source adapter takes and returns. Field names follow Flux's GitRepository
 * (`ref.branch/tag/semver/name/commit`, revision `main@sha1:<sha>`) so users feel at home.
 */

/** Credentials for HTTPS. A bearer token wins over basic auth when both are set. */
export interface GitAuth {
  username?: string;
  password?: string;
  bearerToken?: string;
}

/**
 * Which commit to follow. Precedence as in Flux: commit > name > semver > tag > branch; with none set the
 * remote's default branch (its HEAD) is used. `commit` may be combined with `branch`, which is then only
 * checked to exist and named in the revision.
 */
export interface GitRef {
  branch?: string;
  tag?: string;
  /** A semver range; the highest tag satisfying it is picked. */
  semver?: string;
  /** A full reference name, e.g. `refs/heads/main` or `refs/pull/42/head`. */
  name?: string;
  /** A full 40-character SHA-1. */
  commit?: string;
}

export interface ResolvedRevision {
  /** The full reference followed, e.g. `refs/heads/main`; `HEAD` for a commit pinned without a branch. */
  ref: string;
  /** The commit SHA-1 (annotated tags are peeled to their commit). */
  sha: string;
  /** Flux format: `main@sha1:<sha>`, `v1.2.0@sha1:<sha>`, `refs/pull/1/head@sha1:<sha>`, or `sha1:<sha>`. */
  revision: string;
}

export interface Artifact {
  revision: string;
  /** `sha256:<hex>` over the sorted tree (paths, modes, contents): the same tree always gives the same digest. */
  digest: string;
  /** Absolute directory holding the checked-out files (no `.git`). */
  path: string;
  /** Total bytes of the tree's blobs. */
  size: number;
  /** RFC 3339 time the artifact was produced. */
  lastUpdateTime: string;
  /**
   * Symlinks of the commit the checkout left out because they resolve outside it (or nowhere), relative to the
   * root. The rest of the revision is still usable, so this is for a warning, not an error: without one, a
   * manifest that is a link to /etc/passwd vanishes from the render without a word.
   */
  skippedSymlinks?: string[];
}

/** Options every network operation takes. */
export interface RemoteOptions {
  /** The whole operation (all its requests and local work) is aborted after this long. */
  timeoutMs: number;
  /** Allow plain `http://` URLs (tests on loopback); otherwise only `https://` is accepted. */
  allowInsecureHttp?: boolean;
}

export interface FetchOptions extends RemoteOptions {
  /** Artifact storage root for this GitRepository; the adapter owns everything inside it. */
  dir: string;
  /** Cap on the checked-out size; the transfer is capped at twice this. Default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
}

/** Default checkout cap: isomorphic-git holds the whole pack in memory, so this also bounds RSS. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
