/** Non-resource paths: version, discovery (legacy and aggregated), OpenAPI v3, health. */
import type { SandboxCore } from './core.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  coreVersions,
  negotiateDiscovery,
  versionDoc,
} from './discovery.js';
import { pageNotFound } from './errors.js';
import type { Reply } from './handlers/call.js';
import { openapiV3Doc, openapiV3Hash, openapiV3Root } from './openapi.js';

/** Answers a non-resource GET, or throws the plain-text 404 of apiserver's notfound handler. */
export function discoveryReply(core: SandboxCore, accept: string | undefined, url: URL): Reply {
  const defs = core.registry.all();
  const p = url.pathname.replace(/\/+$/, '') || '/';
  const parts = p.split('/').filter((x) => x !== '');
  if (p === '/version') return { status: 200, body: versionDoc() };
  if (p === '/healthz' || p === '/livez' || p === '/readyz') return { status: 200, body: 'ok' };
  if (p === '/api' || p === '/apis') {
    if (negotiateDiscovery(accept) === 'aggregated') {
      return {
        status: 200,
        body: aggregatedDiscovery(defs, p === '/api' ? 'core' : 'apis'),
        headers: { 'Content-Type': AGGREGATED_DISCOVERY_CONTENT_TYPE },
      };
    }
    return { status: 200, body: p === '/api' ? coreVersions() : apiGroupList(defs) };
  }
  if (parts[0] === 'api' && parts.length === 2 && parts[1] === 'v1') {
    return { status: 200, body: apiResourceList(defs, '', 'v1') };
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const g = apiGroup(defs, parts[1] ?? '');
    if (g) return { status: 200, body: g };
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const [, group = '', version = ''] = parts;
    if (core.registry.servesGroupVersion(group, version)) {
      return { status: 200, body: apiResourceList(defs, group, version) };
    }
  }
  if (p === '/openapi/v3') return { status: 200, body: openapiV3Root(defs) };
  if (parts[0] === 'openapi' && parts[1] === 'v3' && parts.length >= 3) {
    const doc = openapiV3Doc(defs, parts.slice(2).join('/'));
    if (doc) {
      // Documents are addressed by content hash, so clients may cache them for good (kube-openapi handler3).
      const hash = openapiV3Hash(doc);
      const cache = url.searchParams.get('hash') === hash ? 'public, immutable' : 'no-cache, private';
      return { status: 200, body: doc, headers: { ETag: `"${hash}"`, 'Cache-Control': cache } };
    }
  }
  throw pageNotFound();
}
