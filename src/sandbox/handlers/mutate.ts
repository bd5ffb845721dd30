/** POST, PUT, non-apply PATCH, DELETE and DELETE-collection (apiserver handlers/{create,update,patch,delete}.go). */
import { deleteObject, parseDeleteOptions, returnsDeletedObject } from '../delete.js';
import { badRequest, invalid, notFound } from '../errors.js';
import { withTypeMeta } from '../objects.js';
import { applyPatch } from '../patch/index.js';
import type { Obj } from '../types.js';
import { isObj, meta } from '../types.js';
import { createObject, updateObject } from '../write.js';
import { applyRequest } from './apply.js';
import type { Call, Reply } from './call.js';
import { dryRunOf, fieldValidationOf, json, jsonBody, managerOf, namespaceOf } from './call.js';
import { selectorPredicate } from './read.js';

export function create(call: Call): Reply {
  const body = jsonBody(call);
  const r = createObject(call.core, call.def, namespaceOf(call), body, {
    user: call.user,
    manager: managerOf(call),
    dryRun: dryRunOf(call),
    subresource: '',
    fieldValidation: fieldValidationOf(call),
    admission: call.admission,
  });
  return json(201, withTypeMeta(call.def, r.object), r.warnings);
}

function current(call: Call): Obj {
  const obj = call.core.get(call.def, namespaceOf(call), call.info.name);
  if (!obj) throw notFound({ group: call.def.group, resource: call.def.plural }, call.info.name);
  return obj;
}

export function update(call: Call): Reply {
  const body = jsonBody(call);
  // The handler checks the name before it reads storage (apiserver handlers/update.go checkName).
  const bodyName = meta(body).name;
  if (bodyName !== undefined && bodyName !== call.info.name) {
    throw badRequest(
      `the name of the object (${bodyName}) does not match the name on the URL (${call.info.name})`,
    );
  }
  const old = current(call);
  const r = updateObject(call.core, call.def, old, body, {
    user: call.user,
    manager: managerOf(call),
    dryRun: dryRunOf(call),
    subresource: call.info.subresource,
    fieldValidation: fieldValidationOf(call),
    admission: call.admission,
    requireResourceVersion: call.def.crd !== undefined,
  });
  return json(200, withTypeMeta(call.def, r.object), r.warnings);
}

export function patch(call: Call): Reply {
  const contentType = (call.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (contentType === 'application/apply-patch+yaml' || contentType === 'application/apply-patch+cbor') {
    return applyRequest(call);
  }
  if (call.url.searchParams.has('force')) {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [
      { type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' },
    ]);
  }
  const old = current(call);
  const patched = applyPatch(
    call.headers['content-type'] ?? '',
    withTypeMeta(call.def, old),
    call.body.toString('utf8'),
    call.def.shape,
    call.def.crd !== undefined,
  );
  const r = updateObject(call.core, call.def, old, patched, {
    user: call.user,
    manager: managerOf(call),
    dryRun: dryRunOf(call),
    subresource: call.info.subresource,
    fieldValidation: fieldValidationOf(call),
    admission: call.admission,
  });
  return json(200, withTypeMeta(call.def, r.object), r.warnings);
}

function deleteBody(call: Call): Obj | undefined {
  if (call.body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(call.body.toString('utf8'));
    return isObj(parsed) ? parsed : undefined;
  } catch {
    throw badRequest('the body of the request was in an unknown format');
  }
}

export function remove(call: Call): Reply {
  const obj = current(call);
  const opts = parseDeleteOptions(deleteBody(call), call.url.searchParams);
  opts.dryRun = opts.dryRun || dryRunOf(call);
  const r = deleteObject(call.core, call.def, obj, opts);
  if (r.pending || returnsDeletedObject(call.def)) return json(200, withTypeMeta(call.def, r.object));
  const m = meta(r.object);
  const details: Obj = { name: m.name ?? '' };
  if (call.def.group) details.group = call.def.group;
  details.kind = call.def.plural;
  details.uid = m.uid ?? '';
  return json(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
}

export function removeCollection(call: Call): Reply {
  const opts = parseDeleteOptions(deleteBody(call), call.url.searchParams);
  opts.dryRun = opts.dryRun || dryRunOf(call);
  const match = selectorPredicate(call);
  const items = call.core.list(call.def, namespaceOf(call) || undefined).filter(match);
  const out: Obj[] = [];
  for (const obj of items)
    out.push(withTypeMeta(call.def, deleteObject(call.core, call.def, obj, opts).object));
  return json(200, {
    kind: call.def.listKind,
    apiVersion: call.def.group ? `${call.def.group}/${call.def.version}` : call.def.version,
    metadata: { resourceVersion: String(call.core.store.currentRV()) },
    items: out,
  });
}
