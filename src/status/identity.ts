/**
 * Whom a Sync belongs to and whom it applies as, for display. The same rule the Sync reconciler enforces
 * (src/reconcile/sync.ts identityOf), over plain data.
 */
import type { TenantRole } from './model.js';

export interface TenancySettings {
  /** lockdown.platformNamespaces. */
  platformNamespaces: readonly string[];
  /** The Syncs among the config's bootstrap objects: they belong to the platform wherever they live. */
  bootstrapSyncs: readonly { namespace: string; name: string }[];
  /** The config's defaultServiceAccount. */
  defaultServiceAccount?: string | undefined;
}

export interface SyncIdentity {
  role: TenantRole;
  /** null: the Sync acts as the agent. */
  serviceAccount: string | null;
}

/**
 * Platform Syncs act as the agent unless they name a service account; a tenant's acts as its
 * serviceAccountName, else the configured default, else its namespace's `default` account.
 */
export function syncIdentity(
  sync: { namespace: string; name: string; serviceAccountName?: string | undefined },
  settings: TenancySettings,
): SyncIdentity {
  const platform =
    settings.platformNamespaces.includes(sync.namespace) ||
    settings.bootstrapSyncs.some((b) => b.namespace === sync.namespace && b.name === sync.name);
  if (platform) return { role: 'platform', serviceAccount: sync.serviceAccountName ?? null };
  return {
    role: 'tenant',
    serviceAccount: sync.serviceAccountName ?? settings.defaultServiceAccount ?? 'default',
  };
}
