/**
 * Request attributes, as apiserver's RequestInfoFactory derives them from the URL and method
 * (k8s.io/apiserver pkg/endpoints/request/requestinfo.go).
 */

export interface RequestInfo {
  resourceRequest: boolean;
  path: string;
  /** get, list, watch, create, update, patch, delete, deletecollection; for non-resource paths the HTTP verb lower-cased. */
  verb: string;
  apiPrefix: 'api' | 'apis' | '';
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments the URL had after the subresource (unsupported deeper paths). */
  extra: string[];
}

const SPECIAL_VERBS = new Set(['proxy', 'watch']);

/**
 * Parses a request like RequestInfoFactory.NewRequestInfo: `/api/v1/namespaces/ns/configmaps/x`,
 * `/apis/apps/v1/namespaces/ns/deployments/x/scale`, `/api/v1/namespaces/x` (the namespace object itself),
 * the deprecated `/api/v1/watch/...` prefix, and non-resource paths.
 */
export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const info: RequestInfo = {
    resourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    group: '',
    version: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    extra: [],
  };
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'api' && parts[0] !== 'apis') return info;
  info.apiPrefix = parts[0];
  let rest = parts.slice(1);
  if (info.apiPrefix === 'apis') {
    if (rest.length < 3) return info; // /apis, /apis/group, /apis/group/version: discovery
    info.group = rest[0] ?? '';
    info.version = rest[1] ?? '';
    rest = rest.slice(2);
  } else {
    if (rest.length < 2) return info; // /api, /api/v1: discovery
    info.version = rest[0] ?? '';
    rest = rest.slice(1);
  }
  info.resourceRequest = true;
  let watchPrefix = false;
  if (rest[0] && SPECIAL_VERBS.has(rest[0])) {
    watchPrefix = rest[0] === 'watch';
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      info.namespace = rest[1] ?? '';
      if (rest.length > 2) {
        rest = rest.slice(2);
      } else {
        // the namespace object itself: /api/v1/namespaces/x
        info.resource = 'namespaces';
        info.name = info.namespace;
        rest = [];
      }
    } else {
      info.resource = 'namespaces';
      rest = [];
    }
    if (info.resource === 'namespaces' && rest.length === 0 && info.name) {
      // keep namespace set: RBAC checks namespaces/x with namespace x, as upstream does
    }
  }
  if (rest.length > 0) {
    info.resource = rest[0] ?? '';
    info.name = rest[1] ?? '';
    info.subresource = rest[2] ?? '';
    info.extra = rest.slice(3);
  }
  // /api/v1/namespaces/x/status and /finalize: the namespace's subresources
  if (info.resource !== 'namespaces' && info.namespace && parts.length === 5 && info.apiPrefix === 'api') {
    if (info.resource === 'status' || info.resource === 'finalize') {
      info.subresource = info.resource;
      info.resource = 'namespaces';
      info.name = info.namespace;
    }
  }
  const q = url.searchParams;
  const watch = watchPrefix || q.get('watch') === 'true' || q.get('watch') === '1';
  switch (method) {
    case 'GET':
    case 'HEAD':
      info.verb = watch ? 'watch' : info.name ? 'get' : 'list';
      break;
    case 'POST':
      info.verb = 'create';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = info.name ? 'delete' : 'deletecollection';
      break;
    default:
      info.verb = method.toLowerCase();
  }
  return info;
}
