/**
 * Image automation: ImageRepository (scans an image's tags in a registry), ImagePolicy (picks the newest allowed
 * tag) and ImageUpdateAutomation (writes the picks back to Git at setter markers, commits and pushes). Field
 * names and meaning follow Flux's image.toolkit.fluxcd.io/v1beta2 kinds, with these differences:
 * - references stay in the object's own namespace (a tenant's automation cannot read another tenant's policies or
 *   push with another tenant's GitRepository credentials); `namespace` is accepted when it names that namespace,
 *   so manifests written for Flux still load. Flux's `accessFrom` is therefore not offered: sharing happens
 *   inside the agent, where two tenants watching one image with the same credentials share one registry scan;
 * - no cloud provider login, TLS client certificates, proxies, commit signing or push refspecs yet.
 */
import { type Static, Type } from '@sinclair/typebox';
import { GROUP_VERSION } from '../../core/constants.js';
import { DateTime, DnsLabel, DnsSubdomain, Int64, SpecDuration, Strict, StringEnum } from './builders.js';
import { CommonStatusProperties, LocalObjectReference, ObjectMetaSchema } from './common.js';

/** Flux's default: cosign signatures are stored as `sha256-<digest>.sig` tags and are never deployable. */
export const DEFAULT_EXCLUSION_LIST = ['^.*\\.sig$'];

/** A reference that may name its namespace, which must then be the object's own (see the file comment). */
function SameNamespaceReference(description: string) {
  return Strict(
    {
      name: DnsSubdomain('Name of the referent.'),
      namespace: Type.Optional(
        DnsLabel('Namespace of the referent; only the namespace of this object is allowed.'),
      ),
    },
    { description },
  );
}

// --- ImageRepository ---------------------------------------------------------------------------------------

export const ImageRepositorySpecSchema = Strict(
  {
    image: Type.String({
      description:
        'The image without tag or digest: `ghcr.io/org/app`, `nginx` (Docker Hub), `127.0.0.1:5000/app`.',
      minLength: 1,
      maxLength: 1024,
      pattern: '^[^:@/\\s][^@\\s]*$',
      errorMessage: 'must be an image name without a digest, such as ghcr.io/org/app',
    }),
    interval: SpecDuration('How often the tags are listed.'),
    timeout: Type.Optional(
      SpecDuration('Time limit of one scan (every page of the tag list).', { default: '60s' }),
    ),
    secretRef: Type.Optional(
      LocalObjectReference(
        'A Secret of type kubernetes.io/dockerconfigjson in the same namespace with credentials for the registry.',
      ),
    ),
    exclusionList: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), {
        description:
          'Regular expressions (Go RE2 syntax) of tags to leave out of the scan result. Defaults to ' +
          '`^.*\\.sig$` (cosign signatures).',
        maxItems: 25,
        default: DEFAULT_EXCLUSION_LIST,
      }),
    ),
    insecure: Type.Optional(Type.Boolean({ description: 'Speak plain HTTP to the registry.' })),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop scanning; the last result stays available.' })),
  },
  { description: 'Which image to scan, how often, and with which credentials.' },
);

export const ScanResultSchema = Strict(
  {
    revision: Type.String({ description: 'Digest of the sorted tag list: it changes when the tags change.' }),
    tagCount: Int64('Tags found, after the exclusion list.'),
    scanTime: DateTime('When the registry answered the scan this result comes from.'),
    latestTags: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Up to 10 tags, last in byte order first (a hint, not the policy pick).',
        maxItems: 10,
      }),
    ),
  },
  { description: 'The last successful scan.' },
);

export const ImageRepositoryStatusSchema = Type.Object(
  {
    ...CommonStatusProperties,
    canonicalImageName: Type.Optional(
      Type.String({
        description: 'The image with its registry spelled out, such as docker.io/library/nginx.',
      }),
    ),
    lastScanResult: Type.Optional(ScanResultSchema),
    observedExclusionList: Type.Optional(
      Type.Array(Type.String(), { description: 'The exclusion list the last scan was filtered with.' }),
    ),
  },
  { description: 'Observed state, written by Steward.' },
);

export const ImageRepositorySchema = Strict({
  apiVersion: Type.Literal(GROUP_VERSION),
  kind: Type.Literal('ImageRepository'),
  metadata: ObjectMetaSchema,
  spec: ImageRepositorySpecSchema,
  status: Type.Optional(ImageRepositoryStatusSchema),
});

export type ImageRepositorySpec = Static<typeof ImageRepositorySpecSchema>;
export type ImageRepositoryStatus = Static<typeof ImageRepositoryStatusSchema>;
export type ImageRepository = Static<typeof ImageRepositorySchema>;

// --- ImagePolicy -------------------------------------------------------------------------------------------

const OrderSchema = StringEnum(['asc', 'desc'], {
  description: 'asc picks the last value in ascending order (the highest), desc the first.',
  default: 'asc',
});

export const ImagePolicyChoiceSchema = Strict(
  {
    semver: Type.Optional(
      Strict(
        {
          range: Type.String({
            description: 'A semver range such as `>=1.0.0 <2.0.0`, `^1.2`, `1.x`; commas mean AND.',
            minLength: 1,
            maxLength: 1024,
          }),
        },
        { description: 'Pick the highest version in the range; tags that are not versions are skipped.' },
      ),
    ),
    alphabetical: Type.Optional(
      Strict({ order: Type.Optional(OrderSchema) }, { description: 'Compare tags as byte strings.' }),
    ),
    numerical: Type.Optional(
      Strict(
        { order: Type.Optional(OrderSchema) },
        { description: 'Compare tags as numbers; every candidate must be a number.' },
      ),
    ),
  },
  {
    description: 'How the newest tag is chosen: exactly one of semver, alphabetical, numerical.',
    minProperties: 1,
    maxProperties: 1,
    errorMessage: 'must set exactly one of semver, alphabetical, numerical',
  },
);

export const ImagePolicySpecSchema = Strict(
  {
    imageRepositoryRef: SameNamespaceReference('The ImageRepository whose tags are chosen from.'),
    policy: ImagePolicyChoiceSchema,
    filterTags: Type.Optional(
      Strict(
        {
          pattern: Type.String({
            description:
              'A regular expression (Go RE2 syntax, `(?P<name>...)` groups allowed) that tags must match.',
            minLength: 1,
            maxLength: 1024,
          }),
          extract: Type.Optional(
            Type.String({
              description:
                'What the policy compares instead of the tag, from the match: `$ts`, `$1`; the whole tag when empty.',
              maxLength: 1024,
            }),
          ),
        },
        { description: 'Filter tags before the policy is applied, and optionally compare a part of them.' },
      ),
    ),
    digestReflectionPolicy: Type.Optional(
      StringEnum(['Never', 'IfNotPresent', 'Always'], {
        description:
          'Whether the chosen tag is resolved to its manifest digest: Never; IfNotPresent (once per tag); ' +
          'Always (at every interval, so a moved tag is noticed; needs interval).',
        default: 'Never',
      }),
    ),
    interval: Type.Optional(
      SpecDuration('How often the digest is re-checked when digestReflectionPolicy is Always.'),
    ),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop updating the pick.' })),
  },
  {
    description: 'Which tag of an ImageRepository is the one to deploy.',
    'x-kubernetes-validations': [
      {
        rule: "!has(self.digestReflectionPolicy) || self.digestReflectionPolicy != 'Always' || has(self.interval)",
        message: 'digestReflectionPolicy Always requires interval',
      },
    ],
  },
);

export const ImageRefSchema = Strict(
  {
    name: Type.String({ description: 'The image name, such as ghcr.io/org/app.' }),
    tag: Type.String({ description: 'The chosen tag.' }),
    digest: Type.Optional(Type.String({ description: 'The manifest digest of the tag, when reflected.' })),
  },
  { description: 'An image reference.' },
);

export const ImagePolicyStatusSchema = Type.Object(
  {
    ...CommonStatusProperties,
    latestRef: Type.Optional(ImageRefSchema),
    observedPreviousRef: Type.Optional(ImageRefSchema),
  },
  { description: 'Observed state, written by Steward.' },
);

export const ImagePolicySchema = Strict({
  apiVersion: Type.Literal(GROUP_VERSION),
  kind: Type.Literal('ImagePolicy'),
  metadata: ObjectMetaSchema,
  spec: ImagePolicySpecSchema,
  status: Type.Optional(ImagePolicyStatusSchema),
});

export type ImagePolicySpec = Static<typeof ImagePolicySpecSchema>;
export type ImagePolicyStatus = Static<typeof ImagePolicyStatusSchema>;
export type ImagePolicy = Static<typeof ImagePolicySchema>;

// --- ImageUpdateAutomation ---------------------------------------------------------------------------------

/** A Git branch name as `git check-ref-format --branch` would take it (the common subset). */
const BranchName = (description: string) =>
  Type.String({
    description,
    minLength: 1,
    maxLength: 255,
    // The rest of git-check-ref-format's rules need lookaheads, which the API server's RE2 lacks: validate.ts.
    pattern: '^[^\\s~^:?*\\[\\\\]+$',
    errorMessage: 'must be a Git branch name (no spaces, "..", "~", "^", ":", "?", "*", "[", "\\")',
  });

export const ImageUpdateAutomationSpecSchema = Strict(
  {
    sourceRef: Strict(
      {
        kind: Type.Optional(
          StringEnum(['GitRepository'], { description: 'Kind of the source.', default: 'GitRepository' }),
        ),
        name: DnsSubdomain('Name of the GitRepository.'),
        namespace: Type.Optional(
          DnsLabel('Namespace of the GitRepository; only the namespace of this object is allowed.'),
        ),
      },
      { description: 'The GitRepository to write to; its URL and credentials are used for the push.' },
    ),
    git: Strict(
      {
        checkout: Type.Optional(
          Strict(
            {
              ref: Strict(
                { branch: BranchName('The branch to check out.') },
                { description: 'Only a branch can be written to.' },
              ),
            },
            { description: "Where to start from; the GitRepository's branch when omitted." },
          ),
        ),
        commit: Strict(
          {
            author: Strict(
              {
                name: Type.Optional(
                  Type.String({
                    description: 'Author name.',
                    minLength: 1,
                    maxLength: 256,
                    default: 'Steward',
                  }),
                ),
                email: Type.String({
                  description: 'Author email.',
                  minLength: 3,
                  maxLength: 256,
                  pattern: '^[^\\s<>]+@[^\\s<>]+$',
                  errorMessage: 'must be an email address',
                }),
              },
              { description: 'Author and committer of the commits.' },
            ),
            messageTemplate: Type.Optional(
              Type.String({
                description:
                  'The commit message, a Go text/template as in Flux (.AutomationObject, .Changed.FileChanges, ' +
                  '.Changed.Objects, .Changed.Changes, .Values). The default lists every change.',
                maxLength: 16384,
              }),
            ),
            messageTemplateValues: Type.Optional(
              Type.Record(Type.String(), Type.String(), {
                description: 'Values the template reads as .Values.',
              }),
            ),
          },
          { description: 'How commits are written.' },
        ),
        push: Type.Optional(
          Strict(
            { branch: BranchName('The branch to push to; created from the checkout branch if missing.') },
            { description: 'Where to push; the checkout branch when omitted.' },
          ),
        ),
      },
      { description: 'Checkout, commit and push settings.' },
    ),
    update: Type.Optional(
      Strict(
        {
          path: Type.Optional(
            Type.String({
              description: 'The directory whose YAML files are updated, relative to the repository root.',
              maxLength: 4096,
              default: './',
            }),
          ),
          strategy: Type.Optional(
            StringEnum(['Setters'], {
              description:
                'Setters: rewrite values marked `# {"$imagepolicy": "<namespace>:<name>[:tag|:name|:digest]"}`.',
              default: 'Setters',
            }),
          ),
        },
        { description: 'What is updated.', default: { path: './', strategy: 'Setters' } },
      ),
    ),
    policySelector: Type.Optional(
      Strict(
        {
          matchLabels: Type.Optional(
            Type.Record(Type.String(), Type.String(), { description: 'Labels the ImagePolicies must have.' }),
          ),
        },
        { description: 'Which ImagePolicies of the namespace apply; all of them when omitted.' },
      ),
    ),
    interval: SpecDuration('How often the automation runs even without a new policy pick.'),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop committing.' })),
  },
  { description: 'Where the picks of the ImagePolicies are written and how.' },
);

export const ImageUpdateAutomationStatusSchema = Type.Object(
  {
    ...CommonStatusProperties,
    lastAutomationRunTime: Type.Optional(DateTime('When the automation last ran.')),
    lastPushCommit: Type.Optional(Type.String({ description: 'The commit SHA last pushed.' })),
    lastPushTime: Type.Optional(DateTime('When the last push happened.')),
    observedSourceRevision: Type.Optional(
      Type.String({ description: 'The revision (`branch@sha1:<sha>`) the last run started from.' }),
    ),
    observedPolicies: Type.Optional(
      Type.Record(Type.String(), ImageRefSchema, {
        description: 'The picks of the policies the last run applied, by policy name.',
      }),
    ),
  },
  { description: 'Observed state, written by Steward.' },
);

export const ImageUpdateAutomationSchema = Strict({
  apiVersion: Type.Literal(GROUP_VERSION),
  kind: Type.Literal('ImageUpdateAutomation'),
  metadata: ObjectMetaSchema,
  spec: ImageUpdateAutomationSpecSchema,
  status: Type.Optional(ImageUpdateAutomationStatusSchema),
});

export type ImageUpdateAutomationSpec = Static<typeof ImageUpdateAutomationSpecSchema>;
export type ImageUpdateAutomationStatus = Static<typeof ImageUpdateAutomationStatusSchema>;
export type ImageUpdateAutomation = Static<typeof ImageUpdateAutomationSchema>;
