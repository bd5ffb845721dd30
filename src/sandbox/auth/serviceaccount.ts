/**
 * Service account user names and groups (apiserver pkg/authentication/serviceaccount/util.go) and the
 * well-known groups of apiserver pkg/authentication/user/user.go.
 */

export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS_USER = 'system:anonymous';
/** Members may do anything: the superuser authorizer and the escalation checks both honour it. */
export const PRIVILEGED_GROUP = 'system:masters';

const USERNAME_PREFIX = 'system:serviceaccount:';
const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';

// Namespace names are DNS-1123 labels and service account names DNS-1123 subdomains
// (apimachinery pkg/util/validation/validation.go), which SplitUsername checks.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when `namespace` and `name` could name a real service account. */
export function validServiceAccount(namespace: string, name: string): boolean {
  return (
    namespace.length <= 63 &&
    DNS1123_LABEL.test(namespace) &&
    name.length <= 253 &&
    DNS1123_SUBDOMAIN.test(name)
  );
}

/** `system:serviceaccount:<ns>:<name>` (MakeUsername). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${USERNAME_PREFIX}${namespace}:${name}`;
}

/** The namespace and name of a service account user name, or undefined for any other user (SplitUsername). */
export function splitServiceAccountUsername(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(USERNAME_PREFIX)) return undefined;
  const parts = username.slice(USERNAME_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace = '', name = ''] = parts;
  return validServiceAccount(namespace, name) ? { namespace, name } : undefined;
}

/** `system:serviceaccounts` and `system:serviceaccounts:<ns>` (MakeGroupNames). */
export function serviceAccountGroups(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${namespace}`];
}
