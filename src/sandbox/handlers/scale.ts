/**
 * The `/scale` subresource of Deployments, StatefulSets and ReplicaSets (and CRDs that declare one):
 * an autoscaling/v1 Scale view of spec.replicas, status.replicas and the label selector.
 */
import { methodNotAllowed, notFound } from '../errors.js';
import { getPath, setPath, withTypeMeta } from '../objects.js';
import { applyPatch } from '../patch/index.js';
import type { Obj } from '../types.js';
import { isObj, meta } from '../types.js';
import { updateObject } from '../write.js';
import type { Call, Reply } from './call.js';
import { dryRunOf, fieldValidationOf, json, jsonBody, managerOf, namespaceOf } from './call.js';

function scaleOf(call: Call, obj: Obj): Obj {
  const sc = call.def.subresources.scale;
  const m = meta(obj);
  const specReplicas = sc ? getPath(obj, sc.specReplicasPath) : undefined;
  const statusReplicas = sc ? getPath(obj, sc.statusReplicasPath) : undefined;
  let selector: string | undefined;
  if (sc?.labelSelectorPath) {
    const sel = getPath(obj, sc.labelSelectorPath);
    if (typeof sel === 'string') selector = sel;
    else if (isObj(sel)) selector = labelSelectorString(sel);
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
    status: {
      replicas: typeof statusReplicas === 'number' ? statusReplicas : 0,
      ...(selector ? { selector } : {}),
    },
  };
}

export function scale(call: Call): Reply {
  const sc = call.def.subresources.scale;
  const obj = call.core.get(call.def, namespaceOf(call), call.info.name);
  if (!obj || !sc) throw notFound({ group: call.def.group, resource: call.def.plural }, call.info.name);
  if (call.info.verb === 'get') return json(200, scaleOf(call, obj));
  let desired: Obj;
  if (call.info.verb === 'update') desired = jsonBody(call);
  else if (call.info.verb === 'patch') {
    desired = applyPatch(
      call.headers['content-type'] ?? '',
      scaleOf(call, obj),
      call.body.toString('utf8'),
      {},
      call.def.crd !== undefined,
    );
  } else throw methodNotAllowed();
  const replicas = isObj(desired.spec) ? desired.spec.replicas : undefined;
  const rv = meta(desired).resourceVersion;
  const next = setPath(
    { ...withTypeMeta(call.def, obj), metadata: { ...meta(obj), ...(rv ? { resourceVersion: rv } : {}) } },
    sc.specReplicasPath,
    replicas,
  );
  const r = updateObject(call.core, call.def, obj, next, {
    user: call.user,
    manager: managerOf(call),
    dryRun: dryRunOf(call),
    subresource: 'scale',
    fieldValidation: fieldValidationOf(call),
    admission: call.admission,
  });
  return json(200, scaleOf(call, r.object));
}

/** metav1.LabelSelector as the string form Scale.status.selector carries (metav1.FormatLabelSelector). */
function labelSelectorString(sel: Obj): string {
  const parts: string[] = [];
  const ml = isObj(sel.matchLabels) ? sel.matchLabels : {};
  for (const k of Object.keys(ml).sort()) parts.push(`${k}=${String(ml[k])}`);
  const exprs = Array.isArray(sel.matchExpressions) ? (sel.matchExpressions as Obj[]) : [];
  for (const e of exprs) {
    const values = Array.isArray(e.values) ? (e.values as string[]).slice().sort().join(',') : '';
    const key = String(e.key ?? '');
    if (e.operator === 'In') parts.push(`${key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}
