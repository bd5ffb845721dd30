/**
 * Sync: renders a path of a source and applies it to one tenant. It is Flux's kustomize.toolkit.fluxcd.io/v1
 * Kustomization renamed (the old name collides with kustomize's own kustomization.yaml), with the same field
 * names and meaning, minus decryption, patches and images, which Steward does not support yet.
 */
import { type Static, Type } from '@sinclair/typebox';
import { GROUP_VERSION } from '../../core/constants.js';
import { DnsLabel, DnsSubdomain, ListMap, SpecDuration, Strict, StringEnum } from './builders.js';
import { CommonStatusProperties, NamespacedObjectReference, ObjectMetaSchema } from './common.js';

/** The source kinds a Sync can read from; more come with HelmRepository and friends. */
export const SYNC_SOURCE_KINDS = ['GitRepository'] as const;

export const SourceReferenceSchema = Strict(
  {
    kind: StringEnum(SYNC_SOURCE_KINDS, { description: 'Kind of the source.' }),
    name: DnsSubdomain('Name of the source.'),
    namespace: Type.Optional(
      DnsLabel(
        'Namespace of the source; defaults to the namespace of the Sync. Other namespaces need the platform to allow cross-namespace references.',
      ),
    ),
  },
  { description: 'The source whose artifact is rendered and applied.' },
);

/** An object whose health gates the Sync's readiness (Flux meta.NamespacedObjectKindReference). */
export const HealthCheckSchema = Strict(
  {
    apiVersion: Type.Optional(
      Type.String({ description: 'API version of the object; the preferred version when left out.' }),
    ),
    kind: Type.String({ description: 'Kind of the object.', minLength: 1 }),
    name: DnsSubdomain('Name of the object.'),
    namespace: Type.Optional(DnsLabel('Namespace of the object; defaults to the namespace of the Sync.')),
  },
  { description: 'An object whose health gates readiness.' },
);

export const SubstituteReferenceSchema = Strict(
  {
    kind: StringEnum(['ConfigMap', 'Secret'], { description: 'Kind of the object holding the variables.' }),
    name: DnsSubdomain('Name of the object, in the namespace of the Sync.'),
    optional: Type.Optional(
      Type.Boolean({ description: 'Carry on when the object does not exist. False when left out.' }),
    ),
  },
  { description: 'A ConfigMap or Secret whose data keys become substitution variables.' },
);

export const PostBuildSchema = Strict(
  {
    substitute: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder syntax users write, shown literally.
        description: 'Variables replacing ${var} in the rendered manifests; these win over substituteFrom.',
      }),
    ),
    substituteFrom: Type.Optional(
      Type.Array(SubstituteReferenceSchema, {
        description: 'Objects whose data supply variables; later entries win over earlier ones.',
      }),
    ),
  },
  { description: 'Variable substitution applied to the rendered manifests, as Flux does it.' },
);

export const SyncSpecSchema = Strict(
  {
    sourceRef: SourceReferenceSchema,
    path: Type.String({
      description: 'Path within the source artifact to render; must stay inside it.',
      default: './',
    }),
    interval: SpecDuration(
      'How often to render and apply even when the source has not changed (drift correction).',
    ),
    retryInterval: Type.Optional(SpecDuration('How soon to retry after a failure; defaults to interval.')),
    timeout: Type.Optional(
      SpecDuration(
        'Time limit for one render, apply and health check. Left out, the agent caps it at the smaller ' +
          'of interval and its defaultTimeout.',
      ),
    ),
    prune: Type.Boolean({
      description: 'Delete objects that a previous revision applied and this one does not.',
    }),
    allowEmpty: Type.Optional(
      Type.Boolean({
        description:
          'Steward addition: allow an empty render to prune everything this Sync applied. Without it, an ' +
          'empty render is treated as a mistake (wrong path or ref) and nothing is pruned.',
      }),
    ),
    wait: Type.Optional(
      Type.Boolean({
        description: 'Wait for every applied object to become healthy; overrides healthChecks.',
      }),
    ),
    healthChecks: Type.Optional(
      Type.Array(HealthCheckSchema, {
        description: 'Objects whose health gates readiness when wait is false.',
      }),
    ),
    dependsOn: Type.Optional(
      Type.Array(
        NamespacedObjectReference('A Sync that must be Ready first; defaults to the namespace of this Sync.'),
        { description: 'Syncs that must be Ready before this one is applied.' },
      ),
    ),
    targetNamespace: Type.Optional(
      DnsLabel('Namespace to set on every namespaced object, overriding what the manifests say.'),
    ),
    serviceAccountName: Type.Optional(
      DnsSubdomain('Service account in the namespace of the Sync to impersonate when applying.'),
    ),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop reconciling; what is applied stays.' })),
    force: Type.Boolean({
      description: 'Recreate an object when a patch fails on an immutable field.',
      default: false,
    }),
    postBuild: Type.Optional(PostBuildSchema),
  },
  { description: 'What to apply, where, and how.' },
);

/** One applied object, Flux-style: `<namespace>_<name>_<group>_<kind>` plus the apiVersion it was applied as. */
export const InventoryEntrySchema = Type.Object({
  id: Type.String({ description: 'Object id: <namespace>_<name>_<group>_<kind>.' }),
  v: Type.String({ description: 'Version the object was applied as.' }),
});

export const SyncStatusSchema = Type.Object(
  {
    ...CommonStatusProperties,
    lastAppliedRevision: Type.Optional(
      Type.String({ description: 'Source revision last applied successfully.' }),
    ),
    lastAttemptedRevision: Type.Optional(Type.String({ description: 'Source revision last tried.' })),
    inventory: Type.Optional(
      Type.Object(
        {
          entries: ListMap(InventoryEntrySchema, ['id'], { description: 'One entry per applied object.' }),
        },
        { description: 'Objects the last successful apply owns; prune works from this list.' },
      ),
    ),
  },
  { description: 'Observed state, written by Steward.' },
);

export const SyncSchema = Strict({
  apiVersion: Type.Literal(GROUP_VERSION),
  kind: Type.Literal('Sync'),
  metadata: ObjectMetaSchema,
  spec: SyncSpecSchema,
  status: Type.Optional(SyncStatusSchema),
});

/** The desired state of a Sync, defaults applied (`path` "./", `force` false). */
export type SyncSpec = Static<typeof SyncSpecSchema>;
export type SourceReference = Static<typeof SourceReferenceSchema>;
export type HealthCheck = Static<typeof HealthCheckSchema>;
export type PostBuild = Static<typeof PostBuildSchema>;
export type SyncStatus = Static<typeof SyncStatusSchema>;
/** A validated Sync, as validateSync returns it. */
export type Sync = Static<typeof SyncSchema>;
