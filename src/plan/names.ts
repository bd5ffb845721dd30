/**
 * Kubernetes name and key syntax, as apimachinery validates it (k8s.io/apimachinery/pkg/util/validation).
 * Each check returns a reason, or undefined when the value is valid, so callers can word the message.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits an apiVersion into group ('' for the core group) and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Namespace names and metadata.namespace. */
export function checkDns1123Label(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(value)) {
    return "must be a lowercase RFC 1123 label: lowercase alphanumerics or '-', starting and ending with an alphanumeric";
  }
  return undefined;
}

/** Most object names, and label key prefixes. */
export function checkDns1123Subdomain(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "must be a lowercase RFC 1123 subdomain: lowercase alphanumerics, '-' or '.', starting and ending with an alphanumeric";
  }
  return undefined;
}

/** Service names, which become DNS labels that must start with a letter. */
export function checkDns1035Label(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS1035_LABEL.test(value)) {
    return "must be a lowercase RFC 1035 label: lowercase alphanumerics or '-', starting with a letter and ending with an alphanumeric";
  }
  return undefined;
}

/** RBAC objects accept any name that is a valid URL path segment (`system:controller:foo` is common). */
export function checkPathSegmentName(value: string): string | undefined {
  if (value === '.' || value === '..') return `may not be '${value}'`;
  if (value.includes('/') || value.includes('%')) return "may not contain '/' or '%'";
  return undefined;
}

/** Label and annotation keys: an optional DNS subdomain prefix, a slash, and a name of at most 63 characters. */
export function checkQualifiedName(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return "must have at most one '/'";
  const name = parts.length === 2 ? (parts[1] ?? '') : key;
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') return 'prefix part must be non-empty';
    const bad = checkDns1123Subdomain(prefix);
    if (bad) return `prefix part ${bad}`;
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
  }
  return undefined;
}

/** Label values: at most 63 characters, possibly empty. */
export function checkLabelValue(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(value)) {
    return "must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
  }
  return undefined;
}

/** The name rule the API server applies to a kind's metadata.name. */
export function checkObjectName(group: string, kind: string, name: string): string | undefined {
  if (group === '' && (kind === 'Namespace' || kind === 'Service')) {
    return kind === 'Namespace' ? checkDns1123Label(name) : checkDns1035Label(name);
  }
  if (group === 'rbac.authorization.k8s.io') return checkPathSegmentName(name);
  return checkDns1123Subdomain(name);
}

const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** Keys of ConfigMap data and binaryData, Secret data and stringData: they become file names in a volume. */
export function checkConfigMapKey(key: string): string | undefined {
  if (key.length > 253) return 'must be no more than 253 characters';
  if (!CONFIG_MAP_KEY.test(key)) return "must consist of alphanumeric characters, '-', '_' or '.'";
  if (key === '.' || key === '..') return `may not be '${key}'`;
  if (key.startsWith('..')) return "may not start with '..'";
  return undefined;
}
