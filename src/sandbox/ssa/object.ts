/** Object plumbing shared by apply and update tracking. */
import { StatusError } from '../errors.js';
import { isObj, type ManagedFieldsEntry, meta, type Obj, type Shape } from '../types.js';
import { FieldSet } from './fieldset.js';
import { listErrors } from './fieldsof.js';
import { fieldElement } from './path.js';

/** A deep copy of `obj` without metadata.managedFields: the engine keeps ownership apart from the object. */
export function withoutManagedFields(obj: Obj): Obj {
  const out = structuredClone(obj);
  if (isObj(out.metadata)) delete out.metadata.managedFields;
  return out;
}

/** Sets metadata.managedFields (last, where ObjectMeta declares it), or removes it when there are none. */
export function withManagedFields(obj: Obj, entries: readonly ManagedFieldsEntry[]): Obj {
  const m: Obj = isObj(obj.metadata) ? obj.metadata : {};
  delete m.managedFields;
  if (entries.length > 0) m.managedFields = [...entries];
  obj.metadata = m;
  return obj;
}

/** `ns/name; apps/v1, Kind=Deployment`, as objectGVKNN prints an object (core group: `/v1, Kind=ConfigMap`). */
function gvknn(obj: Obj): string {
  const m = meta(obj);
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  return `${m.namespace ?? ''}/${m.name ?? ''}; ${gv}, Kind=${kind}`;
}

/**
 * Fails the way the API server does when smd cannot type an object (structuredmerge.go): a plain Go error,
 * hence a 500 with no reason, e.g. `failed to create typed patch object (ns/x; /v1, Kind=Pod): .spec.containers:
 * element 0: associative list with keys has an element that omits key field "name" (and doesn't have default
 * value)`.
 */
export function checkTyped(what: 'patch' | 'live', obj: Obj, shape: Shape): void {
  const errs = listErrors(obj, shape, what === 'live');
  if (errs.length === 0) return;
  const detail = errs.length === 1 ? errs[0] : ['errors:', ...errs.map((e) => `  ${e}`)].join('\n');
  throw new StatusError(500, '', `failed to create typed ${what} object (${gvknn(obj)}): ${detail}`);
}

/** The endpoint's reset fields as a set: `[['status']]` for a main resource, `[['spec']]` for /status. */
export function resetSet(paths: readonly (readonly string[])[] | undefined): FieldSet {
  return FieldSet.of(...(paths ?? []).map((p) => p.map(fieldElement)));
}
