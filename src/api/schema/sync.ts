/**
 * Sync: renders a path of a source and applies it to one tenant. It is Flux's kustomize.toolkit.fluxcd.io/v1
 * Kustomization renamed (the old name collides with kustomize's own kustomization.yaml), with the same field
 * names and meaning, minus decryption, patches and images, which Steward does not support yet.
 */
import { type Static, Type } from '@sinclair/typebox';
import { GROUP_VERSION } from '../../core/constants.js';
import { DnsLabel, DnsSubdomain, ListMap, SpecDuration, Strict, StringEnum } from './builders.js';
import { CommonStatusProperties, NamespacedObjectReference, ObjectMetaSchema } from './common.js';

/** The source kinds a Sync can read from. A HelmRepository needs spec.helm. */
export const SYNC_SOURCE_KINDS = ['GitRepository', 'HelmRepository'] as const;

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

/** A ConfigMap or Secret key holding Helm values (Flux HelmRelease valuesFrom). */
export const ValuesReferenceSchema = Strict(
  {
    kind: StringEnum(['ConfigMap', 'Secret'], { description: 'Kind of the object holding the values.' }),
    name: DnsSubdomain('Name of the object, in the namespace of the Sync.'),
    valuesKey: Type.Optional(
      Type.String({
        description: 'The data key holding the values; values.yaml when left out.',
        minLength: 1,
        maxLength: 253,
        pattern: '^[-._a-zA-Z0-9]+$',
      }),
    ),
    targetPath: Type.Optional(
      Type.String({
        description:
          'Where the value goes, in `helm --set` path syntax (a.b[0].c); the key then holds one value, not YAML.',
        minLength: 1,
        maxLength: 250,
      }),
    ),
    optional: Type.Optional(
      Type.Boolean({ description: 'Carry on when the object or key does not exist. False when left out.' }),
    ),
  },
  { description: 'Values read from a ConfigMap or Secret.' },
);

export const KustomizePostRendererSchema = Strict(
  {
    patches: Type.Optional(
      Type.Array(
        Strict(
          {
            patch: Type.String({
              description: 'A strategic merge or JSON 6902 patch, inline.',
              minLength: 1,
            }),
            target: Type.Optional(
              Strict(
                {
                  group: Type.Optional(Type.String()),
                  version: Type.Optional(Type.String()),
                  kind: Type.Optional(Type.String()),
                  name: Type.Optional(Type.String()),
                  namespace: Type.Optional(Type.String()),
                  labelSelector: Type.Optional(Type.String()),
                  annotationSelector: Type.Optional(Type.String()),
                },
                { description: 'Objects the patch applies to (kustomize patch target).' },
              ),
            ),
          },
          { description: 'A kustomize patch.' },
        ),
        { description: 'Patches applied to the rendered chart.' },
      ),
    ),
    images: Type.Optional(
      Type.Array(
        Strict(
          {
            name: Type.String({ description: 'Image name as it appears in the chart.', minLength: 1 }),
            newName: Type.Optional(Type.String({ minLength: 1 })),
            newTag: Type.Optional(Type.String({ minLength: 1 })),
            digest: Type.Optional(Type.String({ pattern: '^sha256:[a-f0-9]{64}$' })),
          },
          { description: 'A kustomize image override.' },
        ),
        { description: 'Image overrides applied to the rendered chart.' },
      ),
    ),
  },
  { description: 'Kustomize patches and image overrides, applied to helm template output.' },
);

export const HelmSpecSchema = Strict(
  {
    chart: Type.String({
      description:
        'With a HelmRepository source, the chart name; with a GitRepository source, the path of the chart ' +
        'directory in the artifact (./charts/app).',
      minLength: 1,
      maxLength: 1024,
    }),
    version: Type.Optional(
      Type.String({
        description:
          'SemVer range or exact version of the chart (HelmRepository sources); the highest match wins. ' +
          'Any version ("*") when left out; pin it in production.',
        minLength: 1,
        maxLength: 256,
      }),
    ),
    releaseName: Type.Optional(
      Type.String({
        description: 'Release name given to helm template (.Release.Name); the Sync name when left out.',
        minLength: 1,
        maxLength: 53,
        pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
        errorMessage: 'must be a DNS-1123 label of at most 53 characters, as Helm requires',
      }),
    ),
    valuesFiles: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          'Values files inside the chart (or, for a Git chart, inside the artifact), merged in order before ' +
          'valuesFrom; the chart default values.yaml always comes first.',
      }),
    ),
    valuesFrom: Type.Optional(
      Type.Array(ValuesReferenceSchema, {
        description: 'ConfigMap and Secret values, merged in order after valuesFiles and before values.',
      }),
    ),
    values: Type.Optional(
      // Kind Any: TypeBox's checker throws "Unknown type" on a bare Unsafe schema; the CRD (type: object) is
      // what holds the shape, as for any preserve-unknown-fields node.
      Type.Unsafe<Record<string, unknown>>({
        ...Type.Any(),
        type: 'object',
        description: 'Inline values, merged last.',
        'x-kubernetes-preserve-unknown-fields': true,
      }),
    ),
    includeCRDs: Type.Optional(
      Type.Boolean({ description: "Render the chart's crds/ directory. True when left out.", default: true }),
    ),
    skipTests: Type.Optional(
      Type.Boolean({ description: 'Leave out test hooks. True when left out.', default: true }),
    ),
    kubeVersion: Type.Optional(
      Type.String({
        description:
          'Kubernetes version given to the chart (.Capabilities.KubeVersion); the agent default when left out.',
        pattern: '^v?[0-9]+\\.[0-9]+(\\.[0-9]+)?$',
      }),
    ),
    postRenderers: Type.Optional(
      Type.Array(Strict({ kustomize: KustomizePostRendererSchema }), {
        description: 'Applied to the helm template output, in order.',
      }),
    ),
  },
  { description: 'Render a Helm chart with helm template instead of running kustomize on spec.path.' },
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
    helm: Type.Optional(HelmSpecSchema),
  },
  { description: 'What to apply, where, and how.' },
);

/** One applied object, Flux-style: `<namespace>_<name>_<group>_<kind>` plus the apiVersion it was applied as. */
export const InventoryEntrySchema = Type.Object({
  id: Type.String({ description: 'Object id: <namespace>_<name>_<group>_<kind>.' }),
  v: Type.String({ description: 'Version the object was applied as.' }),
});

/** The Helm release a helm Sync last applied. */
export const HelmStatusSchema = Type.Object(
  {
    chart: Type.String({ description: 'Name of the chart last applied (Chart.yaml name).' }),
    version: Type.String({ description: 'Version of the chart last applied (Chart.yaml version).' }),
    digest: Type.String({
      description: 'sha256 of the chart: of the .tgz for repository charts, of the files for Git charts.',
    }),
    releaseDigest: Type.String({
      description:
        'sha256 over the chart digest, the merged values, the release name, the namespace and the kube version.',
    }),
    hooksAppliedFor: Type.Optional(
      Type.String({
        description:
          'The releaseDigest whose hooks last ran to completion; hooks run again only when the release changes.',
      }),
    ),
  },
  { description: 'The Helm release this Sync last applied (helm Syncs only).' },
);

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
    helm: Type.Optional(HelmStatusSchema),
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
export type HelmSpec = Static<typeof HelmSpecSchema>;
export type ValuesReference = Static<typeof ValuesReferenceSchema>;
export type KustomizePostRenderer = Static<typeof KustomizePostRendererSchema>;
export type SyncStatus = Static<typeof SyncStatusSchema>;
export type HelmStatus = Static<typeof HelmStatusSchema>;
/** A validated Sync, as validateSync returns it. */
export type Sync = Static<typeof SyncSchema>;
