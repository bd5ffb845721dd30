/**
 * One Steward run at size N: a Git server with N app directories, the sandbox and the agent in processes of
 * their own, one GitRepository and N Syncs; timed from the first Sync created until all N are Ready.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentLogSummary, AgentMemory, AgentProcess } from './agent.js';
import { agentMemory, reconcileDurations, scrapeCost, startAgent } from './agent.js';
import type { KubeObject, SandboxProcess } from './cluster.js';
import { createNamespaces, pool, sleep, startSandbox } from './cluster.js';
import { appNamespace, gitTree, PLATFORM_NAMESPACE, SYNCS } from './fixtures.js';
import type { BenchRepo } from './git.js';
import { serveRepo } from './git.js';
import type { NoopResult } from './noop.js';
import { noopResync, syncDone } from './noop.js';
import type { CpuTimes } from './procs.js';
import { trackReady } from './ready.js';

const GROUP_PATH = `/apis/steward.dev/v1alpha1/namespaces/${PLATFORM_NAMESPACE}`;
/** Give up when no Sync has become Ready for this long (stalled Syncs would otherwise run to the timeout). */
const NO_PROGRESS_MS = 90_000;

export interface StewardOptions {
  n: number;
  concurrency: number;
  mainJs: string;
  /** Environment of the agent: its PATH must reach kubectl (kustomize). */
  env: NodeJS.ProcessEnv;
  settleMs: number;
  /** Leave out kustomization.yaml, so Steward reads the directories itself instead of running kustomize. */
  plain: boolean;
  /** Sync spec.wait: health-check every applied object before Ready. */
  wait: boolean;
  timeoutMs: number;
  cpuProfDir?: string;
  /** Write a heap snapshot of the agent here once all Syncs are Ready. */
  heapSnapshotDir?: string;
  progress: (line: string) => void;
}

export interface StewardResult {
  n: number;
  concurrency: number;
  /** From creating the GitRepository until it had an artifact (clone of N×5 files). */
  gitArtifactMs: number;
  /** Creating the N Syncs (the clock keeps running while they are created). */
  createMs: number;
  /** From the first Sync created until all N were Ready; undefined when the timeout came first. */
  readyMs: number | undefined;
  readyCount: number;
  /** Why the Syncs that were not Ready were not, by Ready reason. */
  notReady: Record<string, number>;
  notReadySample: string[];
  /** The agent's peak RSS (VmHWM) at each stage: started, artifact fetched, all Ready, after the no-op resync. */
  agentPeakRssMiBAt: { started?: number; artifact?: number; allReady?: number };
  agentPeakRssMiB: number | undefined;
  /** One LIST of all N Syncs at the end (what polling would have cost the sandbox each time). */
  listCost: { ms: number; bytes: number };
  /** Sync reconciles until all were Ready (retries included) and their mean duration, from the agent's metrics. */
  reconciles: { count: number; meanS: number } | undefined;
  /** One /metrics scrape at the end. */
  scrape: { ms: number; bytes: number } | undefined;
  /** The agent's memory as its /metrics reports it: when all were Ready, and after the no-op resync. */
  agentMemoryAtReady: AgentMemory | undefined;
  agentMemoryAtEnd: AgentMemory | undefined;
  sandboxPeakRssMiB: number | undefined;
  /** CPU seconds of the agent (self) and of its children (kustomize), up to the end of the no-op resync. */
  agentCpu: CpuTimes | undefined;
  sandboxCpu: CpuTimes | undefined;
  noop: NoopResult | undefined;
  agentLogs: AgentLogSummary;
}

function readyCondition(o: KubeObject): { status?: string; reason?: string; message?: string } {
  const conds = (
    (o.status ?? {}) as { conditions?: { type: string; status: string; reason?: string; message?: string }[] }
  ).conditions;
  return conds?.find((c) => c.type === 'Ready') ?? {};
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Has the agent write a heap snapshot (SIGUSR2) and waits until the file is complete. */
async function heapSnapshot(agent: AgentProcess, dir: string): Promise<void> {
  agent.child.signal('SIGUSR2');
  let last = -1;
  for (let i = 0; i < 600; i++) {
    await sleep(1_000);
    const file = (await readdir(dir)).find((f) => f.endsWith('.heapsnapshot'));
    if (!file) continue;
    const { size } = await stat(join(dir, file));
    // V8 writes the snapshot in one go while the agent is paused; a size that holds for a second is final.
    if (size > 0 && size === last) return;
    last = size;
  }
}

export async function runSteward(o: StewardOptions): Promise<StewardResult> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-bench-'));
  let repo: BenchRepo | undefined;
  let sandbox: SandboxProcess | undefined;
  let agent: AgentProcess | undefined;
  try {
    o.progress(`writing a Git repository of ${o.n} apps`);
    repo = await serveRepo(join(dir, 'git'), gitTree(o.n, o.plain));
    sandbox = await startSandbox(o.mainJs, dir, o.settleMs);
    const client = sandbox.client;
    const names = Array.from({ length: o.n }, (_, i) => appNamespace(i));
    await createNamespaces(client, [PLATFORM_NAMESPACE, ...names]);
    if (o.cpuProfDir) await mkdir(o.cpuProfDir, { recursive: true });
    if (o.heapSnapshotDir) await mkdir(o.heapSnapshotDir, { recursive: true });
    agent = await startAgent({
      mainJs: o.mainJs,
      dir,
      kubeconfigPath: sandbox.kubeconfigPath,
      concurrency: o.concurrency,
      env: o.env,
      ...(o.cpuProfDir ? { cpuProfDir: o.cpuProfDir } : {}),
      ...(o.heapSnapshotDir ? { heapSnapshotDir: o.heapSnapshotDir } : {}),
    });
    await waitFor('the Steward CRDs', 30_000, async () => (await client.call('GET', SYNCS)) !== undefined);
    const rssStarted = await agent.child.peakRssMiB();

    const gitStart = Date.now();
    await client.must('POST', `${GROUP_PATH}/gitrepositories`, {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace: PLATFORM_NAMESPACE },
      spec: { url: repo.url, insecure: true, interval: '10m', ref: { branch: 'main' } },
    });
    await waitFor('the GitRepository artifact', 300_000, async () => {
      const r = await client.call<KubeObject>('GET', `${GROUP_PATH}/gitrepositories/fleet`);
      return r !== undefined && readyCondition(r).status === 'True';
    });
    const gitArtifactMs = Date.now() - gitStart;
    const rssArtifact = await agent.child.peakRssMiB();
    o.progress(`GitRepository ready in ${(gitArtifactMs / 1000).toFixed(1)} s; creating ${o.n} Syncs`);

    const tracker = await trackReady(client, SYNCS);
    const t0 = Date.now();
    let createMs = 0;
    let readyMs: number | undefined;
    try {
      await pool(names, 16, async (name) => {
        await client.must('POST', SYNCS, {
          apiVersion: 'steward.dev/v1alpha1',
          kind: 'Sync',
          metadata: { name, namespace: PLATFORM_NAMESPACE },
          spec: {
            sourceRef: { kind: 'GitRepository', name: 'fleet' },
            path: `./apps/${name}`,
            targetNamespace: name,
            interval: '10m',
            timeout: '2m',
            prune: true,
            wait: o.wait,
          },
        });
      });
      createMs = Date.now() - t0;
      const all = await tracker.waitFor(o.n, t0 + o.timeoutMs, NO_PROGRESS_MS, (ready) =>
        o.progress(`${ready}/${o.n} Ready after ${((Date.now() - t0) / 1000).toFixed(0)} s`),
      );
      if (all) readyMs = Date.now() - t0;
    } finally {
      tracker.stop();
    }
    // One LIST confirms the watch's count, and names the reasons of any Sync not Ready.
    const listed = performance.now();
    const items = (await client.list(SYNCS)).items;
    const listCost = { ms: performance.now() - listed, bytes: client.lastResponseBytes };
    const readyCount = items.filter(syncDone).length;
    if (readyCount < o.n) readyMs = undefined;
    const notReady: Record<string, number> = {};
    const notReadySample: string[] = [];
    for (const s of items.filter((x) => !syncDone(x))) {
      const c = readyCondition(s);
      const reason = c.reason ?? 'NoCondition';
      notReady[reason] = (notReady[reason] ?? 0) + 1;
      if (notReadySample.length < 3 && c.message) notReadySample.push(`${s.metadata.name}: ${c.message}`);
    }
    const rssReady = await agent.child.peakRssMiB();
    const agentMemoryAtReady = await agentMemory(agent.metricsUrl);
    const reconciles = await reconcileDurations(agent.metricsUrl).catch(() => undefined);
    o.progress(
      readyMs === undefined
        ? `timed out: ${readyCount}/${o.n} Ready`
        : `all ${o.n} Ready in ${(readyMs / 1000).toFixed(1)} s; no-op resync`,
    );
    if (o.heapSnapshotDir) await heapSnapshot(agent, o.heapSnapshotDir);
    const noop =
      readyMs === undefined ? undefined : await noopResync(client, agent.metricsUrl, names, o.timeoutMs);
    return {
      n: o.n,
      concurrency: o.concurrency,
      gitArtifactMs,
      createMs,
      readyMs,
      readyCount,
      notReady,
      notReadySample,
      agentPeakRssMiBAt: {
        ...(rssStarted !== undefined ? { started: rssStarted } : {}),
        ...(rssArtifact !== undefined ? { artifact: rssArtifact } : {}),
        ...(rssReady !== undefined ? { allReady: rssReady } : {}),
      },
      agentPeakRssMiB: await agent.child.peakRssMiB(),
      listCost,
      reconciles,
      scrape: await scrapeCost(agent.metricsUrl).catch(() => undefined),
      agentMemoryAtReady,
      agentMemoryAtEnd: await agentMemory(agent.metricsUrl),
      sandboxPeakRssMiB: await sandbox.child.peakRssMiB(),
      agentCpu: await agent.child.cpu(),
      sandboxCpu: await sandbox.child.cpu(),
      noop,
      agentLogs: agent.logs(),
    };
  } catch (err) {
    // A request that failed because a child died says little ("fetch failed"): name the child and its last words.
    await sleep(500); // the exit event may trail the failed request
    const dead = [agent?.child, sandbox?.child].find((c) => c?.ended() !== undefined);
    if (!dead) throw err;
    const lines = dead.tail().split('\n').slice(-8).join('\n');
    throw new Error(
      `${dead.name} ended (${dead.ended()}): ${err instanceof Error ? err.message : String(err)}\n${lines}`,
      {
        cause: err,
      },
    );
  } finally {
    await agent?.child.stop();
    await sandbox?.child.stop();
    await repo?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
