/**
 * The no-op resync: every Sync is asked to reconcile again (the reconcile-requested-at annotation) with nothing
 * changed in Git or in the cluster. It should read, dry-run, and write nothing. The sandbox counts requests by
 * verb but cannot tell a dry-run PATCH from a real one, so writes are proven from resourceVersions instead: the
 * applied objects' own, and the cluster-wide counter, which may move only by the bench's annotation writes and
 * by the Sync status patches and Events the counters show.
 */
import { reconcileDurations, syncReconciles } from './agent.js';
import type { KubeObject, RequestCount, SandboxClient } from './cluster.js';
import { pool, sleep } from './cluster.js';
import { SYNCS } from './fixtures.js';

const REQUEST_ANNOTATION = 'steward.dev/reconcile-requested-at';
const OWNER_LABEL = 'steward.dev/name';
/** The kinds the bench's Syncs apply, listed across namespaces by Steward's owner label. */
const APPLIED = [
  '/apis/apps/v1/deployments',
  '/api/v1/services',
  '/api/v1/serviceaccounts',
  '/apis/networking.k8s.io/v1/ingresses',
];
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const APPLIED_RESOURCES = new Set(['deployments', 'services', 'serviceaccounts', 'ingresses']);

export interface NoopResult {
  /** From the first annotation write until the agent had finished N more Sync reconciles. */
  durationMs: number;
  completed: boolean;
  /** Sync reconciles the agent finished during the resync (N if each ran once), and their mean duration. */
  reconciles: { count: number; meanS: number } | undefined;
  annotationWrites: number;
  /** The agent's requests (the bench's own taken out), by verb, per Sync. */
  perSyncByVerb: Record<string, number>;
  perSyncTotal: number;
  /** The agent's requests by verb, group and resource, in total. */
  requests: RequestCount[];
  /** PATCHes of applied objects: dry-run and real alike (the counters cannot tell them apart). */
  appliedPatches: number;
  syncStatusPatches: number;
  eventsCreated: number;
  /** Other write requests the counters show (create, update, patch, delete of anything else). */
  otherWrites: number;
  otherWriteRequests: RequestCount[];
  appliedObjects: number;
  /** Applied objects whose resourceVersion moved: real writes. */
  appliedObjectsWritten: number;
  globalRvDelta: number;
  /** Global resourceVersion moves not explained by annotations, Sync status patches and Events. */
  globalRvUnexplained: number;
  /** Syncs whose status changed in anything but lastHandledReconcileAt (the requested-reconcile receipt). */
  syncStatusChanged: number;
}

/** Each Sync's status without the receipt of the reconcile request, as JSON. */
async function syncStatuses(client: SandboxClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of (await client.list(SYNCS)).items) {
    const { lastHandledReconcileAt: _receipt, ...rest } = s.status ?? {};
    out.set(s.metadata.name, JSON.stringify(rest));
  }
  return out;
}

async function appliedVersions(client: SandboxClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const path of APPLIED) {
    const l = await client.list(`${path}?labelSelector=${encodeURIComponent(OWNER_LABEL)}`);
    for (const o of l.items) {
      out.set(`${path}|${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion ?? '');
    }
  }
  return out;
}

/** Waits until the agent's finished-reconcile count has not moved for `quietMs`. */
export async function waitQuiet(metricsUrl: string, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await syncReconciles(metricsUrl);
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() < deadline) {
    await sleep(250);
    const now = await syncReconciles(metricsUrl);
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

/**
 * Waits until every Sync has handled the request: its status names the request (lastHandledReconcileAt, the
 * cheap signal, read from a LIST every 500 ms), or the agent's finished-reconcile count grew by N (a slower
 * /metrics poll: a scrape of N Syncs' series costs the agent real CPU, so it is not polled often).
 */
async function waitHandled(
  client: SandboxClient,
  metricsUrl: string,
  stamp: string,
  n: number,
  reconciledBefore: number,
  deadline: number,
): Promise<boolean> {
  for (let i = 1; ; i++) {
    const handled = (await client.list(SYNCS)).items.filter(
      (s) => (s.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === stamp,
    ).length;
    if (handled >= n) return true;
    if (i % 20 === 0 && (await syncReconciles(metricsUrl)) >= reconciledBefore + n) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

function subtract(all: readonly RequestCount[], own: readonly RequestCount[]): RequestCount[] {
  const key = (r: RequestCount) => JSON.stringify([r.verb, r.group, r.resource]);
  const mine = new Map(own.map((r) => [key(r), r.count]));
  return all.map((r) => ({ ...r, count: r.count - (mine.get(key(r)) ?? 0) })).filter((r) => r.count !== 0);
}

export async function noopResync(
  client: SandboxClient,
  metricsUrl: string,
  names: readonly string[],
  timeoutMs: number,
): Promise<NoopResult> {
  const n = names.length;
  await waitQuiet(metricsUrl, 2_000, 60_000);
  const before = await appliedVersions(client);
  const statusBefore = await syncStatuses(client);
  const reconciled = await syncReconciles(metricsUrl);
  const durationsBefore = await reconcileDurations(metricsUrl).catch(() => undefined);
  const rv0 = await client.globalResourceVersion();
  await client.resetCounters();
  const stamp = new Date().toISOString();
  const started = Date.now();
  await pool(names, 16, async (name) => {
    await client.must(
      'PATCH',
      `${SYNCS}/${name}`,
      { metadata: { annotations: { [REQUEST_ANNOTATION]: stamp } } },
      'application/merge-patch+json',
    );
  });
  const completed = await waitHandled(client, metricsUrl, stamp, n, reconciled, started + timeoutMs);
  const durationMs = Date.now() - started;
  // Events are sent without waiting for them: give the last ones time to land.
  await sleep(1_500);
  const durationsAfter = await reconcileDurations(metricsUrl).catch(() => undefined);
  const reconciles =
    durationsBefore && durationsAfter
      ? {
          count: durationsAfter.count - durationsBefore.count,
          meanS:
            (durationsAfter.meanS * durationsAfter.count - durationsBefore.meanS * durationsBefore.count) /
            Math.max(1, durationsAfter.count - durationsBefore.count),
        }
      : undefined;
  const requests = subtract(await client.counters(), client.ownRequests());
  const rv1 = await client.globalResourceVersion();
  const after = await appliedVersions(client);
  const statusAfter = await syncStatuses(client);

  const sum = (f: (r: RequestCount) => boolean) => requests.filter(f).reduce((s, r) => s + r.count, 0);
  const byVerb: Record<string, number> = {};
  for (const r of requests) byVerb[r.verb] = (byVerb[r.verb] ?? 0) + r.count / n;
  const appliedPatches = sum((r) => r.verb === 'patch' && APPLIED_RESOURCES.has(r.resource));
  const syncStatusPatches = sum(
    (r) => (r.verb === 'patch' || r.verb === 'update') && r.group === 'steward.dev' && r.resource === 'syncs',
  );
  const eventsCreated = sum((r) => r.verb === 'create' && r.resource === 'events');
  const otherWriteRequests = requests.filter(
    (r) =>
      WRITE_VERBS.has(r.verb) &&
      !APPLIED_RESOURCES.has(r.resource) &&
      r.resource !== 'events' &&
      !(r.group === 'steward.dev' && r.resource === 'syncs'),
  );
  const otherWrites = otherWriteRequests.reduce((t, r) => t + r.count, 0);
  let written = 0;
  for (const [k, v] of after) if (before.get(k) !== v) written++;
  const globalRvDelta = rv1 - rv0;
  return {
    durationMs,
    completed,
    reconciles,
    annotationWrites: n,
    perSyncByVerb: byVerb,
    perSyncTotal: sum(() => true) / n,
    requests,
    appliedPatches,
    syncStatusPatches,
    eventsCreated,
    otherWrites,
    otherWriteRequests,
    appliedObjects: after.size,
    appliedObjectsWritten: written + [...before.keys()].filter((k) => !after.has(k)).length,
    globalRvDelta,
    globalRvUnexplained: globalRvDelta - n - syncStatusPatches - eventsCreated,
    syncStatusChanged: [...statusAfter].filter(([k, v]) => statusBefore.get(k) !== v).length,
  };
}

/** Ready=True for the current generation, with a revision applied. */
export function syncDone(o: KubeObject): boolean {
  const status = (o.status ?? {}) as {
    observedGeneration?: number;
    lastAppliedRevision?: string;
    conditions?: { type: string; status: string }[];
  };
  return (
    !!status.lastAppliedRevision &&
    status.observedGeneration === (o.metadata.generation ?? 1) &&
    (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}
