/**
 * Schema building blocks shared by Steward's kinds and its config file. Each one is a plain TypeBox schema,
 * so the same value gives the TypeScript type (`Static<>`), runtime validation, and (through
 * ../openapi.ts) the CRD's structural OpenAPI.
 *
 * Two keywords of our own ride along; TypeBox ignores them and openapi.ts maps or drops them:
 * - `errorMessage`: what a validation error says instead of TypeBox's generic text (see ../errors.ts);
 * - `openAPIFormat`: the CRD's `format`. TypeBox fails any string with a `format` it has no checker for,
 *   and registering checkers would mean global mutable state.
 */
import {
  type ArrayOptions,
  type ObjectOptions,
  type SchemaOptions,
  type TArray,
  type TInteger,
  type TObject,
  type TProperties,
  type TSchema,
  type TString,
  type TUnsafe,
  Type,
} from '@sinclair/typebox';
import { DURATION_PATTERN, MAX_SPEC_DURATION } from '../duration.js';

/** Options our builders accept on top of TypeBox's. */
export interface StewardOptions extends SchemaOptions {
  errorMessage?: string;
  openAPIFormat?: string;
}

/**
 * An object that rejects unknown keys, so a typo (`intervall: 5m`) is an error rather than a silent
 * no-op. The CRD drops `additionalProperties: false` (not allowed in structural schemas); there the API
 * server prunes unknown fields and kubectl's strict field validation reports them.
 */
export function Strict<T extends TProperties>(properties: T, options: ObjectOptions = {}): TObject<T> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

/** A string restricted to `values`; the CRD gets `type: string` plus `enum`. */
export function StringEnum<const T extends readonly [string, ...string[]]>(
  values: T,
  options: StewardOptions = {},
): TUnsafe<T[number]> {
  const message = `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return Type.Unsafe<T[number]>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      { errorMessage: message, ...options },
    ),
  );
}

/** A Go duration string as Flux's CRDs accept it (`5m`, `1h30m`, `500ms`). */
export function Duration(description: string, options: StewardOptions = {}): TString {
  return Type.String({
    description,
    pattern: DURATION_PATTERN,
    errorMessage: 'must be a duration such as "30s", "5m" or "1h30m"',
    ...options,
  });
}

/**
 * A duration in a Sync or GitRepository spec, which the agent waits for with a timer. Validation refuses more
 * than {@link MAX_SPEC_DURATION}; the CRD pattern cannot say so, the description does.
 */
export function SpecDuration(description: string, options: StewardOptions = {}): TString {
  return Duration(
    `${description} At most ${MAX_SPEC_DURATION} (a week): the agent's timers cannot wait much longer.`,
    options,
  );
}

const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** A namespace name, or any name Kubernetes restricts to a DNS-1123 label. */
export function DnsLabel(description: string, options: StewardOptions = {}): TString {
  return Type.String({
    description,
    minLength: 1,
    maxLength: 63,
    pattern: DNS1123_LABEL,
    errorMessage:
      'must be a DNS-1123 label: at most 63 lowercase letters, digits and "-", alphanumeric at both ends',
    ...options,
  });
}

/** An object name: a DNS-1123 subdomain, as most Kubernetes kinds require. */
export function DnsSubdomain(description: string, options: StewardOptions = {}): TString {
  return Type.String({
    description,
    minLength: 1,
    maxLength: 253,
    pattern: DNS1123_SUBDOMAIN,
    errorMessage:
      'must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" and ".", alphanumeric at both ends',
    ...options,
  });
}

/** An RFC 3339 timestamp (status fields written by Steward). */
export function DateTime(description: string): TString {
  return Type.String({ description, openAPIFormat: 'date-time' });
}

/** A Kubernetes int64 (generations, sizes). */
export function Int64(description: string, minimum = 0): TInteger {
  return Type.Integer({ description, minimum, openAPIFormat: 'int64' });
}

/**
 * A list that server-side apply merges per entry, keyed by `keys` (Kubernetes `+listType=map`), so two
 * writers of different entries do not overwrite each other. Every key field must be required in `items`.
 */
export function ListMap<T extends TSchema>(
  items: T,
  keys: readonly [string, ...string[]],
  options: ArrayOptions = {},
): TArray<T> {
  return Type.Array(items, {
    ...options,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [...keys],
  });
}
