/**
 * Update-only checks: fields that may not change once set, with the messages of kube-apiserver 1.36.
 * Sources: apimachinery pkg/api/validation/objectmeta.go (ValidateObjectMetaAccessorUpdate,
 * FieldImmutableErrorMsg), kubernetes pkg/registry/apps/{deployment,replicaset,daemonset}/strategy.go
 * (selector), pkg/apis/apps/validation ValidateStatefulSetUpdate, pkg/apis/batch/validation
 * ValidateJobSpecUpdate, pkg/apis/core/validation (ValidateServiceUpdate, ValidateConfigMapUpdate,
 * ValidateSecretUpdate), pkg/apis/rbac/validation (ValidateRoleBindingUpdate) and apiextensions-apiserver
 * validateCustomResourceDefinitionSpecUpdate.
 *
 * The server returns `[...validateBuiltin(new), ...validateUpdate(old, new)]` (both on defaulted objects) as
 * one 422. Values are rendered as 1.34+ does: JSON, with Go field names where upstream holds an internal type.
 */
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { renderLabelSelector } from './selector.js';
import { asArray, asObj, asString, at, forbidden, invalidField, semanticEqual } from './util.js';

/** FieldImmutableErrorMsg. */
export const FIELD_IMMUTABLE = 'field is immutable';

const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

/** The 1.35+ wording (revisionHistoryLimit became mutable). */
export const STATEFULSET_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

const STATEFULSET_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

function spec(o: Obj): Obj {
  return asObj(o.spec) ?? {};
}

function immutable(path: string, newVal: unknown, oldVal: unknown, rendered: unknown = newVal): FieldError[] {
  return semanticEqual(newVal, oldVal) ? [] : [invalidField(path, rendered ?? null, FIELD_IMMUTABLE)];
}

/** Go `%#v` of a []string, as ValidateNoNewFinalizers formats it into the detail. */
function goStringSlice(xs: readonly string[]): string {
  return `[]string{${xs.map((x) => JSON.stringify(x)).join(', ')}}`;
}

function metadataUpdate(oldObj: Obj, newObj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const oldMeta = asObj(oldObj.metadata) ?? {};
  const newMeta = asObj(newObj.metadata) ?? {};
  if (oldMeta.deletionTimestamp) {
    const had = new Set(asArray(oldMeta.finalizers).map(asString));
    const extra = [...new Set(asArray(newMeta.finalizers).map(asString))].filter((f) => !had.has(f)).sort();
    if (extra.length > 0) {
      errs.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
    }
  }
  errs.push(...immutable('metadata.name', asString(newMeta.name), asString(oldMeta.name)));
  errs.push(...immutable('metadata.namespace', asString(newMeta.namespace), asString(oldMeta.namespace)));
  return errs;
}

function selectorImmutable(oldObj: Obj, newObj: Obj): FieldError[] {
  const n = spec(newObj).selector;
  return immutable('spec.selector', n, spec(oldObj).selector, renderLabelSelector(n));
}

function statefulSet(oldObj: Obj, newObj: Obj): FieldError[] {
  const strip = (s: Obj) =>
    Object.fromEntries(Object.entries(s).filter(([k]) => !STATEFULSET_MUTABLE.includes(k)));
  return semanticEqual(strip(spec(newObj)), strip(spec(oldObj)))
    ? []
    : [forbidden('spec', STATEFULSET_FORBIDDEN)];
}

/** Template fields a suspended Job that never started may still change (JobMutableNodeSchedulingDirectives). */
function schedulingAgnostic(template: unknown): unknown {
  if (!isObj(template)) return template;
  const meta = { ...(asObj(template.metadata) ?? {}) };
  delete meta.labels;
  delete meta.annotations;
  const podSpec = { ...(asObj(template.spec) ?? {}) };
  for (const k of ['affinity', 'nodeSelector', 'tolerations', 'schedulingGates']) delete podSpec[k];
  return { ...template, metadata: meta, spec: podSpec };
}

function job(oldObj: Obj, newObj: Obj): FieldError[] {
  const o = spec(oldObj);
  const n = spec(newObj);
  const errs: FieldError[] = [];
  const indexed = n.completionMode === 'Indexed';
  if (!indexed) errs.push(...immutable('spec.completions', n.completions, o.completions));
  else if (!semanticEqual(n.completions, o.completions) && typeof n.completions === 'number') {
    // ElasticIndexedJob: completions may change together with parallelism.
    if (n.completions !== n.parallelism) {
      errs.push(
        invalidField(
          'spec.completions',
          n.completions,
          'can only be modified in tandem with spec.parallelism',
        ),
      );
    }
  }
  errs.push(...immutable('spec.selector', n.selector, o.selector, renderLabelSelector(n.selector)));
  errs.push(...immutable('spec.manualSelector', n.manualSelector, o.manualSelector));
  errs.push(...immutable('spec.completionMode', n.completionMode, o.completionMode));
  const mutableScheduling = o.suspend === true && at(oldObj, 'status', 'startTime') === undefined;
  const nt = mutableScheduling ? schedulingAgnostic(n.template) : n.template;
  const ot = mutableScheduling ? schedulingAgnostic(o.template) : o.template;
  // Upstream renders the internal core.PodTemplateSpec (Go field names); the request's template stands in.
  errs.push(...immutable('spec.template', nt, ot, n.template));
  return errs;
}

/** Effective clusterIPs: the server mirrors clusterIP into clusterIPs before validating. */
function clusterIPs(s: Obj): string[] | undefined {
  const ips = asArray(s.clusterIPs).map(asString);
  if (ips.length > 0) return ips;
  const ip = asString(s.clusterIP);
  return ip ? [ip] : undefined;
}

/**
 * validateUpgradeDowngradeClusterIPs. A request that leaves clusterIP(s) out keeps the allocated ones (the
 * registry copies them before validation), so only explicit changes fail.
 */
function service(oldObj: Obj, newObj: Obj): FieldError[] {
  const o = spec(oldObj);
  const n = spec(newObj);
  if (o.type === 'ExternalName' || n.type === 'ExternalName') return [];
  const oldIPs = clusterIPs(o) ?? [];
  const newIPs = clusterIPs(n);
  if (!newIPs) return [];
  if (oldIPs[0] === 'None' && newIPs[0] === 'None') return [];
  const errs: FieldError[] = [];
  const changed = (i: number) => invalidField(`spec.clusterIPs[${i}]`, newIPs, 'may not change once set');
  if (oldIPs.length === newIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== newIPs[i]) errs.push(changed(i));
    });
  } else if (oldIPs.length > newIPs.length) {
    newIPs.forEach((ip, i) => {
      if (ip !== oldIPs[i]) errs.push(changed(i));
    });
  } else if (oldIPs.length > 0 && oldIPs[0] !== newIPs[0]) {
    errs.push(changed(0));
  }
  return errs;
}

function immutableData(oldObj: Obj, newObj: Obj, fields: readonly string[]): FieldError[] {
  if (oldObj.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (newObj.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_WHEN_SET));
  for (const f of fields)
    if (!semanticEqual(newObj[f], oldObj[f])) errs.push(forbidden(f, IMMUTABLE_WHEN_SET));
  return errs;
}

/** The internal rbac.RoleRef as 1.34+ prints it: JSON with Go field names. */
function renderRoleRef(ref: unknown): unknown {
  const r = asObj(ref) ?? {};
  return { APIGroup: asString(r.apiGroup), Kind: asString(r.kind), Name: asString(r.name) };
}

function binding(oldObj: Obj, newObj: Obj): FieldError[] {
  const n = renderRoleRef(newObj.roleRef);
  return semanticEqual(n, renderRoleRef(oldObj.roleRef))
    ? []
    : [invalidField('roleRef', n, 'cannot change roleRef')];
}

function crd(oldObj: Obj, newObj: Obj): FieldError[] {
  const o = spec(oldObj);
  const n = spec(newObj);
  return [
    // Scope and kind are frozen once the CRD is Established, which in the sandbox is at once.
    ...immutable('spec.scope', asString(n.scope), asString(o.scope)),
    ...immutable('spec.names.kind', asString(at(n, 'names', 'kind')), asString(at(o, 'names', 'kind'))),
    ...immutable('spec.group', asString(n.group), asString(o.group)),
    ...immutable('spec.names.plural', asString(at(n, 'names', 'plural')), asString(at(o, 'names', 'plural'))),
  ];
}

function kindUpdate(group: string, kind: string, oldObj: Obj, newObj: Obj): FieldError[] {
  switch (`${group}/${kind}`) {
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/DaemonSet':
      return selectorImmutable(oldObj, newObj);
    case 'apps/StatefulSet':
      return statefulSet(oldObj, newObj);
    case 'batch/Job':
      return job(oldObj, newObj);
    case '/Service':
      return service(oldObj, newObj);
    case '/ConfigMap':
      return immutableData(oldObj, newObj, ['data', 'binaryData']);
    case '/Secret':
      return [
        ...immutable('type', asString(newObj.type), asString(oldObj.type)),
        ...immutableData(oldObj, newObj, ['data']),
      ];
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      return binding(oldObj, newObj);
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      return crd(oldObj, newObj);
    default:
      return [];
  }
}

/**
 * The errors an update from `oldObj` to `newObj` causes beyond create-time validation: immutable fields,
 * and no new finalizers once deletion started. Both objects must be defaulted. Custom resources get the
 * metadata part only (pass their group and kind; no kind-specific rule matches).
 */
export function validateUpdate(group: string, kind: string, oldObj: Obj, newObj: Obj): FieldError[] {
  return [...metadataUpdate(oldObj, newObj), ...kindUpdate(group, kind, oldObj, newObj)];
}
