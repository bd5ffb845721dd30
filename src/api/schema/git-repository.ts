/**
 * GitRepository: polls a Git repository over HTTPS at a ref and records the fetched revision as an
 * artifact. Field names and meaning follow Flux's source.toolkit.fluxcd.io/v1 GitRepository, minus SSH,
 * submodules, verification and proxies, which Steward does not support yet.
 */
import { type Static, Type } from '@sinclair/typebox';
import { GROUP_VERSION } from '../../core/constants.js';
import { DateTime, Int64, SpecDuration, Strict } from './builders.js';
import { CommonStatusProperties, LocalObjectReference, ObjectMetaSchema } from './common.js';

/**
 * Which revision to check out. Precedence is Flux's: commit, then name, then semver, then tag, then
 * branch; a commit combined with a branch must be on that branch.
 */
export const GitRepositoryRefSchema = Strict(
  {
    branch: Type.Optional(Type.String({ description: 'Branch to check out.', minLength: 1 })),
    tag: Type.Optional(
      Type.String({ description: 'Tag to check out; takes precedence over branch.', minLength: 1 }),
    ),
    semver: Type.Optional(
      Type.String({
        description: 'SemVer range matched against tags, the highest match wins; takes precedence over tag.',
        minLength: 1,
      }),
    ),
    name: Type.Optional(
      Type.String({
        description:
          'Full reference name (refs/heads/main, refs/pull/420/head); takes precedence over semver.',
        pattern: '^refs/.+',
        errorMessage: 'must be a full Git reference name starting with "refs/"',
      }),
    ),
    commit: Type.Optional(
      Type.String({
        description: 'Commit SHA to check out; takes precedence over everything else.',
        pattern: '^([0-9a-f]{40}|[0-9a-f]{64})$',
        errorMessage: 'must be a full 40- or 64-character lowercase hex commit SHA',
      }),
    ),
  },
  {
    description: 'The Git reference to check out. Defaults to branch main.',
    // Flux defaults to master; Git hosts have created main by default for years.
    default: { branch: 'main' },
    minProperties: 1,
    errorMessage: 'must set at least one of branch, tag, semver, name, commit',
  },
);

/**
 * Rejected in two places that must agree: here for the API server, and in validate.ts for objects that
 * never pass through it (config bootstrap, local builds). Plain http sends credentials and content in the
 * clear, so it takes an explicit opt-in, like Flux's `insecure` on HelmRepository and OCIRepository.
 */
export const HTTP_NEEDS_INSECURE_RULE = {
  rule: "!self.url.startsWith('http://') || (has(self.insecure) && self.insecure)",
  message: 'an http:// url requires insecure: true',
};

export const GitRepositorySpecSchema = Strict(
  {
    url: Type.String({
      description: 'The repository URL: https://, or http:// when insecure is true. SSH is not supported.',
      pattern: '^https?://',
      maxLength: 2048,
      errorMessage: 'must be an https:// URL (or http:// with insecure: true)',
    }),
    insecure: Type.Optional(
      Type.Boolean({
        description: 'Allow a plain http:// url. Steward addition; Flux allows http silently.',
      }),
    ),
    secretRef: Type.Optional(
      LocalObjectReference(
        'A Secret in the same namespace with either `username` and `password` (basic auth, e.g. a token as ' +
          'password) or `bearerToken`.',
      ),
    ),
    interval: SpecDuration('How often to check the remote for a new revision.'),
    timeout: SpecDuration('Timeout for Git operations such as listing refs and fetching.', {
      default: '60s',
    }),
    ref: GitRepositoryRefSchema,
    ignore: Type.Optional(
      Type.String({ description: 'Extra .gitignore-style patterns of files to leave out of the artifact.' }),
    ),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop polling; the last artifact stays available.' })),
  },
  {
    description: 'Where to fetch from and how often.',
    'x-kubernetes-validations': [HTTP_NEEDS_INSECURE_RULE],
  },
);

/** The output of a successful fetch, as Flux's meta.Artifact. */
export const ArtifactSchema = Type.Object(
  {
    path: Type.String({ description: 'Path of the artifact relative to the artifacts directory.' }),
    url: Type.Optional(Type.String({ description: 'HTTP address the artifact can be downloaded from.' })),
    revision: Type.String({
      description: 'Human-readable revision: <ref>@sha1:<commit>, e.g. main@sha1:3a4b...',
    }),
    digest: Type.String({ description: 'Digest of the artifact content: sha256:<hex>.' }),
    lastUpdateTime: DateTime('When the artifact was last written.'),
    size: Type.Optional(Int64('Size of the artifact in bytes.')),
  },
  { description: 'The last successfully fetched revision.' },
);

export const GitRepositoryStatusSchema = Type.Object(
  { ...CommonStatusProperties, artifact: Type.Optional(ArtifactSchema) },
  { description: 'Observed state, written by Steward.' },
);

export const GitRepositorySchema = Strict({
  apiVersion: Type.Literal(GROUP_VERSION),
  kind: Type.Literal('GitRepository'),
  metadata: ObjectMetaSchema,
  spec: GitRepositorySpecSchema,
  status: Type.Optional(GitRepositoryStatusSchema),
});

/** The desired state of a GitRepository, defaults applied (`timeout` 60s, `ref` branch main). */
export type GitRepositorySpec = Static<typeof GitRepositorySpecSchema>;
/** Which revision a GitRepository checks out. */
export type GitRepositoryRef = Static<typeof GitRepositoryRefSchema>;
/** A fetched revision recorded in status. */
export type Artifact = Static<typeof ArtifactSchema>;
export type GitRepositoryStatus = Static<typeof GitRepositoryStatusSchema>;
/** A validated GitRepository, as validateGitRepository returns it. */
export type GitRepository = Static<typeof GitRepositorySchema>;
