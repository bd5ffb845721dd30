/**
 * The status snapshot, built from data alone: the objects the agent watches, its recent events and its
 * reconcile history in, the JSON model (model.ts) out. No clock or I/O: `now` comes in.
 */
import { str } from '../health/fields.js';
import type { TenancySettings } from './identity.js';
import { imagePolicyView, imageRepositoryView, imageUpdateAutomationView } from './image-views.js';
import type {
  CountsView,
  EventView,
  ReadyView,
  SourceView,
  StatusSnapshot,
  SyncView,
  TenantView,
} from './model.js';
import { STATUS_MODEL_VERSION } from './model.js';
import { alertView, providerView, receiverView } from './notification-views.js';
import { byNamespaceAndName, compareStrings, type KubeObject, nameOf } from './read.js';
import { helmRepositoryView, sourceView } from './source-view.js';
import { type HistoryView, syncView } from './sync-view.js';

export interface SnapshotInput {
  now: Date;
  agentVersion: string;
  tenancy: TenancySettings;
  gitRepositories: readonly KubeObject[];
  syncs: readonly KubeObject[];
  helmRepositories: readonly KubeObject[];
  imageRepositories: readonly KubeObject[];
  imagePolicies: readonly KubeObject[];
  imageUpdateAutomations: readonly KubeObject[];
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

/** An object that counts towards its namespace's image automation. */
interface NamespacedState {
  namespace: string;
  ready: ReadyView;
  suspended: boolean;
}

function groupBy<T extends { namespace: string }>(items: readonly T[]): Map<string, T[]> {
  const by = new Map<string, T[]>();
  for (const i of items) by.set(i.namespace, [...(by.get(i.namespace) ?? []), i]);
  return by;
}

/**
 * One entry per namespace holding Syncs or image automation objects: platform namespaces first, then tenants,
 * each by name. A namespace outside lockdown.platformNamespaces whose Syncs all belong to the platform
 * (bootstrap Syncs) is shown as platform too; it has no tenant Sync in it. One with image objects and no Syncs
 * is a tenant's unless it is a platform namespace: nothing there says the platform put it there.
 */
export function tenantsOf(
  syncs: readonly SyncView[],
  platformNamespaces: readonly string[],
  images: readonly NamespacedState[] = [],
): TenantView[] {
  const syncsBy = groupBy(syncs);
  const imagesBy = groupBy(images);
  const namespaces = new Set([...syncsBy.keys(), ...imagesBy.keys()]);
  const tenants = [...namespaces].map((namespace): TenantView => {
    const list = syncsBy.get(namespace) ?? [];
    const platform =
      platformNamespaces.includes(namespace) || (list.length > 0 && list.every((s) => s.role === 'platform'));
    const accounts = new Set(list.flatMap((s) => (s.serviceAccount === null ? [] : [s.serviceAccount])));
    return {
      namespace,
      role: platform ? 'platform' : 'tenant',
      serviceAccounts: [...accounts].sort(compareStrings),
      syncs: list.map((s) => s.name).sort(compareStrings),
      counts: countsOf(list),
      images: countsOf(imagesBy.get(namespace) ?? []),
    };
  });
  const rank = (t: TenantView) => (t.role === 'platform' ? 0 : 1);
  return tenants.sort((a, b) => rank(a) - rank(b) || compareStrings(a.namespace, b.namespace));
}

/** By namespace and name; a GitRepository and a HelmRepository of the same name, by kind. */
function bySource(a: SourceView, b: SourceView): number {
  return byNamespaceAndName(a, b) || compareStrings(a.kind, b.kind);
}

/** The branch each GitRepository follows, for the automations that write to it. */
function branches(
  gitRepositories: readonly KubeObject[],
): (namespace: string, name: string) => string | null {
  const by = new Map<string, string>();
  for (const o of gitRepositories) {
    const branch = str(o, 'spec.ref.branch', '');
    const { namespace, name } = nameOf(o);
    if (branch !== '') by.set(`${namespace}/${name}`, branch);
  }
  return (namespace, name) => by.get(`${namespace}/${name}`) ?? null;
}

export function buildSnapshot(input: SnapshotInput): StatusSnapshot {
  const h = input.history;
  const syncs = input.syncs.map((o) => syncView(o, input.tenancy, h)).sort(byNamespaceAndName);
  const sources = [
    ...input.gitRepositories.map((o) => sourceView(o, h)),
    ...input.helmRepositories.map((o) => helmRepositoryView(o, h)),
  ].sort(bySource);
  const branchOf = branches(input.gitRepositories);
  const images = {
    repositories: input.imageRepositories.map((o) => imageRepositoryView(o, h)).sort(byNamespaceAndName),
    policies: input.imagePolicies.map((o) => imagePolicyView(o, h)).sort(byNamespaceAndName),
    automations: input.imageUpdateAutomations
      .map((o) => imageUpdateAutomationView(o, h, branchOf))
      .sort(byNamespaceAndName),
  };
  return {
    version: STATUS_MODEL_VERSION,
    generatedAt: input.now.toISOString(),
    agent: { version: input.agentVersion },
    summary: {
      syncs: countsOf(syncs),
      sources: countsOf(sources),
      imageRepositories: countsOf(images.repositories),
      imagePolicies: countsOf(images.policies),
      imageUpdateAutomations: countsOf(images.automations),
    },
    tenants: tenantsOf(syncs, input.tenancy.platformNamespaces, [
      ...images.repositories,
      ...images.policies,
      ...images.automations,
    ]),
    syncs,
    sources,
    images,
    notifications: {
      providers: input.providers.map(providerView).sort(byNamespaceAndName),
      alerts: input.alerts.map(alertView).sort(byNamespaceAndName),
      receivers: input.receivers.map(receiverView).sort(byNamespaceAndName),
    },
    events: [...input.events],
  };
}
