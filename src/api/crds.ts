/**
 * The CustomResourceDefinitions of Steward's kinds, generated from the same TypeBox schemas that type and
 * validate them. deploy/crds/ holds this output; a unit test keeps the two equal.
 */
import type { TSchema } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { API_GROUP, API_VERSION } from '../core/constants.js';
import { toOpenAPI } from './openapi.js';
import { GitRepositorySpecSchema, GitRepositoryStatusSchema } from './schema/git-repository.js';
import { HelmRepositorySpecSchema, HelmRepositoryStatusSchema } from './schema/helm-repository.js';
import {
  ImagePolicySpecSchema,
  ImagePolicyStatusSchema,
  ImageRepositorySpecSchema,
  ImageRepositoryStatusSchema,
  ImageUpdateAutomationSpecSchema,
  ImageUpdateAutomationStatusSchema,
} from './schema/image.js';
import {
  AlertSpecSchema,
  AlertStatusSchema,
  ProviderSpecSchema,
  ProviderStatusSchema,
} from './schema/notification.js';
import { ReceiverSpecSchema, ReceiverStatusSchema } from './schema/receiver.js';
import { SyncSpecSchema, SyncStatusSchema } from './schema/sync.js';

/** Steward's own kinds, in the order crds() returns them. */
export const STEWARD_KINDS = [
  'GitRepository',
  'Sync',
  'Provider',
  'Alert',
  'Receiver',
  'HelmRepository',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
] as const;
export type StewardKind = (typeof STEWARD_KINDS)[number];

interface KindDefinition {
  kind: StewardKind;
  plural: string;
  singular: string;
  /**
   * No built-in kind uses these. Flux's GitRepository also has the short name `gitrepo` and the plural
   * `gitrepositories`: with both installed, kubectl picks one group, so write `gitrepositories.steward.dev`
   * there. `sync` equals the singular and is listed only so `kubectl api-resources` shows it.
   */
  shortNames: string[];
  description: string;
  /** Where the Revision column reads from; kinds without a revision have no such column. */
  revisionPath?: string;
  extraColumns: object[];
  spec: TSchema;
  status: TSchema;
}

const DEFINITIONS: readonly KindDefinition[] = [
  {
    kind: 'GitRepository',
    plural: 'gitrepositories',
    singular: 'gitrepository',
    shortNames: ['gitrepo'],
    description: 'A Git repository polled over HTTPS at a ref; its status holds the last fetched revision.',
    revisionPath: '.status.artifact.revision',
    extraColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url', priority: 1 }],
    spec: GitRepositorySpecSchema,
    status: GitRepositoryStatusSchema,
  },
  {
    kind: 'Sync',
    plural: 'syncs',
    singular: 'sync',
    shortNames: ['sync'],
    description:
      'Renders a path of a source and applies it to one tenant, pruning what it no longer renders.',
    revisionPath: '.status.lastAppliedRevision',
    extraColumns: [{ name: 'Path', type: 'string', jsonPath: '.spec.path', priority: 1 }],
    spec: SyncSpecSchema,
    status: SyncStatusSchema,
  },
  {
    kind: 'Provider',
    plural: 'providers',
    singular: 'provider',
    shortNames: [],
    description: 'Where notifications go: Slack, Microsoft Teams, Discord, a signed webhook or Alertmanager.',
    extraColumns: [{ name: 'Type', type: 'string', jsonPath: '.spec.type', priority: 1 }],
    spec: ProviderSpecSchema,
    status: ProviderStatusSchema,
  },
  {
    kind: 'Alert',
    plural: 'alerts',
    singular: 'alert',
    shortNames: [],
    description: 'Which events of which objects are sent to a Provider.',
    extraColumns: [{ name: 'Severity', type: 'string', jsonPath: '.spec.eventSeverity', priority: 1 }],
    spec: AlertSpecSchema,
    status: AlertStatusSchema,
  },
  {
    kind: 'Receiver',
    plural: 'receivers',
    singular: 'receiver',
    shortNames: [],
    description: 'An incoming webhook (GitHub, GitLab, signed generic) that triggers an immediate reconcile.',
    extraColumns: [
      { name: 'Type', type: 'string', jsonPath: '.spec.type', priority: 1 },
      { name: 'Path', type: 'string', jsonPath: '.status.webhookPath', priority: 1 },
    ],
    spec: ReceiverSpecSchema,
    status: ReceiverStatusSchema,
  },
  {
    kind: 'HelmRepository',
    plural: 'helmrepositories',
    singular: 'helmrepository',
    // Flux's short name is helmrepo too: with both installed, write helmrepositories.steward.dev.
    shortNames: ['helmrepo'],
    description:
      'A Helm chart repository (index.yaml over HTTP, or an OCI registry) that Syncs render charts from.',
    revisionPath: '.status.artifact.revision',
    extraColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url', priority: 1 }],
    spec: HelmRepositorySpecSchema,
    status: HelmRepositoryStatusSchema,
  },
  {
    kind: 'ImageRepository',
    plural: 'imagerepositories',
    singular: 'imagerepository',
    // Flux's short name is imgrepo too: with both installed, write imagerepositories.steward.dev.
    shortNames: ['imgrepo'],
    description: 'An image in an OCI registry whose tags are scanned for the ImagePolicies to choose from.',
    extraColumns: [
      { name: 'Tags', type: 'integer', jsonPath: '.status.lastScanResult.tagCount', priority: 1 },
      { name: 'Image', type: 'string', jsonPath: '.spec.image', priority: 1 },
      { name: 'Last scan', type: 'date', jsonPath: '.status.lastScanResult.scanTime', priority: 1 },
    ],
    spec: ImageRepositorySpecSchema,
    status: ImageRepositoryStatusSchema,
  },
  {
    kind: 'ImagePolicy',
    plural: 'imagepolicies',
    singular: 'imagepolicy',
    shortNames: ['imgpol'],
    description:
      'Which tag of an ImageRepository is the newest allowed one: semver range, alphabetical or numerical.',
    revisionPath: '.status.latestRef.tag',
    extraColumns: [{ name: 'Image', type: 'string', jsonPath: '.status.latestRef.name', priority: 1 }],
    spec: ImagePolicySpecSchema,
    status: ImagePolicyStatusSchema,
  },
  {
    kind: 'ImageUpdateAutomation',
    plural: 'imageupdateautomations',
    singular: 'imageupdateautomation',
    shortNames: ['imgupd'],
    description:
      'Writes the picks of ImagePolicies into a GitRepository at setter markers, commits and pushes.',
    revisionPath: '.status.lastPushCommit',
    extraColumns: [
      { name: 'Last run', type: 'date', jsonPath: '.status.lastAutomationRunTime', priority: 1 },
    ],
    spec: ImageUpdateAutomationSpecSchema,
    status: ImageUpdateAutomationStatusSchema,
  },
];

/** Columns in kubectl's order; the long Status message goes last so the short columns line up. */
function printerColumns(d: KindDefinition): object[] {
  return [
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    ...(d.revisionPath ? [{ name: 'Revision', type: 'string', jsonPath: d.revisionPath }] : []),
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
    ...d.extraColumns,
  ];
}

function crdFor(d: KindDefinition): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${d.plural}.${API_GROUP}` },
    spec: {
      group: API_GROUP,
      names: {
        // `kubectl get steward` lists every Steward object.
        categories: ['steward'],
        kind: d.kind,
        listKind: `${d.kind}List`,
        plural: d.plural,
        shortNames: d.shortNames,
        singular: d.singular,
      },
      scope: 'Namespaced',
      versions: [
        {
          additionalPrinterColumns: printerColumns(d),
          name: API_VERSION,
          schema: {
            openAPIV3Schema: {
              description: d.description,
              properties: {
                apiVersion: { description: 'Versioned schema of this object.', type: 'string' },
                kind: { description: 'REST resource this object represents.', type: 'string' },
                metadata: { type: 'object' },
                spec: toOpenAPI(d.spec, 'spec'),
                status: toOpenAPI(d.status, 'status'),
              },
              required: ['spec'],
              type: 'object',
            },
          },
          served: true,
          storage: true,
          subresources: { status: {} },
        },
      ],
    },
  };
}

/** Every CRD, freshly built (callers may modify them), in {@link STEWARD_KINDS} order. */
export function crds(): object[] {
  return DEFINITIONS.map(crdFor);
}

/** Where the CRD of `kind` lives under deploy/crds/, named as controller-gen names its output. */
export function crdFileName(kind: StewardKind): string {
  const d = DEFINITIONS.find((x) => x.kind === kind);
  if (!d) throw new Error(`unknown kind ${kind}`);
  return `${API_GROUP}_${d.plural}.yaml`;
}

/** The CRD of `kind` as the YAML committed in deploy/crds/, header included. */
export function crdYaml(kind: StewardKind): string {
  const index = STEWARD_KINDS.indexOf(kind);
  const d = DEFINITIONS[index];
  if (!d) throw new Error(`unknown kind ${kind}`);
  const header =
    '# Generated from src/api/schema; do not edit.\n' +
    '# Regenerate with: UPDATE_CRDS=1 npx vitest run --project unit test/unit/api\n';
  // No aliases: a schema reused in two places must be written out twice, as kubectl expects.
  return `${header}---\n${stringify(crdFor(d), { aliasDuplicateObjects: false, lineWidth: 0 })}`;
}
