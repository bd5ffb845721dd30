/**
 * DELETE as the generic registry store does it (registry/generic/registry/store.go Delete, registry/rest/
 * delete.go BeforeDelete): preconditions, propagation policy finalizers, graceful deletion with
 * deletionTimestamp when finalizers remain, immediate removal otherwise (kube-api-facts §6).
 */
import type { SandboxCore } from './core.js';
import { conflict, invalid, StatusError } from './errors.js';
import { rfc3339 } from './objects.js';
import { storageKey } from './registry.js';
import type { Obj, ResourceDef } from './types.js';
import { isObj, meta } from './types.js';

export type Propagation = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: Propagation;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

export interface DeleteResult {
  /** The object as last stored (still present when `pending`). */
  object: Obj;
  /** Finalizers hold the object: it now carries a deletionTimestamp. */
  pending: boolean;
}

/** Kinds whose store returns the deleted object instead of a Status (ReturnDeletedObject). */
const RETURNS_OBJECT = new Set(['/pods', '/namespaces', '/serviceaccounts', '/services']);

export function returnsDeletedObject(def: ResourceDef): boolean {
  return RETURNS_OBJECT.has(storageKey(def));
}

/** Reads propagationPolicy etc. from the DeleteOptions body and the query, query winning like upstream. */
export function parseDeleteOptions(body: Obj | undefined, query: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = { dryRun: false };
  const b = body ?? {};
  let policy = typeof b.propagationPolicy === 'string' ? b.propagationPolicy : undefined;
  if (b.orphanDependents === true) policy = 'Orphan';
  const qp = query.get('propagationPolicy');
  if (qp) policy = qp;
  if (query.get('orphanDependents') === 'true') policy = 'Orphan';
  if (policy !== undefined) {
    if (policy !== 'Foreground' && policy !== 'Background' && policy !== 'Orphan') {
      throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
        {
          type: 'FieldValueNotSupported',
          field: 'propagationPolicy',
          value: policy,
          detail: 'supported values: "Foreground", "Background", "Orphan", "nil"',
        },
      ]);
    }
    opts.propagationPolicy = policy;
  }
  if (isObj(b.preconditions)) {
    const p = b.preconditions;
    opts.preconditions = {
      ...(typeof p.uid === 'string' ? { uid: p.uid } : {}),
      ...(typeof p.resourceVersion === 'string' ? { resourceVersion: p.resourceVersion } : {}),
    };
  }
  const dry = [...query.getAll('dryRun'), ...(Array.isArray(b.dryRun) ? (b.dryRun as string[]) : [])];
  opts.dryRun = dry.includes('All');
  return opts;
}

export function deleteObject(
  core: SandboxCore,
  def: ResourceDef,
  obj: Obj,
  opts: DeleteOptions,
): DeleteResult {
  const m = meta(obj);
  const name = m.name ?? '';
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== m.uid) {
    throw conflict(
      { group: def.group, resource: def.kind },
      name,
      `the UID in the precondition (${pre.uid}) does not match the UID in record (${m.uid}). The object might have been deleted and then recreated`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== m.resourceVersion) {
    throw conflict(
      { group: def.group, resource: def.kind },
      name,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${m.resourceVersion}). The object might have been modified`,
    );
  }
  const isNamespace = def.group === '' && def.plural === 'namespaces';
  if (isNamespace && m.deletionTimestamp) {
    throw new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on namespaces "${name}": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`,
      { name, kind: 'namespaces' },
    );
  }
  let finalizers = [...(m.finalizers ?? [])];
  // apps/v1 and most kinds default to background deletion (DeleteDependents).
  const policy = opts.propagationPolicy;
  if (policy === 'Foreground') {
    finalizers = finalizers.filter((f) => f !== 'orphan');
    if (!finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
  } else if (policy === 'Orphan') {
    finalizers = finalizers.filter((f) => f !== 'foregroundDeletion');
    if (!finalizers.includes('orphan')) finalizers.push('orphan');
  } else if (policy === 'Background') {
    finalizers = finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
  }
  const nsFinalizers =
    isNamespace && isObj(obj.spec) ? ((obj.spec.finalizers as string[] | undefined) ?? []) : [];
  const held = finalizers.length > 0 || nsFinalizers.length > 0;
  if (!held) {
    if (opts.dryRun) return { object: obj, pending: false };
    const last = core.store.remove(storageKey(def), def.namespaced ? (m.namespace ?? '') : '', name);
    return { object: last ?? obj, pending: false };
  }
  if (m.deletionTimestamp && deepSame(finalizers, m.finalizers ?? [])) {
    return { object: obj, pending: true };
  }
  const nm = { ...m, finalizers };
  if (!m.deletionTimestamp) {
    nm.deletionTimestamp = rfc3339(core.clock());
    nm.deletionGracePeriodSeconds = 0;
    if ((m.generation ?? 0) > 0) nm.generation = (m.generation ?? 0) + 1;
  }
  let next: Obj = { ...obj, metadata: nm };
  if (isNamespace)
    next = { ...next, status: { ...(isObj(obj.status) ? obj.status : {}), phase: 'Terminating' } };
  if (opts.dryRun) return { object: next, pending: true };
  return { object: core.store.put(storageKey(def), next), pending: true };
}

function deepSame(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
