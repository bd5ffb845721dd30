/** Server-side apply requests (apiserver handlers/patch.go applyPatcher; kube-api-facts §2). */
import { parse } from 'yaml';
import { badRequest, forbidden, invalid } from '../errors.js';
import { rfc3339, withTypeMeta } from '../objects.js';
import { ApplyConflictError, apply } from '../ssa/index.js';
import type { Obj } from '../types.js';
import { groupVersion, isObj, meta } from '../types.js';
import { createObject, updateObject } from '../write.js';
import type { Call, Reply } from './call.js';
import { dryRunOf, fieldValidationOf, json, namespaceOf } from './call.js';

function parseApplyBody(call: Call): Obj {
  let parsed: unknown;
  try {
    parsed = parse(call.body.toString('utf8'), { maxAliasCount: 100, prettyErrors: false });
  } catch (err) {
    throw badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObj(parsed)) throw badRequest('error decoding patch: the apply patch must be a YAML or JSON object');
  return parsed;
}

export function applyRequest(call: Call): Reply {
  const q = call.url.searchParams;
  const manager = q.get('fieldManager');
  if (!manager) {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [
      { type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' },
    ]);
  }
  const force = q.get('force') === 'true';
  const body = parseApplyBody(call);
  const def = call.def;
  if (
    typeof body.apiVersion !== 'string' ||
    body.apiVersion === '' ||
    typeof body.kind !== 'string' ||
    body.kind === ''
  ) {
    throw badRequest(`Object 'Kind' is missing in '${call.body.toString('utf8').slice(0, 200)}'`);
  }
  if (body.apiVersion !== groupVersion(def) && call.info.subresource === '') {
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${body.apiVersion}, expected: ${groupVersion(def)}`,
    );
  }
  const bm = meta(body);
  if (bm.name !== undefined && bm.name !== call.info.name) {
    throw badRequest(
      `the name of the object (${bm.name}) does not match the name on the URL (${call.info.name})`,
    );
  }
  if (def.namespaced && bm.namespace && bm.namespace !== call.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const applied: Obj = { ...body, metadata: { ...bm, name: call.info.name } };
  // Reset fields: the main endpoint of a kind with a status subresource ignores status (kube-api-facts §2).
  if (def.subresources.status && call.info.subresource === '') delete applied.status;
  const now = rfc3339(call.core.clock());
  const resetFields = def.subresources.status && call.info.subresource === '' ? [['status']] : undefined;
  const live = call.core.get(def, namespaceOf(call), call.info.name);
  const base = {
    user: call.user,
    manager,
    dryRun: dryRunOf(call),
    fieldValidation: fieldValidationOf(call),
    admission: call.admission,
    managedFieldsDone: true,
  };
  try {
    if (!live) {
      if (call.info.subresource !== '') {
        throw badRequest(`${def.plural} "${call.info.name}" not found`);
      }
      // An apply that creates needs `create` as well as `patch` (website server-side-apply.md).
      if (!call.can('create')) {
        throw forbidden(
          { group: def.group, resource: def.plural },
          call.info.name,
          `User "${call.user.name}" cannot create resource "${def.plural}" in API group "${def.group}"${def.namespaced ? ` in the namespace "${call.info.namespace}"` : ' at the cluster scope'}`,
        );
      }
      const merged = apply({
        live: undefined,
        applied,
        manager,
        force,
        shape: def.shape,
        apiVersion: groupVersion(def),
        now,
        ...(resetFields ? { resetFields } : {}),
      });
      const r = createObject(call.core, def, namespaceOf(call), merged, { ...base, subresource: '' });
      return json(201, withTypeMeta(def, r.object), r.warnings);
    }
    const merged = apply({
      live,
      applied,
      manager,
      force,
      shape: def.shape,
      apiVersion: groupVersion(def),
      now,
      ...(call.info.subresource ? { subresource: call.info.subresource } : {}),
      ...(resetFields ? { resetFields } : {}),
    });
    const r = updateObject(call.core, def, live, merged, { ...base, subresource: call.info.subresource });
    return json(200, withTypeMeta(def, r.object), r.warnings);
  } catch (err: unknown) {
    if (err instanceof ApplyConflictError) throw err.toStatusError();
    throw err;
  }
}
