/** URL paths of the Kubernetes REST API (apiserver `RequestInfo` layout). */

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The apiVersion of a group and version (`v1` for the core group). */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** The group part of an apiVersion ('' for core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The collection path; a namespace is used only for namespaced kinds, and omitted means all namespaces. */
export function collectionPath(
  apiVersion: string,
  plural: string,
  namespaced: boolean,
  namespace: string | undefined,
): string {
  const ns = namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(apiVersion)}${ns}/${plural}`;
}

/** One object's path, optionally a subresource of it. */
export function objectPath(
  apiVersion: string,
  plural: string,
  namespaced: boolean,
  namespace: string | undefined,
  name: string,
  subresource?: string,
): string {
  const base = `${collectionPath(apiVersion, plural, namespaced, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${base}/${subresource}` : base;
}

/** Appends query parameters, skipping undefined values. */
export function withQuery(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}
