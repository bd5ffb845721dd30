/**
 * The ownership bookkeeping of smd merge/update.go: moving changed fields away from other managers (update),
 * and removing fields an applier dropped from its configuration (prune, addBackOwnedItems,
 * addBackDanglingItems). Objects here carry no managedFields.
 */
import type { Obj, Shape } from '../types.js';
import { type Comparison, compare } from './compare.js';
import { ApplyConflictError, conflictsOf } from './conflict.js';
import { FieldSet } from './fieldset.js';
import { ensureNamedFieldsAreMembers, fieldsOf } from './fieldsof.js';
import type { ManagerEntry, Managers } from './managers.js';
import { removeItems } from './remove.js';
import { withZeroValues } from './schema.js';

export interface Updated {
  readonly managers: Managers;
  readonly comparison: Comparison;
}

/**
 * Updater.update: every manager but `self` loses the fields that were removed, and the fields that were added
 * or modified where it owned them. Those would be conflicts, so without `force` they are thrown instead.
 * Managers left with nothing are dropped. `ignored` holds the endpoint's reset fields.
 */
export function updateOwnership(
  oldObj: Obj,
  newObj: Obj,
  managers: Managers,
  self: string,
  shape: Shape,
  force: boolean,
  ignored: FieldSet = new FieldSet(),
): Updated {
  // Fields the endpoint resets move no ownership (Comparison.ExcludeFields).
  const c = compare(withZeroValues(oldObj, shape), withZeroValues(newObj, shape), shape);
  const comparison: Comparison = {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
  const changed = comparison.modified.union(comparison.added);
  const conflicts = new Map<string, { entry: ManagerEntry; set: FieldSet }>();
  for (const [key, entry] of managers) {
    if (key === self) continue;
    const set = entry.set.intersection(changed);
    if (!set.isEmpty()) conflicts.set(key, { entry, set });
  }
  if (!force && conflicts.size > 0) throw new ApplyConflictError(conflictsOf(conflicts));
  const out: Managers = new Map();
  for (const [key, entry] of managers) {
    const set =
      key === self
        ? entry.set
        : entry.set.difference(conflicts.get(key)?.set ?? new FieldSet()).difference(comparison.removed);
    if (!set.isEmpty()) out.set(key, { ...entry, set });
  }
  return { managers: out, comparison };
}

/**
 * Updater.prune: removes what `self` applied last time (`lastSet`) and no longer applies, unless a manager
 * (applier or updater, `self`'s new configuration included) owns it. Struct fields count as owned when anything
 * below them is (EnsureNamedFieldsAreMembers), so a struct goes only when nobody owns any of it.
 */
export function prune(merged: Obj, managers: Managers, lastSet: FieldSet | undefined, shape: Shape): Obj {
  if (lastSet === undefined || lastSet.isEmpty()) return merged;
  const ensure = (s: FieldSet) => ensureNamedFieldsAreMembers(s, shape);
  const last = ensure(lastSet);
  let pruned = removeItems(merged, last, shape);

  // addBackOwnedItems: put back whatever some manager owns.
  let managed = new FieldSet();
  for (const m of managers.values()) managed = managed.union(m.set);
  const mergedSet = ensure(fieldsOf(merged, shape));
  pruned = removeItems(
    merged,
    mergedSet.difference(ensure(fieldsOf(pruned, shape)).union(ensure(managed))),
    shape,
  );

  // addBackDanglingItems: only remove what `self` owned last time; unowned fields stay.
  const prunedSet = ensure(fieldsOf(pruned, shape));
  return removeItems(merged, mergedSet.difference(prunedSet).intersection(last), shape);
}
