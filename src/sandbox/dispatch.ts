/**
 * One request through the sandbox, in kube-apiserver's filter order (apiserver server/config.go
 * DefaultBuildHandlerChain): fault injection (ours), authentication, impersonation, authorization, then the
 * discovery/OpenAPI handlers or the resource handlers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { selfSubjectAccessReview, selfSubjectRulesReview } from './auth/access-review.js';
import { impersonate } from './auth/impersonation.js';
import { forbiddenError } from './auth/messages.js';
import type { Attributes } from './auth/rbac.js';
import { authorize } from './auth/rbac.js';
import type { SandboxCore } from './core.js';
import { discoveryReply } from './discovery-routes.js';
import { internalError, methodNotAllowed, pageNotFound, StatusError, unauthorized } from './errors.js';
import type { FaultInjector, RequestCounters } from './faults.js';
import { faultResponse } from './faults.js';
import type { Call, Reply } from './handlers/call.js';
import { jsonBody } from './handlers/call.js';
import { create, patch, remove, removeCollection, update } from './handlers/mutate.js';
import { getOne, list } from './handlers/read.js';
import { scale } from './handlers/scale.js';
import { checkWatchParams, serveWatch } from './handlers/watch.js';
import { readBody, sendError, sendJson } from './http-util.js';
import { rbacObjects } from './rbac-view.js';
import type { RequestInfo } from './request.js';
import { parseRequestInfo } from './request.js';
import { serviceAccountTokenRequest } from './tokens.js';
import type { ResourceDef, UserInfo } from './types.js';
import type { AdmissionHook } from './write.js';

export interface DispatchDeps {
  core: SandboxCore;
  authenticate(authorization: string | undefined): UserInfo | undefined;
  faults: FaultInjector;
  counters: RequestCounters;
  admission: readonly AdmissionHook[];
  bookmarkIntervalMs: number;
  /** Sandbox-only admin API (faults, counters), served under /sandbox/v1 to system:masters. */
  admin(method: string, url: URL, body: Buffer): Reply;
  log(err: unknown, info: RequestInfo): void;
}

const NOT_FOUND_RESOURCE = () =>
  new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});

export async function dispatch(deps: DispatchDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const info = parseRequestInfo(req.method ?? 'GET', url);
  try {
    deps.counters.record(info.verb, info.group, info.resource);
    const fault = deps.faults.match(
      { verb: info.verb, path: url.pathname, resource: info.resource, namespace: info.namespace },
      Math.random,
    );
    if (fault) {
      const played = faultResponse(fault, { group: info.group, resource: info.resource, name: info.name });
      if (played === 'drop') {
        req.socket.destroy();
        return;
      }
      if ('delayMs' in played) await new Promise((r) => setTimeout(r, played.delayMs));
      else {
        sendJson(res, played.status, played.body, played.headers);
        return;
      }
    }
    const body = await readBody(req);
    const authenticated = deps.authenticate(req.headers.authorization);
    if (!authenticated) throw unauthorized();
    const rbac = rbacObjects(deps.core);
    const authz = (a: Attributes) => authorize(rbac, a);
    const user = impersonate(req.headersDistinct, authenticated, authz, req.url ?? '/');
    if (url.pathname.startsWith('/sandbox/')) {
      if (!user.groups.includes('system:masters')) {
        throw forbiddenError(attrsFor(user, info, 'get'), undefined);
      }
      const reply = deps.admin(req.method ?? 'GET', url, body);
      sendJson(res, reply.status, reply.body, reply.headers ?? {});
      return;
    }
    if (!info.resourceRequest) {
      const attrs = attrsFor(user, info, info.verb);
      const decision = authz(attrs);
      if (!decision.allowed) throw forbiddenError(attrs, decision.reason || undefined);
      const reply = discoveryReply(deps.core, req.headers.accept, url);
      sendJson(res, reply.status, reply.body, reply.headers ?? {});
      return;
    }
    const def = resolve(deps.core, info);
    const attrs = attrsFor(user, info, info.verb);
    const decision = authz(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason || undefined);
    const call: Call = {
      core: deps.core,
      def,
      info,
      url,
      headers: req.headers,
      body,
      user,
      admission: deps.admission,
      can: (verb) => authz(attrsFor(user, info, verb)).allowed,
    };
    if (info.verb === 'watch') {
      checkWatchParams(call);
      serveWatch(call, res, { bookmarkIntervalMs: deps.bookmarkIntervalMs });
      return;
    }
    const reply = route(call, (a) => authz({ ...a }));
    sendJson(res, reply.status, reply.body, reply.headers ?? {});
  } catch (err) {
    if (err instanceof StatusError) {
      sendError(res, err);
      return;
    }
    deps.log(err, info);
    sendError(res, internalError(err instanceof Error ? err.message : String(err)));
  }
}

function attrsFor(user: UserInfo, info: RequestInfo, verb: string): Attributes {
  return {
    user,
    verb,
    resourceRequest: info.resourceRequest,
    namespace: info.namespace,
    apiGroup: info.group,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
    path: info.path,
  };
}

/** The resource a request addresses, or the 404 a real server gives for an unknown group, version or resource. */
function resolve(core: SandboxCore, info: RequestInfo): ResourceDef {
  if (!core.registry.servesGroupVersion(info.group, info.version)) throw pageNotFound();
  const def = core.registry.find(info.group, info.version, info.resource);
  if (!def || info.extra.length > 0) throw NOT_FOUND_RESOURCE();
  const sub = info.subresource;
  const ok =
    sub === '' ||
    (sub === 'status' && def.subresources.status) ||
    (sub === 'scale' && def.subresources.scale) ||
    (sub === 'finalize' && def.group === '' && def.plural === 'namespaces') ||
    (sub === 'token' && def.group === '' && def.plural === 'serviceaccounts');
  if (!ok) throw NOT_FOUND_RESOURCE();
  if (def.namespaced && !info.namespace && info.name) throw NOT_FOUND_RESOURCE();
  return def;
}

function route(call: Call, authz: (a: Attributes) => { allowed: boolean; reason: string }): Reply {
  const { def, info } = call;
  if (def.group === 'authorization.k8s.io') {
    if (info.verb !== 'create') throw methodNotAllowed();
    const body = jsonBody(call);
    const review =
      def.plural === 'selfsubjectaccessreviews'
        ? selfSubjectAccessReview(body, call.user, authz)
        : selfSubjectRulesReview(body, call.user, rbacObjects(call.core));
    return { status: 201, body: review };
  }
  if (info.subresource === 'scale') return scale(call);
  if (info.subresource === 'token') {
    if (info.verb !== 'create') throw methodNotAllowed();
    return serviceAccountTokenRequest(call);
  }
  if (info.subresource === 'finalize' && info.verb !== 'update') throw methodNotAllowed();
  if (info.subresource !== '' && !['get', 'update', 'patch'].includes(info.verb)) throw methodNotAllowed();
  switch (info.verb) {
    case 'get':
      return getOne(call);
    case 'list':
      return list(call);
    case 'create':
      if (info.name) throw methodNotAllowed();
      return create(call);
    case 'update':
      return update(call);
    case 'patch':
      return patch(call);
    case 'delete':
      return remove(call);
    case 'deletecollection':
      return removeCollection(call);
    default:
      throw methodNotAllowed();
  }
}
