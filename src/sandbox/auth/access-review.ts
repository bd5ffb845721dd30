/**
 * SelfSubjectAccessReview and SelfSubjectRulesReview, what `kubectl auth can-i` and `can-i --list` call
 * (kubernetes pkg/registry/authorization/{selfsubjectaccessreview,selfsubjectrulesreview}/rest.go,
 * pkg/registry/authorization/util/helpers.go, pkg/apis/authorization/validation/validation.go).
 */
import type { StatusError } from '../errors.js';
import { badRequest, invalid } from '../errors.js';
import type { Obj, UserInfo } from '../types.js';
import { isObj } from '../types.js';
import { aggregateMessage } from './go-format.js';
import type { Attributes, RbacObjects } from './rbac.js';
import { rulesFor } from './rbac.js';

/** The authorizer's answer as a review needs it; `denied` is for authorizers that deny explicitly. */
export type ReviewAuthorizer = (attrs: Attributes) => { allowed: boolean; reason: string; denied?: boolean };

const API_VERSION = 'authorization.k8s.io/v1';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Re-encodes attributes as the Go struct would: known fields in declaration order, empty strings omitted. */
function encode(src: Obj, fields: readonly string[]): Obj {
  const out: Obj = {};
  for (const f of fields) {
    const v = src[f];
    if (v !== undefined && v !== null && v !== '') out[f] = v;
  }
  return out;
}

const RESOURCE_FIELDS = [
  'namespace',
  'verb',
  'group',
  'version',
  'resource',
  'subresource',
  'name',
  'fieldSelector',
  'labelSelector',
];
const NON_RESOURCE_FIELDS = ['path', 'verb'];

function reviewInvalid(value: unknown): StatusError {
  return invalid({ group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview' }, '', [
    {
      type: 'FieldValueInvalid',
      field: 'spec',
      value: value ?? null,
      detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    },
  ]);
}

/**
 * Answers a SelfSubjectAccessReview for `user`: the request echoed back with `status`. `allowed` is
 * always present; `denied` and `reason` only when set. Throws a 422 StatusError when the spec has
 * neither or both attribute kinds. The server responds 201.
 *
 * The status never carries `evaluationError` for RBAC: real RBAC folds resolution errors into `reason`,
 * so `kubectl auth can-i` prints `no - RBAC: role.rbac.authorization.k8s.io "r" not found`.
 */
export function selfSubjectAccessReview(body: Obj, user: UserInfo, authorizeFn: ReviewAuthorizer): Obj {
  const spec = isObj(body.spec) ? body.spec : {};
  const ra = isObj(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isObj(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if ((ra === undefined) === (nra === undefined)) throw reviewInvalid(nra);

  const attrs: Attributes = ra
    ? {
        user,
        verb: str(ra.verb),
        resourceRequest: true,
        namespace: str(ra.namespace),
        apiGroup: str(ra.group),
        resource: str(ra.resource),
        subresource: str(ra.subresource),
        name: str(ra.name),
        path: '',
      }
    : {
        user,
        verb: str(nra?.verb),
        resourceRequest: false,
        namespace: '',
        apiGroup: '',
        resource: '',
        subresource: '',
        name: '',
        path: str(nra?.path),
      };
  const decision = authorizeFn(attrs);
  const status: Obj = { allowed: decision.allowed };
  if (decision.denied) status.denied = true;
  if (decision.reason) status.reason = decision.reason;
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: API_VERSION,
    metadata: isObj(body.metadata) ? body.metadata : {},
    spec: ra
      ? { resourceAttributes: encode(ra, RESOURCE_FIELDS) }
      : { nonResourceAttributes: encode(nra ?? {}, NON_RESOURCE_FIELDS) },
    status,
  };
}

/**
 * Answers a SelfSubjectRulesReview: every RBAC rule that applies to `user` in `spec.namespace`, split
 * into resource and non-resource rules. The response is a fresh object (its `spec` is empty, as the
 * real registry returns it); `incomplete` is always false for RBAC, and `evaluationError` lists roles
 * that could not be resolved. Throws a 400 when the namespace is missing. The server responds 201.
 */
export function selfSubjectRulesReview(body: Obj, user: UserInfo, objs: RbacObjects): Obj {
  const spec = isObj(body.spec) ? body.spec : {};
  const namespace = str(spec.namespace);
  if (namespace === '') throw badRequest('no namespace on request');
  const { rules, errors } = rulesFor(objs, user, namespace, 'lister');
  const resourceRules: Obj[] = [];
  const nonResourceRules: Obj[] = [];
  for (const r of rules) {
    if (r.resources.length) {
      const rule: Obj = { verbs: r.verbs };
      if (r.apiGroups.length) rule.apiGroups = r.apiGroups;
      rule.resources = r.resources;
      if (r.resourceNames.length) rule.resourceNames = r.resourceNames;
      resourceRules.push(rule);
    }
    if (r.nonResourceURLs.length)
      nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
  }
  const status: Obj = { resourceRules, nonResourceRules, incomplete: false };
  if (errors.length) status.evaluationError = aggregateMessage(errors);
  return { kind: 'SelfSubjectRulesReview', apiVersion: API_VERSION, metadata: {}, spec: {}, status };
}
