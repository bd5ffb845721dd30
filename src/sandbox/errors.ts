/**
 * metav1.Status errors exactly as kube-apiserver writes them (apimachinery pkg/api/errors/errors.go,
 * apiserver pkg/endpoints/handlers/responsewriters/status.go). See kube-api-facts §1 for each format.
 */
import type { Obj } from './types.js';

export type CauseType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueForbidden'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

/** One field.Error (apimachinery util/validation/field/errors.go). */
export interface FieldError {
  type: CauseType;
  /** Dotted path, e.g. `spec.template.spec.containers[0].image`. */
  field: string;
  /** The offending value, rendered in the message for Invalid, NotSupported, Duplicate, TypeInvalid, TooLong. */
  value?: unknown;
  /** Free-text detail. For NotSupported: the list of supported values goes here pre-rendered. */
  detail?: string;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** An error the API answers with a metav1.Status body. */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** Plain text instead of a Status body (APF 429, `404 page not found`, impersonation 500). */
    readonly plainText = false,
  ) {
    super(message);
  }

  toStatus(): Obj {
    const s: Obj = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure' };
    if (this.message) s.message = this.message;
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = this.details;
    s.code = this.code;
    return s;
  }
}

interface Qualified {
  /** group, '' for core */
  group: string;
  /** plural resource */
  resource: string;
}

function qualified(q: Qualified): string {
  return q.group === '' ? q.resource : `${q.resource}.${q.group}`;
}

function details(q: Qualified, name: string | undefined, extra?: Partial<StatusDetails>): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (q.group) d.group = q.group;
  d.kind = q.resource;
  return { ...d, ...extra };
}

export function notFound(q: Qualified, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(q)} "${name}" not found`, details(q, name));
}

export function alreadyExists(q: Qualified, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualified(q)} "${name}" already exists`, details(q, name));
}

export function generateNameConflict(q: Qualified, name: string): StatusError {
  return new StatusError(
    409,
    'AlreadyExists',
    `${qualified(q)} "${name}" already exists, the server was not able to generate a unique name for the object`,
    details(q, name, { retryAfterSeconds: 1 }),
  );
}

/** Optimistic lock failure (apiserver registry/generic/registry/store.go OptimisticLockErrorMsg). */
export function conflict(q: Qualified, name: string, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(q)} "${name}": ${why}`,
    details(q, name),
  );
}

export const OPTIMISTIC_LOCK_MSG =
  'the object has been modified; please apply your changes to the latest version and try again';

/** Renders a value as apimachinery >= 1.34 does in field errors: strings quoted, composites as JSON. */
export function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

/** The ErrorBody of one field.Error ("Invalid value: \"x\": detail", "Required value", ...). */
export function fieldErrorBody(e: FieldError): string {
  const withDetail = (s: string) => (e.detail ? `${s}: ${e.detail}` : s);
  switch (e.type) {
    case 'FieldValueRequired':
      return withDetail('Required value');
    case 'FieldValueForbidden':
      return withDetail('Forbidden');
    case 'FieldValueInvalid':
      return withDetail(`Invalid value: ${renderValue(e.value)}`);
    case 'FieldValueNotSupported':
      return withDetail(`Unsupported value: ${renderValue(e.value)}`);
    case 'FieldValueDuplicate':
      return withDetail(`Duplicate value: ${renderValue(e.value)}`);
    case 'FieldValueTooLong':
      // TooLong never prints the value (field/errors.go ErrorBody).
      return withDetail('Too long');
    case 'FieldValueTooMany':
      // TooMany prints the actual count when known: `Too many: 5: must have at most 3 items`.
      return withDetail(e.value === undefined ? 'Too many' : `Too many: ${renderValue(e.value)}`);
    case 'FieldValueTypeInvalid':
      return withDetail(`Invalid value: ${renderValue(e.value)}`);
    case 'InternalError':
      return withDetail('Internal error');
  }
}

/**
 * 422 Invalid. `kindQualifier` is the GroupKind string (`Deployment.apps`), except where the API server uses
 * the resource (custom resource PUT without resourceVersion), which callers pass explicitly.
 */
export function invalid(
  gk: { group: string; kind: string },
  name: string,
  errs: readonly FieldError[],
  kindQualifier?: string,
): StatusError {
  const q = kindQualifier ?? (gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`);
  const parts = errs.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const agg = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gk.group) d.group = gk.group;
  d.kind = gk.kind;
  d.causes = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return new StatusError(422, 'Invalid', `${q} "${name}" is invalid: ${agg}`, d);
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function methodNotAllowed(): StatusError {
  return new StatusError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

export function forbidden(
  q: Qualified,
  name: string,
  message: string,
  extra?: Partial<StatusDetails>,
): StatusError {
  const prefix = name ? `${qualified(q)} "${name}"` : qualified(q);
  return new StatusError(403, 'Forbidden', `${prefix} is forbidden: ${message}`, details(q, name, extra));
}

export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function unsupportedMediaType(accepted: readonly string[]): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function tooManyRequestsPlain(): StatusError {
  return new StatusError(429, '', 'Too many requests, please try again later.', undefined, true);
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}

/** The plain `404 page not found` of apiserver's notfoundhandler, for paths no group serves. */
export function pageNotFound(): StatusError {
  return new StatusError(404, 'NotFound', '404 page not found', undefined, true);
}
