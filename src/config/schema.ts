/**
 * The agent's settings file (config/steward.yaml): one TypeBox schema gives the Config type, the
 * defaults and the validation. Every key is optional in the file; the Config type is what comes out of
 * parseConfig, with every default filled in.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DnsSubdomain, Duration, Strict, StringEnum } from '../api/schema/builders.js';
import { FIELD_MANAGER } from '../core/constants.js';
import type { Manifest } from '../core/types.js';

const MiB = 1024 * 1024;

function Port(description: string, port: number) {
  return Type.Integer({ description, minimum: 0, maximum: 65535, default: port });
}

function PositiveInteger(description: string, value: number) {
  return Type.Integer({ description, minimum: 1, default: value });
}

/** `Kind` for the core group, `Kind.group` otherwise: how Kubernetes prints a GroupKind. */
const GROUP_KIND = '^[A-Z][A-Za-z0-9]*(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

export const PortsSchema = Strict(
  {
    metrics: Port('Port of /metrics and the read-only status API.', 8080),
    // Separate from metrics so probes keep answering while a slow scrape holds the other port, and so a
    // NetworkPolicy can open one without the other; 8080/8081 are controller-runtime's defaults.
    health: Port('Port of /healthz and /readyz.', 8081),
    // Receivers are the one surface reachable from outside the cluster (Git hosts call them): a port of their
    // own lets the Service and NetworkPolicy expose them without exposing metrics. 9292 is Flux's.
    webhook: Port('Port of the Receiver webhooks (/hook/...).', 9292),
  },
  { description: 'Listening ports; 0 picks a free port (tests).', default: {} },
);

export const LockdownSchema = Strict(
  {
    noCrossNamespaceRefs: Type.Boolean({
      description:
        "Refuse a Sync's references (sourceRef, dependsOn) to other namespaces, as Flux's flag does.",
      default: true,
    }),
    allowedClusterKinds: Type.Array(
      Type.String({
        pattern: GROUP_KIND,
        errorMessage:
          'must be Kind or Kind.group, e.g. "Namespace" or "ClusterRole.rbac.authorization.k8s.io"',
      }),
      { description: 'Cluster-scoped kinds a tenant Sync may apply; none by default.', default: [] },
    ),
    platformNamespaces: Type.Array(Type.String({ minLength: 1 }), {
      description:
        'Namespaces whose Syncs belong to the platform: they act as the agent (or their own serviceAccountName) ' +
        'and are not confined to their namespace. Every other Sync is a tenant. Only the platform may write here.',
      default: ['steward-system'],
    }),
  },
  { description: 'Tenancy limits every Sync is held to.', default: {} },
);

export const RenderSchema = Strict(
  {
    kustomizePath: Type.String({
      description: 'Program that runs kustomize.',
      minLength: 1,
      default: 'kubectl',
    }),
    kustomizeArgs: Type.Array(Type.String(), {
      description: 'Arguments before the path; ["build"] for a standalone kustomize binary.',
      default: ['kustomize'],
    }),
    helmPath: Type.String({ description: 'The helm program.', minLength: 1, default: 'helm' }),
    timeout: Duration('Time limit for one render.', { default: '60s' }),
    maxOutputBytes: PositiveInteger('Largest render output accepted, in bytes.', 32 * MiB),
    maxObjects: PositiveInteger('Most objects one render may produce.', 5000),
    maxFileBytes: PositiveInteger('Largest single file read from a source artifact, in bytes.', 8 * MiB),
    maxArtifactBytes: PositiveInteger(
      'Largest checked-out source artifact (a repository revision), in bytes.',
      256 * MiB,
    ),
  },
  { description: 'Limits and programs for rendering; every render is bounded.', default: {} },
);

export const LeaderElectionSchema = Strict(
  {
    enabled: Type.Boolean({ description: 'Run only while holding the Lease.', default: true }),
    leaseName: DnsSubdomain('Name of the coordination.k8s.io Lease, in the namespace of the agent.', {
      default: 'steward-leader',
    }),
    leaseDuration: Duration(
      'How long a Lease is valid without renewal; a standby takes over at most about this plus retryPeriod after the leader dies (client-go uses 15s; 10s keeps failover under 15s).',
      { default: '10s' },
    ),
    renewDeadline: Duration('How long the leader retries renewal before giving up.', { default: '7s' }),
    retryPeriod: Duration('How often candidates try to acquire or renew.', { default: '2s' }),
  },
  { description: "client-go's leader election settings and defaults.", default: {} },
);

/**
 * An allow or deny window for automated syncs, as in Argo CD. The cron syntax, the time zone and a positive
 * duration are checked by src/windows (checkSyncWindows), which the schema cannot express.
 */
export const SyncWindowSchema = Strict({
  kind: StringEnum(['allow', 'deny'], {
    description:
      'allow: syncs run only while some matching allow window is active; deny: no syncs while active.',
  }),
  schedule: Type.String({
    description:
      'When the window opens: a cron expression in node-cron syntax (5 fields, or 6 with seconds first), ' +
      "read on the wall clock of timeZone. Day of month and day of week must both match (node-cron's rule).",
    minLength: 1,
  }),
  duration: Duration('How long the window stays active after each opening, e.g. "1h30m".'),
  timeZone: Type.String({
    description: 'IANA time zone of the schedule, e.g. "Europe/Berlin".',
    minLength: 1,
    default: 'UTC',
  }),
  namespaces: Type.Optional(
    Type.Array(
      Type.String({
        pattern: '^[^/]+$',
        errorMessage: 'must be a namespace glob such as "team-*"',
      }),
      { description: 'Namespace globs (* and ?) of the Syncs the window applies to.' },
    ),
  ),
  syncs: Type.Optional(
    Type.Array(
      Type.String({
        pattern: '^[^/]+/[^/]+$',
        errorMessage: 'must be namespace/name, globs allowed, such as "team-*/web"',
      }),
      {
        description:
          'namespace/name globs of the Syncs the window applies to. With neither namespaces nor syncs the ' +
          'window applies to every Sync; with both, to a Sync either selects.',
      },
    ),
  ),
  driftCorrection: Type.Boolean({
    description:
      'While this window holds syncs (a deny window while active, allow windows while none is), still ' +
      'correct drift back to the applied revision.',
    default: false,
  }),
});

/** A bootstrap entry: any Kubernetes object; those of Steward's kinds are validated in full by load.ts. */
export const BootstrapObjectSchema = Type.Object({
  apiVersion: Type.String({ minLength: 1 }),
  kind: Type.String({ minLength: 1 }),
  metadata: Type.Object({
    name: Type.String({ minLength: 1 }),
    namespace: Type.Optional(Type.String({ minLength: 1 })),
  }),
});

export const HelmSchema = Strict(
  {
    maxIndexBytes: PositiveInteger('Largest index.yaml a HelmRepository downloads (50 MiB).', 50 * MiB),
    maxChartBytes: PositiveInteger('Largest chart archive (.tgz) downloaded.', 10 * MiB),
    maxChartExpandedBytes: PositiveInteger('Largest total size of a chart once extracted.', 100 * MiB),
    maxExpansionRatio: PositiveInteger(
      'Largest ratio of extracted size to archive size; a higher one is refused as a decompression bomb.',
      200,
    ),
    kubeVersion: Type.String({
      description: 'Kubernetes version charts see (.Capabilities.KubeVersion) unless a Sync sets its own.',
      pattern: '^v?[0-9]+\\.[0-9]+(\\.[0-9]+)?$',
      default: '1.36.0',
    }),
  },
  { description: 'Limits and defaults of Helm repositories and chart rendering.', default: {} },
);

export const NotificationsSchema = Strict(
  {
    dedupWindow: Duration(
      'Identical notifications (same object, reason, message and revision) within this window are sent once; ' +
        "Flux's notification-controller rate limit.",
      { default: '5m' },
    ),
    timeout: Duration('Time limit of one delivery attempt to a provider.', { default: '15s' }),
    maxRetries: Type.Integer({
      description:
        'Delivery attempts after the first, with exponential backoff, before a notification is dropped.',
      minimum: 0,
      maximum: 20,
      default: 4,
    }),
  },
  { description: 'How notifications to Providers are delivered.', default: {} },
);

export const ReceiversSchema = Strict(
  {
    maxBodyBytes: PositiveInteger('Largest request body a Receiver reads; larger calls get 413.', MiB),
    readTimeout: Duration('Time limit to receive the headers and body of one call.', { default: '10s' }),
  },
  { description: 'Limits of the Receiver webhook server.', default: {} },
);

export const ConfigSchema = Strict({
  concurrency: PositiveInteger('How many objects reconcile at once.', 4),
  defaultInterval: Duration('spec.interval given to bootstrap objects of Steward kinds that leave it out.', {
    default: '10m',
  }),
  defaultTimeout: Duration(
    'Time limit of a Sync without spec.timeout: the smaller of this and its interval. Flux uses the ' +
      'interval alone, which lets one hung apply hold a worker for a whole interval.',
    { default: '5m' },
  ),
  ports: PortsSchema,
  fieldManager: Type.String({
    description:
      'Server-side apply field manager of every write. Changing it on a running cluster leaves the old ' +
      'manager owning fields, so the apply step must migrate them.',
    default: FIELD_MANAGER,
  }),
  defaultServiceAccount: Type.Optional(
    DnsSubdomain('Service account a Sync impersonates when it names none (Flux: --default-service-account).'),
  ),
  lockdown: LockdownSchema,
  render: RenderSchema,
  artifactsDir: Type.String({
    description: 'Where fetched sources are stored.',
    pattern: '^/',
    errorMessage: 'must be an absolute path',
    default: '/tmp/steward/artifacts',
  }),
  knownControllers: Type.Array(Type.String({ minLength: 1 }), {
    description: 'Field managers whose fields Steward never takes over (autoscalers, progressive delivery).',
    default: ['flagger', 'argo-rollouts', 'horizontal-pod-autoscaler', 'vpa-recommender', 'keda-operator'],
  }),
  leaderElection: LeaderElectionSchema,
  syncWindows: Type.Array(SyncWindowSchema, {
    description:
      'Allow and deny windows that hold automated syncs of the Syncs they select (Argo CD sync windows).',
    default: [],
  }),
  helm: HelmSchema,
  notifications: NotificationsSchema,
  receivers: ReceiversSchema,
  bootstrap: Type.Array(BootstrapObjectSchema, {
    description: 'Objects created at start when missing, such as the first GitRepository and Sync.',
    default: [],
  }),
});

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The agent's settings after parseConfig: every default filled in, deeply frozen. */
export type Config = DeepReadonly<Omit<Static<typeof ConfigSchema>, 'bootstrap'> & { bootstrap: Manifest[] }>;
