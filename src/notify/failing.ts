/**
 * Which objects a failed reconcile is about, for the `steward.dev/failing-objects` event metadata: the objects
 * an apply failed on, the objects a health check found unhealthy, or the one object or file the error names.
 */
import { ApplyError } from '../apply/index.js';
import { ReconcileError } from '../core/types.js';

/** Attaches the objects a failure is about to an error, for {@link failingObjectsOf}. */
export function withFailingObjects<E extends Error>(err: E, objects: readonly string[]): E {
  return Object.assign(err, { failingObjects: [...objects] });
}

/** The objects (as `Kind/namespace/name`) or files a reconcile error is about; empty when it names none. */
export function failingObjectsOf(err: unknown): string[] {
  const attached = (err as { failingObjects?: unknown } | undefined)?.failingObjects;
  if (Array.isArray(attached)) return attached.filter((o): o is string => typeof o === 'string');
  if (err instanceof ApplyError) {
    const subjects = err.failures.map((f) => f.subject).filter((s): s is string => s !== undefined);
    if (subjects.length > 0) return [...new Set(subjects)];
  }
  if (err instanceof ReconcileError && err.subject) return [err.subject];
  return [];
}
