/**
 * The status snapshot, built from data alone: the objects the agent watches, its recent events and its
 * reconcile history in, the JSON model (model.ts) out. No clock or I/O: `now` comes in.
 */
import type { TenancySettings } from './identity.js';
import type { CountsView, EventView, ReadyView, StatusSnapshot, SyncView, TenantView } from './model.js';
import { STATUS_MODEL_VERSION } from './model.js';
import { alertView, providerView, receiverView } from './notification-views.js';
import { byNamespaceAndName, compareStrings, type KubeObject } from './read.js';
import { sourceView } from './source-view.js';
import { type HistoryView, syncView } from './sync-view.js';

export interface SnapshotInput {
  now: Date;
  agentVersion: string;
  tenancy: TenancySettings;
  gitRepositories: readonly KubeObject[];
  syncs: readonly KubeObject[];
  /** Empty when their CRDs are not installed. */
  providers: readonly KubeObject[];
  alerts: readonly KubeObject[];
  receivers: readonly KubeObject[];
  /** Newest first. */
  events: readonly EventView[];
  history: HistoryView;
}

/** Suspended objects count as suspended only, so ready + notReady + suspended = total. */
export function countsOf(items: readonly { ready: ReadyView; suspended: boolean }[]): CountsView {
  const counts = { total: items.length, ready: 0, notReady: 0, suspended: 0 };
  for (const i of items) {
    if (i.suspended) counts.suspended += 1;
    else if (i.ready.status === 'True') counts.ready += 1;
    else counts.notReady += 1;
  }
  return counts;
}

/**
 * One entry per namespace holding Syncs: platform namespaces first, then tenants, each by name. A namespace
 * outside lockdown.platformNamespaces whose Syncs all belong to the platform (bootstrap Syncs) is shown as
 * platform too; it has no tenant Sync in it.
 */
export function tenantsOf(syncs: readonly SyncView[], platformNamespaces: readonly string[]): TenantView[] {
  const byNamespace = new Map<string, SyncView[]>();
  for (const s of syncs) byNamespace.set(s.namespace, [...(byNamespace.get(s.namespace) ?? []), s]);
  const tenants = [...byNamespace].map(([namespace, list]): TenantView => {
    const platform = platformNamespaces.includes(namespace) || list.every((s) => s.role === 'platform');
    const accounts = new Set(list.flatMap((s) => (s.serviceAccount === null ? [] : [s.serviceAccount])));
    return {
      namespace,
      role: platform ? 'platform' : 'tenant',
      serviceAccounts: [...accounts].sort(compareStrings),
      syncs: list.map((s) => s.name).sort(compareStrings),
      counts: countsOf(list),
    };
  });
  const rank = (t: TenantView) => (t.role === 'platform' ? 0 : 1);
  return tenants.sort((a, b) => rank(a) - rank(b) || compareStrings(a.namespace, b.namespace));
}

export function buildSnapshot(input: SnapshotInput): StatusSnapshot {
  const syncs = input.syncs.map((o) => syncView(o, input.tenancy, input.history)).sort(byNamespaceAndName);
  const sources = input.gitRepositories.map((o) => sourceView(o, input.history)).sort(byNamespaceAndName);
  return {
    version: STATUS_MODEL_VERSION,
    generatedAt: input.now.toISOString(),
    agent: { version: input.agentVersion },
    summary: { syncs: countsOf(syncs), sources: countsOf(sources) },
    tenants: tenantsOf(syncs, input.tenancy.platformNamespaces),
    syncs,
    sources,
    notifications: {
      providers: input.providers.map(providerView).sort(byNamespaceAndName),
      alerts: input.alerts.map(alertView).sort(byNamespaceAndName),
      receivers: input.receivers.map(receiverView).sort(byNamespaceAndName),
    },
    events: [...input.events],
  };
}
