/**
 * The 403 an authorization denial produces: `forbiddenMessage` and `ForbiddenStatusError` of apiserver
 * pkg/endpoints/handlers/responsewriters/errors.go wrapped by `NewForbidden` of apimachinery
 * pkg/api/errors/errors.go (kube-api-facts §1.2).
 */
import type { StatusDetails } from '../errors.js';
import { StatusError } from '../errors.js';
import { goQuote, sanitize } from './go-format.js';
import type { Attributes } from './rbac.js';

/** `User "alice" cannot get resource "configmaps" in API group "" in the namespace "default"`. */
export function forbiddenMessage(attrs: Attributes): string {
  const user = goQuote(attrs.user.name);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${goQuote(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const what = `User ${user} cannot ${attrs.verb} resource ${goQuote(resource)} in API group ${goQuote(attrs.apiGroup)}`;
  return attrs.namespace
    ? `${what} in the namespace ${goQuote(attrs.namespace)}`
    : `${what} at the cluster scope`;
}

/**
 * NewForbidden for a group and plural resource: `deployments.apps "web" is forbidden: <why>`, without
 * the name when there is none, and `forbidden: <why>` when the resource is empty (non-resource paths).
 * `details` carries name, group and kind (the plural resource), each left out when empty.
 */
export function newForbidden(q: { group: string; resource: string }, name: string, why: string): StatusError {
  const qualified = q.group === '' ? q.resource : `${q.resource}.${q.group}`;
  let message: string;
  if (q.group === '' && q.resource === '') message = `forbidden: ${why}`;
  else if (name === '') message = `${qualified} is forbidden: ${why}`;
  else message = `${qualified} ${goQuote(name)} is forbidden: ${why}`;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (q.group) details.group = q.group;
  if (q.resource) details.kind = q.resource;
  return new StatusError(403, 'Forbidden', message, details);
}

/**
 * The 403 for a denied request. `reason` is the authorizer's reason, appended after `: ` only when
 * non-empty; RBAC gives one only when roles could not be resolved. The subresource shows in the message
 * (`deployments/scale`) but not in `details.kind`.
 */
export function forbiddenError(attrs: Attributes, reason?: string): StatusError {
  const msg = sanitize(forbiddenMessage(attrs));
  const why = reason ? `${msg}: ${reason}` : msg;
  // Non-resource requests carry no group, resource or name, which selects the bare `forbidden:` form.
  if (!attrs.resourceRequest) return newForbidden({ group: '', resource: '' }, '', why);
  return newForbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name, why);
}
