/**
 * OpenAPI v3 for kubectl: the `/openapi/v3` root and one document per group version.
 *
 * What kubectl reads:
 * - `apply`/`create` with the default `--validate=strict` ask whether the PATCH operation of the object's
 *   GVK declares the `fieldValidation` query parameter. cli-runtime pkg/resource/query_param_verifier_v3.go
 *   walks every path of the group version's document, takes the first `patch` operation whose
 *   `x-kubernetes-group-version-kind` (an object) equals the GVK, and looks for the parameter among that
 *   operation's own `parameters` with `in: query`. Every PATCH here declares dryRun, fieldManager,
 *   fieldValidation and force, so whichever path the map walk meets first answers yes.
 * - client-side `apply` builds a strategic merge patch from the component schema whose
 *   `x-kubernetes-group-version-kind` (a list) holds the GVK, when the PATCH request body accepts
 *   `application/strategic-merge-patch+json` (kubectl pkg/cmd/apply/patcher.go).
 * - `explain` looks the kind up the same way and follows `$ref`s (kubectl pkg/explain/v2).
 * The root lists each document under `serverRelativeURL` with a content hash, so kubectl's HTTP cache can
 * keep documents until the hash changes (client-go openapi/client.go; kube-openapi handler3).
 */
import { createHash } from 'node:crypto';
import { SERVER_VERSION, subresourcesOf } from './discovery.js';
import {
  kindSchema,
  listSchema,
  META_SCHEMAS,
  ref,
  SCALE_SCHEMA,
  SCALE_SCHEMA_NAME,
  schemaName,
} from './openapi-schemas.js';
import type { Obj, ResourceDef } from './types.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

function queryParam(
  name: string,
  description: string,
  type: 'string' | 'boolean' | 'integer' = 'string',
): Obj {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const DRY_RUN = queryParam('dryRun', 'When present, modifications are not persisted. Valid value: All.');
const FIELD_MANAGER = queryParam(
  'fieldManager',
  'Name of the actor making the change; required for apply patches.',
);
const FIELD_VALIDATION = queryParam(
  'fieldValidation',
  'How to treat unknown or duplicate fields in the request: Ignore, Warn (the default) or Strict.',
);
const FORCE = queryParam(
  'force',
  'Re-acquire fields owned by other managers; apply patches only.',
  'boolean',
);
const PRETTY = queryParam('pretty', "If 'true', the output is pretty printed.");
const LIST_PARAMS = [
  queryParam('allowWatchBookmarks', 'Request BOOKMARK watch events.', 'boolean'),
  queryParam('continue', 'The continue token of the previous page.'),
  queryParam('fieldSelector', 'Restrict the list by fields.'),
  queryParam('labelSelector', 'Restrict the list by labels.'),
  queryParam('limit', 'Maximum number of items to return.', 'integer'),
  queryParam('resourceVersion', 'Which resource versions a request may be served from.'),
  queryParam('resourceVersionMatch', 'How resourceVersion is applied: Exact or NotOlderThan.'),
  queryParam('sendInitialEvents', 'Begin a watch with synthetic events for the current state.', 'boolean'),
  queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  queryParam('watch', 'Watch for changes instead of listing.', 'boolean'),
];
const DELETE_PARAMS = [
  DRY_RUN,
  queryParam('gracePeriodSeconds', 'Seconds before the object is deleted.', 'integer'),
  queryParam('orphanDependents', 'Deprecated: use propagationPolicy.', 'boolean'),
  queryParam('propagationPolicy', 'Garbage collection policy: Orphan, Background or Foreground.'),
];

function pathParam(name: string, description: string): Obj {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

const JSON_ONLY = (schema: Obj): Obj => ({ 'application/json': { schema } });

function responses(codes: readonly string[], schema: Obj): Obj {
  const text: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
  const out: Obj = {};
  for (const c of codes) out[c] = { description: text[c] ?? c, content: JSON_ONLY(schema) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

/** `apps_v1`, `core_v1`, `rbacAuthorization_v1`, `stableExampleCom_v1` (the real documents' tags). */
function groupId(def: ResourceDef): string {
  if (def.group === '') return 'Core';
  const g = def.crd ? def.group : def.group.replace(/\.k8s\.io$/, '');
  return g
    .split(/[.-]/)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

interface Ctx {
  def: ResourceDef;
  tag: string;
  /** `AppsV1Namespaced` + kind, for operation IDs. */
  id: string;
  gvk: Obj;
}

interface OpSpec {
  verb: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  idVerb: string;
  action: string;
  description: string;
  params: readonly Obj[];
  body?: Obj;
  responses: Obj;
}

function op(ctx: Ctx, o: OpSpec, idSuffix = '', gvk = ctx.gvk): Obj {
  const out: Obj = {
    tags: [ctx.tag],
    description: o.description,
    operationId: `${o.idVerb}${ctx.id}${idSuffix}`,
    parameters: [...o.params],
  };
  if (o.body) out.requestBody = o.body;
  out.responses = o.responses;
  out['x-kubernetes-action'] = o.action;
  out['x-kubernetes-group-version-kind'] = gvk;
  return out;
}

function patchBody(def: ResourceDef): Obj {
  const types = [
    'application/apply-patch+yaml',
    'application/json-patch+json',
    'application/merge-patch+json',
  ];
  // Custom resources take no strategic merge patch (apiextensions-apiserver customresource_handler.go).
  if (!def.crd) types.push('application/strategic-merge-patch+json');
  return {
    content: Object.fromEntries(types.map((t) => [t, { schema: ref(`${META}.Patch`) }])),
    required: true,
  };
}

function objectBody(schema: Obj): Obj {
  return { content: { '*/*': { schema } }, required: true };
}

/** Operations on an object (or subresource) URL, filtered by the verbs it supports. */
function itemOps(
  ctx: Ctx,
  verbs: readonly string[],
  schema: Obj,
  what: string,
  idSuffix = '',
  gvk = ctx.gvk,
): Obj {
  const { def } = ctx;
  const specs: OpSpec[] = [
    {
      verb: 'get',
      method: 'get',
      idVerb: 'read',
      action: 'get',
      description: `read ${what}`,
      params: [],
      responses: responses(['200'], schema),
    },
    {
      verb: 'update',
      method: 'put',
      idVerb: 'replace',
      action: 'put',
      description: `replace ${what}`,
      params: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
      body: objectBody(schema),
      responses: responses(['200', '201'], schema),
    },
    {
      verb: 'patch',
      method: 'patch',
      idVerb: 'patch',
      action: 'patch',
      description: `partially update ${what}`,
      params: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
      body: patchBody(def),
      responses: responses(['200', '201'], schema),
    },
    {
      verb: 'delete',
      method: 'delete',
      idVerb: 'delete',
      action: 'delete',
      description: `delete ${what}`,
      params: DELETE_PARAMS,
      body: { content: { '*/*': { schema: ref(`${META}.DeleteOptions`) } } },
      responses: responses(['200', '202'], ref(`${META}.Status`)),
    },
  ];
  const item: Obj = {};
  for (const s of specs) if (verbs.includes(s.verb)) item[s.method] = op(ctx, s, idSuffix, gvk);
  return item;
}

function collectionOps(ctx: Ctx): Obj {
  const { def } = ctx;
  const kind = ref(schemaName(def, def.kind));
  const specs: OpSpec[] = [
    {
      verb: 'list',
      method: 'get',
      idVerb: 'list',
      action: 'list',
      description: `list or watch objects of kind ${def.kind}`,
      params: LIST_PARAMS,
      responses: responses(['200'], ref(schemaName(def, def.listKind))),
    },
    {
      verb: 'create',
      method: 'post',
      idVerb: 'create',
      action: 'post',
      description: `create a ${def.kind}`,
      params: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
      body: objectBody(kind),
      responses: responses(['200', '201', '202'], kind),
    },
    {
      verb: 'deletecollection',
      method: 'delete',
      idVerb: 'deleteCollection',
      action: 'deletecollection',
      description: `delete collection of ${def.kind}`,
      params: [
        ...DELETE_PARAMS,
        ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'),
      ],
      body: { content: { '*/*': { schema: ref(`${META}.DeleteOptions`) } } },
      responses: responses(['200'], ref(`${META}.Status`)),
    },
  ];
  const out: Obj = {};
  for (const s of specs) if (def.verbs.includes(s.verb)) out[s.method] = op(ctx, s);
  return out;
}

function withParams(ops: Obj, params: readonly Obj[]): Obj | undefined {
  return Object.keys(ops).length === 0 ? undefined : { ...ops, parameters: [...params] };
}

/** Every path of one resource: collection, object, subresources, and the all-namespaces list. */
function resourcePaths(def: ResourceDef): [string, Obj][] {
  const prefix = def.group === '' ? '/api/v1' : `/apis/${def.group}/${def.version}`;
  const ns = def.namespaced ? '/namespaces/{namespace}' : '';
  const nsParams = def.namespaced
    ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')]
    : [];
  const nameParam = pathParam('name', `name of the ${def.kind}`);
  const group = groupId(def);
  const base = `${group}${def.version.charAt(0).toUpperCase()}${def.version.slice(1)}`;
  const ctx: Ctx = {
    def,
    tag: `${group.charAt(0).toLowerCase()}${group.slice(1)}_${def.version}`,
    id: `${base}${def.namespaced ? 'Namespaced' : ''}${def.kind}`,
    gvk: { group: def.group, kind: def.kind, version: def.version },
  };
  const collection = `${prefix}${ns}/${def.plural}`;
  const item = `${collection}/{name}`;
  const out: [string, Obj | undefined][] = [
    [collection, withParams(collectionOps(ctx), [...nsParams, PRETTY])],
    [
      item,
      withParams(itemOps(ctx, def.verbs, ref(schemaName(def, def.kind)), `the specified ${def.kind}`), [
        nameParam,
        ...nsParams,
        PRETTY,
      ]),
    ],
  ];
  if (def.namespaced && def.verbs.includes('list')) {
    const all = { ...ctx, id: `${base}${def.kind}` };
    const list = collectionOps(all).get;
    if (list)
      out.push([
        `${prefix}/${def.plural}`,
        { get: { ...(list as Obj), operationId: `list${all.id}ForAllNamespaces` }, parameters: [PRETTY] },
      ]);
  }
  for (const s of subresourcesOf(def)) {
    const sub = `${s.name.charAt(0).toUpperCase()}${s.name.slice(1)}`;
    const scale = s.kind === 'Scale';
    const schema = ref(scale ? SCALE_SCHEMA_NAME : schemaName(def, def.kind));
    const gvk = scale ? { group: 'autoscaling', kind: 'Scale', version: 'v1' } : ctx.gvk;
    const ops = itemOps(ctx, s.verbs, schema, `${s.name} of the specified ${def.kind}`, sub, gvk);
    out.push([`${item}/${s.name}`, withParams(ops, [nameParam, ...nsParams, PRETTY])]);
  }
  return out.filter((e): e is [string, Obj] => e[1] !== undefined);
}

function sortKeys(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function buildDoc(served: readonly ResourceDef[]): Obj {
  const paths: Obj = {};
  const schemas: Obj = { ...META_SCHEMAS };
  for (const def of served) {
    for (const [p, item] of resourcePaths(def)) paths[p] = item;
    schemas[schemaName(def, def.kind)] = kindSchema(def);
    schemas[schemaName(def, def.listKind)] = listSchema(def);
    if (def.subresources.scale) schemas[SCALE_SCHEMA_NAME] = SCALE_SCHEMA;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths: sortKeys(paths),
    components: {
      schemas: sortKeys(schemas),
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** `api/v1` for the core group, `apis/<group>/<version>` otherwise: the keys of the /openapi/v3 root. */
export function openapiV3Path(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function parseGvPath(path: string): [group: string, version: string] | undefined {
  const parts = path.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length === 2 && parts[0] === 'api' && parts[1]) return ['', parts[1]];
  if (parts.length === 3 && parts[0] === 'apis' && parts[1] && parts[2]) return [parts[1], parts[2]];
  return undefined;
}

/**
 * The OpenAPI 3.0 document of one group version, or undefined when nothing is served there (404).
 * Takes `'apis/apps/v1'` / `'api/v1'` (the path after `/openapi/v3/`), or a group and a version.
 */
export function openapiV3Doc(
  defs: readonly ResourceDef[],
  gvPathOrGroup: string,
  version?: string,
): Obj | undefined {
  const gv = version === undefined ? parseGvPath(gvPathOrGroup) : ([gvPathOrGroup, version] as const);
  if (!gv) return undefined;
  const served = defs
    .filter((d) => d.group === gv[0] && d.version === gv[1])
    .sort((a, b) => (a.plural < b.plural ? -1 : 1));
  return served.length === 0 ? undefined : buildDoc(served);
}

/**
 * Hash of a document as kube-openapi handler3 computes its ETag: upper-case hex SHA-512 of the bytes
 * served. The server must send `JSON.stringify(doc)` (no indentation) for the hash to hold; it may also
 * send it as the ETag and answer `?hash=` requests with `Cache-Control: public, immutable`.
 */
export function openapiV3Hash(doc: Obj): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/** GET /openapi/v3: every served group version with its document's URL and hash. */
export function openapiV3Root(defs: readonly ResourceDef[]): Obj {
  const gvs = new Map<string, [string, string]>();
  for (const d of defs) gvs.set(openapiV3Path(d.group, d.version), [d.group, d.version]);
  const paths: Obj = {};
  const keys = [...gvs.keys()].sort();
  for (const key of keys) {
    const [group, version] = gvs.get(key) ?? ['', ''];
    const doc = openapiV3Doc(defs, group, version);
    if (doc) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${openapiV3Hash(doc)}` };
  }
  return { paths };
}
