/**
 * managedFields for create, update and non-apply patch (apimachinery managedfields/internal/fieldmanager.go
 * Update and UpdateNoErrors, managedfieldsupdater.go, skipnonapplied.go, capmanagers.go).
 */
import { meta, type Obj, type Shape } from '../types.js';
import type { FieldSet } from './fieldset.js';
import { listErrors, stripMeta } from './fieldsof.js';
import {
  capUpdateManagers,
  decodeManagers,
  encodeManagers,
  isResetManagedFields,
  type ManagerEntry,
  type Managers,
  managerKey,
} from './managers.js';
import { resetSet, withManagedFields, withoutManagedFields } from './object.js';
import { zeroValue } from './schema.js';
import { updateOwnership } from './updater.js';

export interface UpdateInput {
  /** The stored object, or undefined on create. */
  old: Obj | undefined;
  /** The object about to be stored; its metadata.managedFields, if set by the client, are honoured. */
  next: Obj;
  manager: string;
  shape: Shape;
  /** The request's group/version, e.g. `apps/v1`. */
  apiVersion: string;
  /** RFC3339 seconds; the manager's entry time when it took fields. */
  now: string;
  /** `status` for writes to /status. */
  subresource?: string;
  /**
   * Field paths the endpoint resets (the strategy's GetResetFields), e.g. `[['status']]` on a main resource
   * with a status subresource: changes there are never owned by this write and take nothing from others.
   */
  resetFields?: readonly (readonly string[])[];
}

/** A key no identifier (JSON) can equal: the operation in progress, as managedFieldsUpdater's "current-operation". */
const CURRENT = '\u0000current-operation';

/**
 * Records a non-apply write: other managers lose what changed, the updater gains it, merged into its previous
 * entry with a new time. A write that changes nothing leaves every entry, time included, as it was.
 */
export function recordUpdate(
  oldObj: Obj,
  newObj: Obj,
  managers: Managers,
  id: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
  shape: Shape,
  now: string,
  ignored: FieldSet,
): Managers {
  const { managers: out, comparison: c } = updateOwnership(
    oldObj,
    newObj,
    managers,
    CURRENT,
    shape,
    true,
    ignored,
  );
  const taken = stripMeta(c.modified.union(c.added).difference(c.removed));
  if (!taken.isEmpty()) {
    const key = managerKey(id);
    const prev = out.get(key);
    out.set(key, { ...id, time: now, set: prev ? taken.union(prev.set) : taken });
  }
  return capUpdateManagers(out);
}

/**
 * Returns `next` with metadata.managedFields updated for a create, PUT or non-apply PATCH by `manager`
 * (operation Update). The managers come from `next` when the client sent any (they may be edited directly),
 * else from `old`; `[{}]` clears them all. Subresource writes always start from `old`. Once an object has no
 * managedFields, updates do not start tracking again: only an apply does. Objects smd could not type (list
 * items without keys) are stored without managedFields, as UpdateNoErrors does.
 */
export function trackUpdate(input: UpdateInput): Obj {
  const { old, next, manager, shape, apiVersion, now, subresource } = input;
  const newObj = withoutManagedFields(next);
  const oldObj = old === undefined ? zeroValue(shape) : withoutManagedFields(old);
  const live = decodeManagers(old === undefined ? undefined : meta(old).managedFields) ?? new Map();
  const sent = meta(next).managedFields;
  let managers: Managers;
  if (subresource !== undefined && subresource !== '') managers = live;
  else if (isResetManagedFields(sent)) managers = new Map();
  else {
    const decoded = decodeManagers(sent);
    managers = decoded !== undefined && decoded.size > 0 ? decoded : live;
  }
  if (old !== undefined && managers.size === 0) return newObj;
  if (listErrors(newObj, shape, true).length > 0 || listErrors(oldObj, shape, true).length > 0) return newObj;
  const id = { manager, operation: 'Update' as const, apiVersion, subresource: subresource || undefined };
  const updated = recordUpdate(oldObj, newObj, managers, id, shape, now, resetSet(input.resetFields));
  return withManagedFields(newObj, encodeManagers(updated));
}
