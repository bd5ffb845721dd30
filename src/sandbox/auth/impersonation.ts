/**
 * User impersonation, after apiserver pkg/endpoints/filters/impersonation.go (WithImpersonation and
 * buildImpersonationRequests). Each requested identity element is authorized with verb `impersonate`
 * before the request switches to the new identity (kube-api-facts §7).
 */
import { StatusError } from '../errors.js';
import type { UserInfo } from '../types.js';
import { goQuote, sanitize } from './go-format.js';
import { forbiddenError } from './messages.js';
import type { Attributes } from './rbac.js';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS_USER,
  serviceAccountGroups,
  serviceAccountUsername,
  splitServiceAccountUsername,
} from './serviceaccount.js';

/** Request headers; names in any case. Arrays hold one entry per header line. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** The authorizer callback: only the decision and its reason are needed here. */
export type ImpersonationAuthorizer = (attrs: Attributes) => { allowed: boolean; reason: string };

const AUTHENTICATION_V1 = 'authentication.k8s.io/v1';
const EXTRA_PREFIX = 'impersonate-extra-';

/** A v1.ObjectReference as buildImpersonationRequests fills it in. */
interface ImpersonationRequest {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  name: string;
  apiVersion: string;
  fieldPath: string;
}

function lowerCased(headers: HeaderMap): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    // Node joins repeated headers with ", " unless the server passes req.headersDistinct; kubectl sends
    // one Impersonate-Group or Impersonate-Extra-* line per value, so a joined string is split back.
    const values = Array.isArray(value) ? value : value.split(', ');
    const name = key.toLowerCase();
    out.set(name, [...(out.get(name) ?? []), ...values]);
  }
  return out;
}

/** http.Header.Get: the first value of a single-valued header, never split. */
function firstValue(headers: HeaderMap, name: string): string {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return (Array.isArray(value) ? value[0] : value) ?? '';
  }
  return '';
}

/** url.PathUnescape, keeping the raw key when it is malformed (unescapeExtraKey). */
function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/** Go's `%v` of a v1.ObjectReference value: its seven fields space-separated in braces. */
function formatRequest(r: ImpersonationRequest): string {
  return `{${r.kind} ${r.namespace} ${r.name}  ${r.apiVersion}  ${r.fieldPath}}`;
}

function buildRequests(headers: HeaderMap, requestURI: string): ImpersonationRequest[] {
  const all = lowerCased(headers);
  const requests: ImpersonationRequest[] = [];
  const base = { namespace: '', apiVersion: '', fieldPath: '' };
  const user = firstValue(headers, 'impersonate-user');
  if (user) {
    const sa = splitServiceAccountUsername(user);
    requests.push(sa ? { ...base, kind: 'ServiceAccount', ...sa } : { ...base, kind: 'User', name: user });
  }
  const groups = all.get('impersonate-group') ?? [];
  for (const name of groups) requests.push({ ...base, kind: 'Group', name });
  // Go walks a map here, in no fixed order; sorting keeps the first denial deterministic.
  const extraHeaders = [...all.keys()].filter((k) => k.startsWith(EXTRA_PREFIX)).sort();
  for (const header of extraHeaders) {
    const fieldPath = unescapeExtraKey(header.slice(EXTRA_PREFIX.length));
    for (const name of all.get(header) ?? []) {
      requests.push({ ...base, kind: 'UserExtra', name, apiVersion: AUTHENTICATION_V1, fieldPath });
    }
  }
  const uid = firstValue(headers, 'impersonate-uid');
  if (uid) requests.push({ ...base, kind: 'UID', name: uid, apiVersion: AUTHENTICATION_V1 });

  if ((groups.length > 0 || extraHeaders.length > 0 || uid) && !user) {
    // responsewriters.InternalError: plain text, URI quoted, the whole line sanitized.
    const detail = `requested [${requests.map(formatRequest).join(' ')}] without impersonating a user`;
    throw new StatusError(
      500,
      'InternalError',
      sanitize(`Internal Server Error: ${goQuote(requestURI)}: ${detail}`),
      undefined,
      true,
    );
  }
  return requests;
}

const RESOURCES = {
  ServiceAccount: { apiGroup: '', resource: 'serviceaccounts' },
  User: { apiGroup: '', resource: 'users' },
  Group: { apiGroup: '', resource: 'groups' },
  UserExtra: { apiGroup: 'authentication.k8s.io', resource: 'userextras' },
  UID: { apiGroup: 'authentication.k8s.io', resource: 'uids' },
} as const;

/**
 * Applies the Impersonate-* headers. Returns `requester` unchanged when there are none, otherwise the
 * impersonated identity. Throws a 403 StatusError (`users "alice" is forbidden: User "bob" cannot
 * impersonate resource "users" in API group "" at the cluster scope`) for the first element the
 * requester may not impersonate, and a plain-text 500 when groups, extras or a UID come without a user.
 *
 * Pass Node's `req.headersDistinct` when possible: a plain `req.headers` string is split on ", ".
 */
export function impersonate(
  headers: HeaderMap,
  requester: UserInfo,
  authz: ImpersonationAuthorizer,
  requestURI: string,
): UserInfo {
  const requests = buildRequests(headers, requestURI);
  if (requests.length === 0) return requester;
  // Groups given explicitly are the authority, including for a service account.
  const groupsSpecified = requests.some((r) => r.kind === 'Group');
  let username = '';
  let uid = '';
  let groups: string[] = [];
  // A Map, then fromEntries: an extra key such as `__proto__` must stay an ordinary own property.
  const extra = new Map<string, string[]>();
  for (const r of requests) {
    const attrs: Attributes = {
      user: requester,
      verb: 'impersonate',
      resourceRequest: true,
      namespace: r.namespace,
      ...RESOURCES[r.kind],
      subresource: r.kind === 'UserExtra' ? r.fieldPath : '',
      name: r.name,
      path: '',
    };
    if (r.kind === 'ServiceAccount') {
      username = serviceAccountUsername(r.namespace, r.name);
      if (!groupsSpecified) groups = serviceAccountGroups(r.namespace);
    } else if (r.kind === 'User') {
      username = r.name;
    } else if (r.kind === 'Group') {
      groups.push(r.name);
    } else if (r.kind === 'UserExtra') {
      extra.set(r.fieldPath, [...(extra.get(r.fieldPath) ?? []), r.name]);
    } else {
      uid = r.name;
    }
    const decision = authz(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  }
  if (username !== ANONYMOUS_USER) {
    if (!groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED))
      groups.push(ALL_AUTHENTICATED);
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
    groups.push(ALL_UNAUTHENTICATED);
  }
  const user: UserInfo = { name: username, groups };
  if (uid) user.uid = uid;
  if (extra.size > 0) user.extra = Object.fromEntries(extra);
  return user;
}
