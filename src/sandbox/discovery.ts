/**
 * Discovery documents, built from the served ResourceDefs: /version, /api, /apis, /api/v1, /apis/<g>/<v>
 * and aggregated discovery (apidiscovery.k8s.io/v2). Field order follows the Go structs, since clients
 * and tests compare bodies byte for byte (apimachinery pkg/apis/meta/v1/types.go APIResource, APIGroup;
 * k8s.io/api apidiscovery/v2/types.go).
 */
import { createHash } from 'node:crypto';
import { acceptsJson, parseAccept } from './accept.js';
import type { Obj, ResourceDef } from './types.js';
import { groupVersion } from './types.js';

/** The Content-Type an aggregated discovery response must carry: client-go only parses the body as
 * APIGroupDiscoveryList when the response type has exactly these parameters (discovery_client.go
 * ContentTypeIsGVK); anything else makes it fall back to legacy discovery. */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** The release the sandbox answers as. */
export const SERVER_VERSION = { major: '1', minor: '36', gitVersion: 'v1.36.0-sandbox' } as const;

/**
 * GET /version (apimachinery pkg/version/types.go Info). The emulation and min-compatibility fields exist
 * since 1.33; a server that emulates its own release reports minCompatibility one minor lower.
 * Build fields are fixed so the document is reproducible.
 */
export function versionDoc(): Obj {
  return {
    major: SERVER_VERSION.major,
    minor: SERVER_VERSION.minor,
    emulationMajor: SERVER_VERSION.major,
    emulationMinor: SERVER_VERSION.minor,
    minCompatibilityMajor: SERVER_VERSION.major,
    minCompatibilityMinor: String(Number(SERVER_VERSION.minor) - 1),
    gitVersion: SERVER_VERSION.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-04-22T00:00:00Z',
    goVersion: 'go1.26.2',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/**
 * GET /api (legacy discovery). No apiVersion: the core group is served with a version-stripping
 * serializer (apiserver endpoints/discovery/legacy.go). `serverAddress` is the host:port clients reach
 * the server on; without it the CIDR list is empty.
 */
export function coreVersions(serverAddress?: string): Obj {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs:
      serverAddress === undefined ? [] : [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

/** metav1.APIGroup as listed in /apis. */
export interface APIGroup {
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

type VersionType = 0 | 1 | 2;

function parseKubeVersion(v: string): [major: number, type: VersionType, minor: number] | undefined {
  const m = /^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$/.exec(v);
  if (!m) return undefined;
  const type: VersionType = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return [Number(m[1]), type, Number(m[3] ?? 0)];
}

/**
 * Kube-aware version order, highest priority first: GA before beta before alpha, then by major and minor
 * number; other strings sort alphabetically after them (apimachinery pkg/version/helpers.go
 * CompareKubeAwareVersionStrings). Use as a sort comparator.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (!pa && !pb) return a < b ? -1 : 1;
  if (!pa) return 1;
  if (!pb) return -1;
  return pb[1] - pa[1] || pb[0] - pa[0] || pb[2] - pa[2];
}

/**
 * Order of the built-in groups in /apis: their APIService priorities in kube-aggregator, as seen in
 * kubernetes `api/discovery/apis.json`. Groups of CRDs come after them.
 */
const BUILTIN_GROUP_ORDER = [
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
];

/** Served versions of each named group, kube-aware sorted. The core group is left out. */
function groupVersions(defs: readonly ResourceDef[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of defs) {
    if (d.group === '') continue;
    const vs = out.get(d.group) ?? [];
    if (!vs.includes(d.version)) vs.push(d.version);
    out.set(d.group, vs);
  }
  for (const vs of out.values()) vs.sort(compareKubeAwareVersions);
  return out;
}

/**
 * Groups in discovery order. Built-ins keep their fixed priority. CRD groups all have priority 1000; the
 * aggregator orders equal priorities by APIService name (`<version>.<group>`, kube-aggregator
 * handler_apis.go) for /apis, and by group name for aggregated discovery (aggregated/handler.go).
 */
function orderedGroups(defs: readonly ResourceDef[], tieBreak: 'apiservice' | 'name'): [string, string[]][] {
  const rank = (g: string): number => {
    const i = BUILTIN_GROUP_ORDER.indexOf(g);
    return i < 0 ? BUILTIN_GROUP_ORDER.length : i;
  };
  const key = (g: string, vs: readonly string[]): string =>
    tieBreak === 'name' ? g : (vs.map((v) => `${v}.${g}`).sort()[0] ?? g);
  return [...groupVersions(defs)].sort(
    ([a, av], [b, bv]) => rank(a) - rank(b) || (key(a, av) < key(b, bv) ? -1 : 1),
  );
}

function gvForDiscovery(group: string, version: string): GroupVersionForDiscovery {
  return { groupVersion: `${group}/${version}`, version };
}

function toAPIGroup(name: string, versions: readonly string[]): APIGroup {
  const list = versions.map((v) => gvForDiscovery(name, v));
  return { name, versions: list, preferredVersion: list[0] ?? gvForDiscovery(name, '') };
}

/** GET /apis (legacy discovery): metav1.APIGroupList. The preferred version is the highest-priority one. */
export function apiGroupList(defs: readonly ResourceDef[]): {
  kind: string;
  apiVersion: string;
  groups: APIGroup[];
} {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: orderedGroups(defs, 'apiservice').map(([g, vs]) => toAPIGroup(g, vs)),
  };
}

/** GET /apis/<group>: metav1.APIGroup, or undefined when no version of the group is served. */
export function apiGroup(defs: readonly ResourceDef[], group: string): Obj | undefined {
  const versions = groupVersions(defs).get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...toAPIGroup(group, versions) } : undefined;
}

/** A subresource as discovery lists it. */
export interface SubresourceInfo {
  name: string;
  verbs: readonly string[];
  kind: string;
  /** Set when the subresource answers with a kind of another group version (Scale). */
  group?: string;
  version?: string;
}

const GET_PATCH_UPDATE = ['get', 'patch', 'update'] as const;

/**
 * The subresources of a resource. Built-ins are sorted by name like the installer's paths; CRDs list
 * status before scale (customresource_discovery_controller.go). `namespaces/finalize` is the only extra:
 * ResourceDef has no field for it and it takes PUT only (kubernetes pkg/registry/core/namespace/storage).
 */
export function subresourcesOf(def: ResourceDef): SubresourceInfo[] {
  const out: SubresourceInfo[] = [];
  if (def.group === '' && def.plural === 'namespaces')
    out.push({ name: 'finalize', verbs: ['update'], kind: def.kind });
  if (def.subresources.status) out.push({ name: 'status', verbs: GET_PATCH_UPDATE, kind: def.kind });
  if (def.subresources.scale) {
    out.push({ name: 'scale', verbs: GET_PATCH_UPDATE, kind: 'Scale', group: 'autoscaling', version: 'v1' });
  }
  return def.crd ? out : out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Stored kinds whose storage version differs from the served one. */
const STORAGE_GVK: Readonly<Record<string, string>> = {
  'events.k8s.io/Event': '/v1/Event',
  'apiextensions.k8s.io/CustomResourceDefinition': 'apiextensions.k8s.io/v1beta1/CustomResourceDefinition',
};

/**
 * apiserver endpoints/discovery/storageversionhash.go StorageVersionHash: base64 of the first 8 bytes of
 * sha256("<group>/<version>/<kind>") of the storage version. Left out (omitempty) for virtual resources
 * and for custom resources, whose storage version ResourceDef does not record.
 */
export function storageVersionHash(def: ResourceDef): string | undefined {
  if (def.crd || !def.verbs.includes('get')) return undefined;
  const gvk = STORAGE_GVK[`${def.group}/${def.kind}`] ?? `${def.group}/${def.version}/${def.kind}`;
  return createHash('sha256').update(gvk).digest().subarray(0, 8).toString('base64');
}

function servedIn(defs: readonly ResourceDef[], group: string, version: string): ResourceDef[] {
  return defs.filter((d) => d.group === group && d.version === version);
}

function apiResource(def: ResourceDef): Obj {
  const r: Obj = { name: def.plural, singularName: def.singular, namespaced: def.namespaced, kind: def.kind };
  r.verbs = [...def.verbs];
  if (def.shortNames?.length) r.shortNames = [...def.shortNames];
  if (def.categories?.length) r.categories = [...def.categories];
  const hash = storageVersionHash(def);
  if (hash) r.storageVersionHash = hash;
  return r;
}

function subresourceEntry(def: ResourceDef, s: SubresourceInfo): Obj {
  const r: Obj = { name: `${def.plural}/${s.name}`, singularName: '', namespaced: def.namespaced };
  if (s.group !== undefined) r.group = s.group;
  if (s.version !== undefined) r.version = s.version;
  r.kind = s.kind;
  r.verbs = [...s.verbs];
  return r;
}

/**
 * GET /api/v1 and /apis/<g>/<v>: metav1.APIResourceList with subresources as separate `plural/sub`
 * entries. Built-in lists are sorted by name; CRD groups keep each CRD's entries together (plural,
 * status, scale) like apiextensions-apiserver. The core list has no apiVersion (stripVersion serializer).
 */
export function apiResourceList(defs: readonly ResourceDef[], group: string, version: string): Obj {
  const list: Obj = { kind: 'APIResourceList' };
  if (group !== '') list.apiVersion = 'v1';
  list.groupVersion = groupVersion({ group, version });
  const served = servedIn(defs, group, version);
  const crdGroup = served.length > 0 && served.every((d) => d.crd);
  if (crdGroup) served.sort((a, b) => (a.plural < b.plural ? -1 : 1));
  const resources = served.flatMap((d) => [
    apiResource(d),
    ...subresourcesOf(d).map((s) => subresourceEntry(d, s)),
  ]);
  list.resources = crdGroup
    ? resources
    : resources.sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1));
  return list;
}

/**
 * responseKind of a resource or subresource. Built-ins leave group and version empty unless they differ
 * from the served group version, because the aggregated document is converted from the legacy list
 * (apiserver endpoints/installer.go ConvertGroupVersionIntoToDiscovery); CRDs always fill them in.
 */
function responseKind(def: ResourceDef, kind: string, group?: string, version?: string): Obj {
  if (group !== undefined && version !== undefined) return { group, version, kind };
  return def.crd ? { group: def.group, version: def.version, kind } : { group: '', version: '', kind };
}

function resourceDiscovery(def: ResourceDef): Obj {
  const r: Obj = {
    resource: def.plural,
    responseKind: responseKind(def, def.kind),
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: [...def.verbs],
  };
  if (def.shortNames?.length) r.shortNames = [...def.shortNames];
  if (def.categories?.length) r.categories = [...def.categories];
  const subs = subresourcesOf(def);
  if (subs.length > 0) {
    r.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: responseKind(def, s.kind, s.group, s.version),
      verbs: [...s.verbs],
    }));
  }
  return r;
}

function versionDiscovery(defs: readonly ResourceDef[], group: string, version: string): Obj {
  const resources = defs
    .filter((d) => d.group === group && d.version === version)
    .sort((a, b) => (a.plural < b.plural ? -1 : 1))
    .map(resourceDiscovery);
  return { version, resources, freshness: 'Current' };
}

/**
 * GET /api or /apis with the aggregated Accept type: apidiscovery.k8s.io/v2 APIGroupDiscoveryList.
 * `core` holds the one unnamed group; `apis` every named group. Since 1.34 ObjectMeta.creationTimestamp
 * is omitzero, so group metadata is `{"name":…}` and the core group's is `{}`.
 */
export function aggregatedDiscovery(defs: readonly ResourceDef[], which: 'core' | 'apis'): Obj {
  const items =
    which === 'core'
      ? defs.some((d) => d.group === '')
        ? [{ metadata: {}, versions: [versionDiscovery(defs, '', 'v1')] }]
        : []
      : orderedGroups(defs, 'name').map(([g, vs]) => ({
          metadata: { name: g },
          versions: vs.map((v) => versionDiscovery(defs, g, v)),
        }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

function isAggregatedV2(params: Readonly<Record<string, string>>): boolean {
  return params.g === 'apidiscovery.k8s.io' && params.v === 'v2' && params.as === 'APIGroupDiscoveryList';
}

/**
 * Which document GET /api and /apis answer with. The first acceptable range wins: the v2 aggregated type
 * selects the aggregated document, plain JSON the legacy one. v2beta1 (removed from servers in 1.33) and
 * non-JSON types are skipped; with nothing acceptable the legacy document is sent, which every client
 * can parse (kube-api-facts §3).
 */
export function negotiateDiscovery(accept: string | undefined): 'aggregated' | 'legacy' {
  for (const r of parseAccept(accept)) {
    if (r.type === 'application/json' && isAggregatedV2(r.params)) return 'aggregated';
    if (acceptsJson(r) && r.params.as === undefined) return 'legacy';
  }
  return 'legacy';
}
