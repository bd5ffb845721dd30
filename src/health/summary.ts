/**
 * Folding per-object health into one verdict for a Sync's Ready condition and its events.
 */
import type { Health } from './types.js';

/** One object's health problem. */
export interface HealthIssue {
  /** How the caller names the object, e.g. `Deployment/team-a/web`. */
  ref: string;
  message: string;
}

/** Health of the objects a Sync waited for. */
export interface HealthSummary {
  /** True when every object is Current. */
  ready: boolean;
  failed: HealthIssue[];
  /** Everything neither Current nor Failed: InProgress, Terminating, NotFound, Unknown. */
  inProgress: HealthIssue[];
}

/** How many messages a combined message lists before it only counts; a condition message has to stay short. */
export const maxListedMessages = 5;

/**
 * Sorts results into failed and not-yet-ready. Only Current is ready: an object still terminating, missing
 * or unreadable has not reached the state the Sync applied, so the Sync keeps waiting for it. A NotFound
 * result has no object to name itself by, so its message gets the ref.
 */
export function summarize(results: readonly { ref: string; health: Health }[]): HealthSummary {
  const failed: HealthIssue[] = [];
  const inProgress: HealthIssue[] = [];
  for (const { ref, health } of results) {
    if (health.status === 'Current') continue;
    const message = health.status === 'NotFound' ? `${ref}: ${health.message}` : health.message;
    (health.status === 'Failed' ? failed : inProgress).push({ ref, message });
  }
  return { ready: failed.length === 0 && inProgress.length === 0, failed, inProgress };
}

/**
 * One line for a Sync's condition: a single problem verbatim (`Deployment team-a/web: 1 of 3 updated
 * replicas available`), several listed with a count. Failures come first and alone, because they are why
 * the Sync fails; objects still in progress are only counted next to them.
 */
export function healthMessage(summary: HealthSummary): string {
  if (summary.ready) return 'all health checks passed';
  if (summary.failed.length > 0) {
    const waiting = summary.inProgress.length;
    const suffix = waiting > 0 ? ` (${waiting} more in progress)` : '';
    if (summary.failed.length === 1) return `${summary.failed[0]?.message ?? ''}${suffix}`;
    return `health check failed for ${summary.failed.length} objects: ${list(summary.failed)}${suffix}`;
  }
  if (summary.inProgress.length === 1) return summary.inProgress[0]?.message ?? '';
  return `waiting for ${summary.inProgress.length} objects: ${list(summary.inProgress)}`;
}

function list(issues: readonly HealthIssue[]): string {
  const shown = issues.slice(0, maxListedMessages).map((issue) => issue.message);
  const rest = issues.length - shown.length;
  return rest > 0 ? `${shown.join('; ')}; and ${rest} more` : shown.join('; ');
}
