/**
 * Server-side apply (smd merge/update.go Updater.Apply, wrapped as the API server wraps it in
 * apimachinery managedfields/internal: structuredmerge.go, skipnonapplied.go, stripmeta.go, capmanagers.go).
 */
import { badRequest } from '../errors.js';
import { isObj, meta, type Obj, type Shape } from '../types.js';
import { fieldsOf, stripMeta } from './fieldsof.js';
import { decodeManagers, encodeManagers, type Managers, managerKey } from './managers.js';
import { merge } from './merge.js';
import { checkTyped, resetSet, withManagedFields, withoutManagedFields } from './object.js';
import { zeroValue } from './schema.js';
import { recordUpdate } from './track.js';
import { prune, updateOwnership } from './updater.js';

export interface ApplyInput {
  /** The stored object with its metadata.managedFields, or undefined when the apply creates it. */
  live: Obj | undefined;
  /** The applied configuration, parsed, with reset fields (such as status on the main resource) removed. */
  applied: Obj;
  manager: string;
  force: boolean;
  shape: Shape;
  /** The request's group/version, e.g. `apps/v1`. */
  apiVersion: string;
  /** RFC3339 seconds, the applier's entry time. */
  now: string;
  /** `status` when applying to /status. */
  subresource?: string;
  /** Field paths the endpoint resets, as for UpdateInput: the applier never owns them. */
  resetFields?: readonly (readonly string[])[];
}

/**
 * Merges `applied` into `live` and returns the result with metadata.managedFields updated. The applier owns
 * exactly the fields of its configuration; what it applied before and dropped now is removed unless another
 * manager owns it. Throws ApplyConflictError (409) when the apply would change a field another manager owns
 * and `force` is false, and a 400 StatusError when the configuration carries managedFields.
 *
 * The applier's entry time is always `now`; a caller detecting no-op applies compares the result with `live`
 * using managedFieldsWithoutTimes, as the API server discards timestamp-only changes.
 */
export function apply(input: ApplyInput): Obj {
  const { applied, manager, force, shape, apiVersion, now } = input;
  const subresource = input.subresource || undefined;
  const ignored = resetSet(input.resetFields);
  if (isObj(applied.metadata) && Array.isArray(applied.metadata.managedFields)) {
    throw badRequest('metadata.managedFields must be nil');
  }
  checkTyped('patch', applied, shape);
  const live = input.live === undefined ? undefined : withoutManagedFields(input.live);
  if (live !== undefined) checkTyped('live', live, shape);

  let managers: Managers = new Map();
  if (input.live !== undefined) managers = decodeManagers(meta(input.live).managedFields) ?? new Map();
  if (live !== undefined && managers.size === 0) {
    // An object nobody tracks yet (created before tracking, or after a reset): its current fields are given to
    // "before-first-apply", so an apply cannot silently take them over (skipNonAppliedManager.Apply).
    const id = { manager: 'before-first-apply', operation: 'Update' as const, apiVersion, subresource };
    managers = recordUpdate(zeroValue(shape), live, managers, id, shape, now, ignored);
  }

  const base = live ?? {};
  const id = { manager, operation: 'Apply' as const, apiVersion, subresource };
  const self = managerKey(id);
  const lastSet = managers.get(self)?.set;
  managers.set(self, { ...id, time: now, set: fieldsOf(applied, shape).recursiveDifference(ignored) });
  const merged = prune(merge(base, structuredClone(applied), shape), managers, lastSet, shape);
  const updated = updateOwnership(base, merged, managers, self, shape, force, ignored).managers;

  const mine = updated.get(self);
  if (mine !== undefined) {
    const set = stripMeta(mine.set);
    if (set.isEmpty()) updated.delete(self);
    else updated.set(self, { ...mine, set });
  }
  // capManagersManager.Apply does not cap: only updates (before-first-apply included) do.
  return withManagedFields(merged, encodeManagers(updated));
}
