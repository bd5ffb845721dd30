/**
 * Apply conflicts and their 409 body (apimachinery pkg/util/managedfields/internal/conflict.go,
 * pkg/api/errors/errors.go NewApplyConflict).
 */
import { StatusError } from '../errors.js';
import type { FieldSet } from './fieldset.js';
import { type ManagerEntry, managerKey, printManager } from './managers.js';
import { pathString } from './path.js';
import { compareStrings } from './value.js';

/** One field another manager owns with a different value. */
export interface FieldConflict {
  /** The other manager's name. */
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  /** The other manager's apiVersion; printed for Update managers only. */
  readonly apiVersion: string;
  readonly subresource?: string | undefined;
  /** smd path syntax, e.g. `.spec.template.spec.containers[name="nginx"].image`. */
  readonly path: string;
}

function conflictMessage(conflicts: readonly FieldConflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    return `Apply failed with 1 conflict: conflict with ${printManager(only)}: ${only.path}`;
  }
  // Grouped by manager identifier, in sorted identifier order (getConflictMessage).
  const groups = new Map<string, FieldConflict[]>();
  for (const c of conflicts) {
    const k = managerKey(c);
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const lines: string[] = [];
  for (const k of [...groups.keys()].sort(compareStrings)) {
    const group = groups.get(k) ?? [];
    const [first] = group;
    if (first) lines.push(`conflicts with ${printManager(first)}:`);
    for (const c of group) lines.push(`- ${c.path}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** An apply that would change fields other managers own; `force=true` would have taken them. */
export class ApplyConflictError extends Error {
  override readonly name = 'ApplyConflictError';

  constructor(readonly conflicts: readonly FieldConflict[]) {
    super(conflictMessage(conflicts));
  }

  /** The 409 Conflict the API server answers with, one FieldManagerConflict cause per field. */
  toStatusError(): StatusError {
    return new StatusError(409, 'Conflict', this.message, {
      causes: this.conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(c)}`,
        field: c.path,
      })),
    });
  }
}

/** Flattens conflicting sets into conflicts, by manager identifier, each manager's paths in set order. */
export function conflictsOf(
  sets: ReadonlyMap<string, { entry: ManagerEntry; set: FieldSet }>,
): FieldConflict[] {
  const out: FieldConflict[] = [];
  for (const k of [...sets.keys()].sort(compareStrings)) {
    const c = sets.get(k);
    if (!c) continue;
    const { manager, operation, apiVersion, subresource } = c.entry;
    for (const p of c.set.paths())
      out.push({ manager, operation, apiVersion, subresource, path: pathString(p) });
  }
  return out;
}
