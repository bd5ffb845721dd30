/**
 * Namespace tenancy, pure: what a tenant Sync may apply. A tenant is a namespace plus a service account;
 * its Sync may place namespaced objects in its own namespace only, and cluster-scoped kinds only where the
 * platform allows them. The API server's RBAC (through impersonation) enforces the same boundary a second
 * time; this check exists so a violation is refused before anything is applied, with an error naming the
 * object and the file, instead of a partial apply that stops at the first 403.
 */
import type { PlannedObject } from '../core/types.js';
import { Reasons, ReconcileError, refString } from '../core/types.js';

export interface TenantPolicy {
  /** The tenant's namespace: the Sync's own. */
  namespace: string;
  /** Cluster-scoped kinds allowed, as `Kind` (core) or `Kind.group`. */
  allowedClusterKinds: readonly string[];
}

/** `Kind` for the core group, `Kind.group` otherwise, the form the config uses. */
export function groupKind(ref: { group: string; kind: string }): string {
  return ref.group ? `${ref.kind}.${ref.group}` : ref.kind;
}

/** Every violation, so one render reports them all; the error is terminal (only a new revision fixes it). */
export function tenancyViolations(planned: readonly PlannedObject[], policy: TenantPolicy): string[] {
  const allowed = new Set(policy.allowedClusterKinds);
  const out: string[] = [];
  for (const p of planned) {
    const where = `${refString(p.ref)} (${p.source.file})`;
    if (p.ref.namespace === '') {
      if (!allowed.has(groupKind(p.ref))) {
        out.push(
          `${where}: cluster-scoped kind ${groupKind(p.ref)} is not allowed for tenant ${policy.namespace}`,
        );
      }
    } else if (p.ref.namespace !== policy.namespace) {
      out.push(
        `${where}: namespace "${p.ref.namespace}" is outside the tenant namespace "${policy.namespace}"`,
      );
    }
  }
  return out;
}

export function checkTenancy(planned: readonly PlannedObject[], policy: TenantPolicy): void {
  const violations = tenancyViolations(planned, policy);
  if (violations.length === 0) return;
  const shown = violations.slice(0, 5).join('; ');
  const more = violations.length > 5 ? ` (and ${violations.length - 5} more)` : '';
  throw new ReconcileError(
    Reasons.ValidationFailed,
    'terminal',
    `tenancy: ${shown}${more}`,
    violations[0]?.split(' (')[0],
  );
}

/** The identity a Sync applies as: `system:serviceaccount:<ns>:<sa>`. */
export function serviceAccountUser(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}
