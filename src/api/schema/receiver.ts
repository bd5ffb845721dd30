/**
 * Receiver: an incoming webhook that triggers an immediate reconcile of the objects it names. Field names and
 * meaning follow Flux's notification.toolkit.fluxcd.io/v1 Receiver, for the receiver types Steward implements.
 */
import { type Static, Type } from '@sinclair/typebox';
import { GROUP_VERSION } from '../../core/constants.js';
import { DnsLabel, SpecDuration, Strict, StringEnum } from './builders.js';
import { CommonStatusProperties, LocalObjectReference, ObjectMetaSchema } from './common.js';

/**
 * github: X-Hub-Signature-256 HMAC of the body; gitlab: X-Gitlab-Token equal to the token; generic-hmac:
 * X-Signature `sha256=<hex>` HMAC of the body; generic: the secret path alone.
 */
export const RECEIVER_TYPES = ['github', 'gitlab', 'generic-hmac', 'generic'] as const;
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/** The API version of every object a Receiver can trigger: Steward's own kinds. */
export const RECEIVER_RESOURCE_API_VERSION = GROUP_VERSION;

/** The kinds a Receiver can trigger. */
export const RECEIVER_RESOURCE_KINDS = [
  'GitRepository',
  'Sync',
  'HelmRepository',
  'ImageRepository',
] as const;

export const ReceiverResourceSchema = Strict(
  {
    apiVersion: Type.Optional(
      Type.String({ description: `API version of the object: ${GROUP_VERSION}, the default.` }),
    ),
    kind: StringEnum(RECEIVER_RESOURCE_KINDS, { description: 'Kind of the object to reconcile.' }),
    name: Type.String({
      description: 'Name of the object; `*` with matchLabels selects every labelled object of the kind.',
      minLength: 1,
      maxLength: 253,
      pattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?|\\*)$',
      errorMessage: 'must be an object name or *',
    }),
    namespace: Type.Optional(DnsLabel('Namespace of the object; defaults to the namespace of the Receiver.')),
    matchLabels: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Labels selecting objects when name is `*`.',
      }),
    ),
  },
  { description: 'An object a valid call reconciles at once.' },
);

export const ReceiverSpecSchema = Strict(
  {
    type: StringEnum(RECEIVER_TYPES, {
      description: 'Who calls the webhook, which decides how calls are verified.',
    }),
    events: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          'Event types that trigger (GitHub X-GitHub-Event such as push, GitLab X-Gitlab-Event such as "Push Hook"); ' +
          'all when empty; github and gitlab only. A GitHub ping is always answered and never triggers.',
      }),
    ),
    resources: Type.Array(ReceiverResourceSchema, {
      description: 'Objects reconciled on a valid call; at least one.',
      minItems: 1,
    }),
    secretRef: LocalObjectReference(
      'A Secret in the same namespace whose key `token` is the shared secret (HMAC key, GitLab token); the ' +
        'webhook path is derived from it.',
    ),
    interval: Type.Optional(SpecDuration('How often the Secret is re-read.', { default: '10m' })),
    suspend: Type.Optional(Type.Boolean({ description: 'Answer 503 instead of triggering.' })),
  },
  { description: 'Who may call, how calls are verified, and what they trigger.' },
);

export const ReceiverStatusSchema = Type.Object(
  {
    ...CommonStatusProperties,
    webhookPath: Type.Optional(
      Type.String({
        description:
          'Path to call on the webhook port: /hook/ followed by the SHA-256 of the token, name and namespace.',
      }),
    ),
  },
  { description: 'Observed state, written by Steward.' },
);

export const ReceiverSchema = Strict({
  apiVersion: Type.Literal(GROUP_VERSION),
  kind: Type.Literal('Receiver'),
  metadata: ObjectMetaSchema,
  spec: ReceiverSpecSchema,
  status: Type.Optional(ReceiverStatusSchema),
});

export type ReceiverSpec = Static<typeof ReceiverSpecSchema>;
export type ReceiverResource = Static<typeof ReceiverResourceSchema>;
export type ReceiverStatus = Static<typeof ReceiverStatusSchema>;
/** A validated Receiver, as validateReceiver returns it. */
export type Receiver = Static<typeof ReceiverSchema>;
