/**
 * The write path every create, update, patch and apply goes through: what apiserver's generic registry store
 * (registry/generic/registry/store.go), the rest.BeforeCreate/BeforeUpdate hooks, the kind strategies and the
 * admission chain do, in that order: system metadata, reset fields, defaulting, pruning, validation,
 * generation, managedFields, the no-op check, and finally the stored write.
 */
import { randomInt } from 'node:crypto';
import type { SandboxCore } from './core.js';
import type { StatusError } from './errors.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  OPTIMISTIC_LOCK_MSG,
} from './errors.js';
import { deepEqual, rfc3339, sameStoredObject, withTypeMeta } from './objects.js';
import { storageKey } from './registry.js';
import { trackUpdate } from './ssa/index.js';
import { thaw } from './store.js';
import type { Obj, ObjectMeta, ResourceDef, UserInfo } from './types.js';
import { groupVersion, isObj, meta } from './types.js';
import { prepareObject, validateForWrite } from './write-checks.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Admission hooks run last, like validating admission: RBAC escalation checks live there. */
export type AdmissionHook = (req: {
  def: ResourceDef;
  old: Obj | undefined;
  next: Obj;
  user: UserInfo;
  subresource: string;
}) => StatusError | undefined;

export interface WriteOptions {
  user: UserInfo;
  manager: string;
  dryRun: boolean;
  subresource: string;
  fieldValidation: FieldValidation;
  /** Set by apply, which computes managedFields itself. */
  managedFieldsDone?: boolean;
  admission?: readonly AdmissionHook[];
}

export interface WriteResult {
  object: Obj;
  created: boolean;
  /** The write changed nothing, so nothing was stored and resourceVersion stayed. */
  noop: boolean;
  /** The object was removed because its last finalizer went away. */
  removed: boolean;
  warnings: string[];
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789'; // apiserver names.SimpleNameGenerator alphabet

/** metav1 fields that only the server sets. */
const SYSTEM_META = [
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
];

export function createObject(
  core: SandboxCore,
  def: ResourceDef,
  namespace: string,
  body: Obj,
  opts: WriteOptions,
): WriteResult {
  checkTypeMeta(def, body);
  const m: ObjectMeta = { ...meta(body) };
  if (m.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  if (def.namespaced) {
    if (m.namespace && namespace && m.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    m.namespace = namespace || m.namespace || '';
    checkNamespaceAcceptsCreate(core, def, m);
  } else {
    delete m.namespace;
  }
  let generated = false;
  if (!m.name && m.generateName) {
    m.name = `${m.generateName}${Array.from({ length: 5 }, () => NAME_CHARS[randomInt(NAME_CHARS.length)]).join('')}`;
    generated = true;
  }
  for (const k of SYSTEM_META) delete m[k];
  m.uid = core.newUid();
  m.creationTimestamp = rfc3339(core.clock());
  if (def.generation !== 'none') m.generation = 1;
  let next: Obj = { ...thaw(body), metadata: m };
  // A create never stores a status for kinds with a status subresource (strategy PrepareForCreate).
  if (def.subresources.status && opts.subresource === '') delete next.status;
  const prepared = prepareObject(core, def, undefined, next, opts);
  next = prepared.object;
  validateForWrite(core, def, undefined, next, opts);
  if (core.get(def, m.namespace ?? '', m.name ?? '')) {
    throw alreadyExists({ group: def.group, resource: def.plural }, m.name ?? '');
  }
  if (generated && m.name === undefined) throw badRequest('name generation failed');
  if (!opts.managedFieldsDone) {
    next = trackUpdate({
      old: undefined,
      next,
      manager: opts.manager,
      shape: def.shape,
      apiVersion: groupVersion(def),
      now: rfc3339(core.clock()),
    });
  }
  next = withTypeMeta(def, next);
  if (opts.dryRun)
    return { object: next, created: true, noop: false, removed: false, warnings: prepared.warnings };
  const stored = core.store.put(storageKey(def), next);
  return { object: stored, created: true, noop: false, removed: false, warnings: prepared.warnings };
}

export interface UpdateOptions extends WriteOptions {
  /** PUT on a kind whose strategy does not allow unconditional update (custom resources). */
  requireResourceVersion?: boolean;
}

/** Replaces `old` with `desired` (a full object, as after PUT or a patch). */
export function updateObject(
  core: SandboxCore,
  def: ResourceDef,
  old: Obj,
  desired: Obj,
  opts: UpdateOptions,
): WriteResult {
  checkTypeMeta(def, desired);
  const om = meta(old);
  const dm: ObjectMeta = { ...meta(desired) };
  const name = om.name ?? '';
  if (dm.name !== undefined && dm.name !== name) {
    throw badRequest(`the name of the object (${dm.name}) does not match the name on the URL (${name})`);
  }
  if (def.namespaced && dm.namespace && dm.namespace !== om.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (dm.resourceVersion) {
    if (dm.resourceVersion !== om.resourceVersion) {
      throw conflict({ group: def.group, resource: def.plural }, name, OPTIMISTIC_LOCK_MSG);
    }
  } else if (opts.requireResourceVersion) {
    throw invalid(
      { group: def.group, kind: def.kind },
      name,
      [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.resourceVersion',
          value: 0,
          detail: 'must be specified for an update',
        },
      ],
      def.group ? `${def.plural}.${def.group}` : def.plural,
    );
  }
  // `/scale` writes carry the whole parent object; only their managedFields entry says scale.
  let next = resetFields(
    def,
    old,
    { ...thaw(desired), metadata: dm },
    opts.subresource === 'scale' ? '' : opts.subresource,
  );
  const nm: ObjectMeta = { ...meta(next) };
  nm.name = name;
  if (def.namespaced) nm.namespace = om.namespace ?? '';
  else delete nm.namespace;
  for (const k of SYSTEM_META) {
    if (om[k] === undefined) delete nm[k];
    else nm[k] = om[k];
  }
  nm.resourceVersion = om.resourceVersion ?? '';
  next = { ...next, metadata: nm };
  const prepared = prepareObject(core, def, old, next, opts);
  next = prepared.object;
  if (om.deletionTimestamp) {
    const added = (meta(next).finalizers ?? []).filter((f) => !(om.finalizers ?? []).includes(f));
    if (added.length > 0) {
      throw invalid({ group: def.group, kind: def.kind }, name, [
        {
          type: 'FieldValueForbidden',
          field: 'metadata.finalizers',
          detail: `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        },
      ]);
    }
  }
  validateForWrite(core, def, old, next, opts);
  next = bumpGeneration(def, old, next);
  if (!opts.managedFieldsDone) {
    next = trackUpdate({
      old,
      next,
      manager: opts.manager,
      shape: def.shape,
      apiVersion: groupVersion(def),
      now: rfc3339(core.clock()),
      ...(opts.subresource ? { subresource: opts.subresource } : {}),
      ...(def.subresources.status && (opts.subresource === '' || opts.subresource === 'scale')
        ? { resetFields: [['status']] }
        : {}),
    });
  }
  next = withTypeMeta(def, next);
  const warnings = prepared.warnings;
  if (sameStoredObject(old, next))
    return { object: old, created: false, noop: true, removed: false, warnings };
  const finalizersGone = om.deletionTimestamp && (meta(next).finalizers ?? []).length === 0;
  if (opts.dryRun) return { object: next, created: false, noop: false, removed: false, warnings };
  if (finalizersGone) {
    const stored = core.store.put(storageKey(def), next);
    core.store.remove(storageKey(def), def.namespaced ? (om.namespace ?? '') : '', name);
    return { object: stored, created: false, noop: false, removed: true, warnings };
  }
  const stored = core.store.put(storageKey(def), next);
  return { object: stored, created: false, noop: false, removed: false, warnings };
}

/**
 * Reset fields: the main endpoint keeps the stored status; `/status` keeps everything but status
 * (and managedFields); a Namespace's spec.finalizers move only through `/finalize`.
 */
function resetFields(def: ResourceDef, old: Obj, next: Obj, subresource: string): Obj {
  if (subresource === 'status') {
    const out: Obj = { ...thaw(old) };
    if (next.status === undefined) delete out.status;
    else out.status = next.status;
    const mf = meta(next).managedFields;
    out.metadata = { ...meta(out), ...(mf ? { managedFields: mf } : {}) };
    return out;
  }
  if (subresource === 'finalize') {
    const out: Obj = { ...thaw(old) };
    const spec = isObj(next.spec) ? next.spec : {};
    out.spec = { ...(isObj(out.spec) ? out.spec : {}), finalizers: spec.finalizers ?? [] };
    return out;
  }
  let out = next;
  if (def.subresources.status) {
    out = { ...out };
    if (old.status === undefined) delete out.status;
    else out.status = thaw(old.status);
  }
  if (def.group === '' && def.plural === 'namespaces') {
    const oldSpec = isObj(old.spec) ? old.spec : {};
    out = { ...out, spec: { ...(isObj(out.spec) ? out.spec : {}), finalizers: oldSpec.finalizers ?? [] } };
    if (old.status !== undefined) out.status = thaw(old.status);
  }
  return out;
}

/** metadata.generation: see ResourceDef.generation and kube-api-facts §5. */
function bumpGeneration(def: ResourceDef, old: Obj, next: Obj): Obj {
  if (def.generation === 'none') return next;
  const strip = (o: Obj) => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
    return rest;
  };
  let changed = !deepEqual(strip(old), strip(next));
  if (!def.subresources.status && !deepEqual(old.status, next.status)) changed = true;
  if (
    def.generation === 'spec+annotations' &&
    !deepEqual(meta(old).annotations ?? {}, meta(next).annotations ?? {})
  ) {
    changed = true;
  }
  const oldGen = meta(old).generation ?? 1;
  // Setting the first deletionTimestamp also bumps generation (registry/rest/delete.go), handled by delete.
  return changed ? { ...next, metadata: { ...meta(next), generation: oldGen + 1 } } : next;
}

function checkTypeMeta(def: ResourceDef, body: Obj): void {
  if (typeof body.apiVersion === 'string' && body.apiVersion !== groupVersion(def)) {
    const [g] = body.apiVersion.includes('/') ? body.apiVersion.split('/') : [''];
    if (g === def.group) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${groupVersion(def)})`,
      );
    }
  }
  if (typeof body.kind === 'string' && body.kind !== def.kind && body.kind !== 'Scale') {
    throw badRequest(
      `${body.kind} in version "${def.version}" cannot be handled as a ${def.kind}: the object provided is unrecognized (must be of type ${def.kind})`,
    );
  }
}

/** apiserver's NamespaceLifecycle admission plugin, for creates only (kube-api-facts §1.3). */
function checkNamespaceAcceptsCreate(core: SandboxCore, def: ResourceDef, m: ObjectMeta): void {
  const nsDef = core.def('', 'namespaces');
  if (!nsDef) return;
  const ns = core.get(nsDef, '', m.namespace ?? '');
  if (!m.namespace || !ns) {
    throw notFound({ group: '', resource: 'namespaces' }, m.namespace ?? '');
  }
  if (meta(ns).deletionTimestamp) {
    const nsName = m.namespace;
    throw forbidden(
      { group: def.group, resource: def.plural },
      m.name || m.generateName || 'Unknown',
      `unable to create new content in namespace ${nsName} because it is being terminated`,
      {
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${nsName} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      },
    );
  }
}
