/**
 * Provider and Alert: where notifications go and which events go there. Field names and meaning follow Flux's
 * notification.toolkit.fluxcd.io/v1beta3 Provider and Alert, for the provider types Steward implements.
 */
import { type Static, Type } from '@sinclair/typebox';
import { GROUP_VERSION } from '../../core/constants.js';
import { DnsLabel, SpecDuration, Strict, StringEnum } from './builders.js';
import { CommonStatusProperties, LocalObjectReference, ObjectMetaSchema } from './common.js';

/** Provider types: Flux's names for the same services. */
export const PROVIDER_TYPES = [
  'slack',
  'msteams',
  'discord',
  'generic',
  'generic-hmac',
  'alertmanager',
] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const ProviderSpecSchema = Strict(
  {
    type: StringEnum(PROVIDER_TYPES, { description: 'The service notifications are sent to.' }),
    address: Type.Optional(
      Type.String({
        description:
          'The HTTP(S) address to post to (webhook URL, Alertmanager base URL). Prefer the Secret key `address`: ' +
          'webhook URLs are credentials.',
        pattern: '^https?://',
        maxLength: 2048,
        errorMessage: 'must be an http:// or https:// URL',
      }),
    ),
    channel: Type.Optional(
      Type.String({ description: 'Channel to post to, where the service takes one (Slack).' }),
    ),
    username: Type.Optional(Type.String({ description: 'Name the message is posted as (Slack, Discord).' })),
    timeout: Type.Optional(
      SpecDuration('Time limit of one delivery attempt; the agent default when left out.'),
    ),
    secretRef: Type.Optional(
      LocalObjectReference(
        'A Secret in the same namespace with any of: `address` (overrides spec.address), `token` (the HMAC key ' +
          'of generic-hmac, or a bearer token), `username` and `password` (basic auth), `headers` (YAML map).',
      ),
    ),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop sending to this provider.' })),
  },
  { description: 'Where notifications are delivered.' },
);

export const ProviderStatusSchema = Type.Object(
  { ...CommonStatusProperties },
  { description: 'Observed state, written by Steward.' },
);

export const ProviderSchema = Strict({
  apiVersion: Type.Literal(GROUP_VERSION),
  kind: Type.Literal('Provider'),
  metadata: ObjectMetaSchema,
  spec: ProviderSpecSchema,
  status: Type.Optional(ProviderStatusSchema),
});

/** The kinds whose events an Alert can select. */
export const EVENT_SOURCE_KINDS = [
  'GitRepository',
  'Sync',
  'HelmRepository',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
  'Receiver',
] as const;

export const EventSourceSchema = Strict(
  {
    kind: StringEnum(EVENT_SOURCE_KINDS, { description: 'Kind of the objects whose events are selected.' }),
    name: Type.String({
      description: 'Name of the object; `*` matches any name, and `*` inside a name matches any characters.',
      minLength: 1,
      maxLength: 253,
      pattern: '^[a-z0-9*]([-a-z0-9.*]*[a-z0-9*])?$',
      errorMessage: 'must be an object name, optionally with * wildcards',
    }),
    namespace: Type.Optional(DnsLabel('Namespace of the objects; defaults to the namespace of the Alert.')),
    matchLabels: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Labels the object must carry (only with name `*`).',
      }),
    ),
  },
  { description: 'Objects whose events an Alert selects.' },
);

export const AlertSpecSchema = Strict(
  {
    providerRef: LocalObjectReference('The Provider in the same namespace that delivers the notifications.'),
    eventSeverity: Type.Optional(
      StringEnum(['info', 'error'], {
        description: 'The lowest severity sent: info sends everything, error only failures.',
        default: 'info',
      }),
    ),
    eventSources: Type.Array(EventSourceSchema, {
      description: 'Objects whose events are sent; at least one.',
      minItems: 1,
    }),
    inclusionList: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Regular expressions; when set, only events whose message matches one are sent.',
      }),
    ),
    exclusionList: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Regular expressions; events whose message matches one are not sent.',
      }),
    ),
    eventMetadata: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Extra key/values added to every notification of this Alert (cluster, environment).',
      }),
    ),
    summary: Type.Optional(
      Type.String({ description: 'A short text shown at the top of every notification.', maxLength: 255 }),
    ),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop sending this Alert.' })),
  },
  { description: 'Which events are sent, and to which Provider.' },
);

export const AlertStatusSchema = Type.Object(
  { ...CommonStatusProperties },
  { description: 'Observed state, written by Steward.' },
);

export const AlertSchema = Strict({
  apiVersion: Type.Literal(GROUP_VERSION),
  kind: Type.Literal('Alert'),
  metadata: ObjectMetaSchema,
  spec: AlertSpecSchema,
  status: Type.Optional(AlertStatusSchema),
});

export type ProviderSpec = Static<typeof ProviderSpecSchema>;
/** A validated Provider, as validateProvider returns it. */
export type Provider = Static<typeof ProviderSchema>;
export type EventSource = Static<typeof EventSourceSchema>;
export type AlertSpec = Static<typeof AlertSpecSchema>;
/** A validated Alert, defaults applied (eventSeverity info). */
export type Alert = Static<typeof AlertSchema>;
