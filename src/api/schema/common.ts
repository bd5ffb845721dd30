/**
 * Shapes every Steward kind shares: object metadata as validation sees it, references, and kstatus
 * conditions in the standard `metav1.Condition` shape (so `kubectl wait --for=condition=Ready` works).
 */
import { type Static, type TObject, type TOptional, type TString, Type } from '@sinclair/typebox';
import { DateTime, DnsLabel, DnsSubdomain, Int64, ListMap, Strict, StringEnum } from './builders.js';

/** The condition types Steward sets, kstatus style: `Ready` is the summary, the other two are abnormal-true. */
export const ConditionTypes = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
} as const;
export type ConditionType = (typeof ConditionTypes)[keyof typeof ConditionTypes];

/** Patterns and limits copied from metav1.Condition so a condition we accept the API server accepts too. */
export const ConditionSchema = Type.Object(
  {
    type: Type.String({
      description: 'Type of condition in CamelCase: Ready, Reconciling or Stalled.',
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: StringEnum(['True', 'False', 'Unknown'], { description: 'Status of the condition.' }),
    observedGeneration: Type.Optional(
      Int64('The .metadata.generation the condition was set from; stale when it is behind.'),
    ),
    lastTransitionTime: DateTime('When the condition last changed from one status to another.'),
    reason: Type.String({
      description: 'A stable CamelCase reason for the last transition, for machines.',
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Type.String({ description: 'Details of the last transition, for humans.', maxLength: 32768 }),
  },
  { description: 'One aspect of the current state of the object.' },
);

/** A kstatus condition (metav1.Condition). */
export type Condition = Static<typeof ConditionSchema>;

/** Conditions keyed by `type`: at most one per type, merged per entry by server-side apply. */
export const ConditionsSchema = ListMap(ConditionSchema, ['type'], {
  description: 'Ready, Reconciling and Stalled, as kstatus reads them.',
});

/**
 * Metadata as validation needs it, typed for the fields a reconciler reads; the rest (managedFields,
 * ownerReferences) passes through untyped. The API server owns metadata in the CRD (it is only
 * `type: object` there); objects from a config file must name their namespace since there is no kubectl
 * context to default it from.
 */
export const ObjectMetaSchema = Type.Object({
  name: DnsSubdomain('Name of the object.'),
  namespace: DnsLabel('Namespace of the object.'),
  uid: Type.Optional(Type.String()),
  resourceVersion: Type.Optional(Type.String()),
  generation: Type.Optional(Type.Integer({ minimum: 0 })),
  creationTimestamp: Type.Optional(Type.String()),
  deletionTimestamp: Type.Optional(Type.String()),
  labels: Type.Optional(Type.Record(Type.String(), Type.String())),
  annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  finalizers: Type.Optional(Type.Array(Type.String())),
});

/** A reference to an object in the same namespace (Flux meta.LocalObjectReference). */
export function LocalObjectReference(description: string): TObject<{ name: TString }> {
  return Strict({ name: DnsSubdomain('Name of the referent.') }, { description });
}

/** A reference to an object of a kind the field implies, by default in the same namespace. */
export function NamespacedObjectReference(
  description: string,
): TObject<{ name: TString; namespace: TOptional<TString> }> {
  return Strict(
    {
      name: DnsSubdomain('Name of the referent.'),
      namespace: Type.Optional(
        DnsLabel('Namespace of the referent; defaults to the namespace of this object.'),
      ),
    },
    { description },
  );
}

/** Common status fields of every Steward kind. */
export const CommonStatusProperties = {
  observedGeneration: Type.Optional(Int64('The last .metadata.generation the controller acted on.')),
  conditions: Type.Optional(ConditionsSchema),
  lastHandledReconcileAt: Type.Optional(
    Type.String({
      description: 'The value of the steward.dev/reconcile-requested-at annotation last acted on.',
    }),
  ),
};
