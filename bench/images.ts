/**
 * The image scan bench: how many registry requests image automation costs when many tenants watch one image.
 * A real registry (docker-registry with token auth, behind the harness's counting proxy), the sandbox and the
 * agent (each in its own process), and per tenant an ImageRepository of the same image with its own
 * dockerconfigjson Secret, plus an ImagePolicy. Once every object is Ready, the registry's request log is read
 * at each interval for `intervals` intervals: tag lists, token requests and everything else. The same is then
 * measured for a per-object scanner (./images-baseline.ts), the way Flux and Argo CD Image Updater scan.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxProcess } from './cluster.js';
import { sleep, startSandbox } from './cluster.js';
import { runPerObjectBaseline } from './images-baseline.js';
import type { BenchRegistry, RegistryCounts } from './images-registry.js';
import { startBenchRegistry } from './images-registry.js';
import { createTenants, readyRepositories, waitTenantsReady } from './images-tenants.js';
import { stewardKindServed } from './ready.js';
import type { ReceiverAgent } from './receiver-agent.js';
import { startReceiverAgent } from './receiver-agent.js';

export interface ImagesBenchOptions {
  mainJs: string;
  env: NodeJS.ProcessEnv;
  settleMs: number;
  tenants: number;
  /** The distinct credentials of the second Steward run (the first has one). */
  credentials: number;
  intervalSeconds: number;
  /** Scan intervals measured once everything is Ready. */
  intervals: number;
  progress: (line: string) => void;
}

/** One measured scanner: the registry's counts per interval of the window. */
export interface ScannerResult {
  scanner: string;
  tenants: number;
  credentials: number;
  intervals: number;
  /** Requests in each interval of the window, in order. */
  perInterval: RegistryCounts[];
  /** The window's sums. */
  total: RegistryCounts;
  /** Steward only: what the agent's steward_image_registry_requests_total grew by over the window. */
  agentRequests?: number;
  /** Steward only: steward_image_scans_total growth over the window, by result. */
  scans?: Record<string, number>;
  /** Steward only: from the first object created until all were Ready. */
  readyMs?: number;
  /** Steward only: ImageRepositories still Ready at the end of the window. */
  readyAtEnd?: number;
  /** Steward only: the agent's warning and error lines, by message. */
  agentWarnings?: Record<string, number>;
}

export interface ImagesBenchResult {
  intervalSeconds: number;
  steward: ScannerResult[];
  baseline: ScannerResult[];
}

/** Interval deltas from rounds + 1 cumulative snapshots. */
function deltas(snapshots: readonly RegistryCounts[]): RegistryCounts[] {
  const out: RegistryCounts[] = [];
  for (let i = 1; i < snapshots.length; i++) {
    const a = snapshots[i - 1] as RegistryCounts;
    const b = snapshots[i] as RegistryCounts;
    out.push({ tagLists: b.tagLists - a.tagLists, tokens: b.tokens - a.tokens, other: b.other - a.other });
  }
  return out;
}

function sum(counts: readonly RegistryCounts[]): RegistryCounts {
  return counts.reduce(
    (a, c) => ({ tagLists: a.tagLists + c.tagLists, tokens: a.tokens + c.tokens, other: a.other + c.other }),
    { tagLists: 0, tokens: 0, other: 0 },
  );
}

/** Sums of a counter's samples in Prometheus text, by the value of `by` (all under '' when omitted). */
export function counterSums(text: string, name: string, by?: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const key = by === undefined ? '' : (new RegExp(`[{,]${by}="([^"]*)"`).exec(line)?.[1] ?? '');
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

async function scrape(agent: ReceiverAgent) {
  const text = await (await fetch(agent.metricsUrl)).text();
  return {
    requests: counterSums(text, 'steward_image_registry_requests_total')[''] ?? 0,
    scans: counterSums(text, 'steward_image_scans_total', 'result'),
  };
}

async function runSteward(
  o: ImagesBenchOptions,
  registry: BenchRegistry,
  root: string,
  credentials: number,
): Promise<ScannerResult> {
  const dir = join(root, `steward-${credentials}`);
  await mkdir(dir, { recursive: true });
  let sandbox: SandboxProcess | undefined;
  let agent: ReceiverAgent | undefined;
  const label = `images (${credentials} credentials)`;
  try {
    sandbox = await startSandbox(o.mainJs, dir, o.settleMs);
    const client = sandbox.client;
    agent = await startReceiverAgent({
      mainJs: o.mainJs,
      dir,
      kubeconfigPath: sandbox.kubeconfigPath,
      env: o.env,
    });
    await stewardKindServed(client, 'imagepolicies');
    const started = performance.now();
    await createTenants(client, {
      registry,
      tenants: o.tenants,
      credentials,
      intervalSeconds: o.intervalSeconds,
    });
    await waitTenantsReady(client, o.tenants, 120_000);
    const readyMs = performance.now() - started;
    o.progress(
      `${label}: ${o.tenants} ImageRepositories and ImagePolicies Ready in ${(readyMs / 1000).toFixed(1)} s; ` +
        `counting for ${o.intervals} intervals of ${o.intervalSeconds} s`,
    );
    const before = await scrape(agent);
    const snapshots = [registry.counts()];
    for (let k = 0; k < o.intervals; k++) {
      await sleep(o.intervalSeconds * 1000);
      snapshots.push(registry.counts());
    }
    const after = await scrape(agent);
    const perInterval = deltas(snapshots);
    const scans: Record<string, number> = {};
    for (const result of new Set([...Object.keys(before.scans), ...Object.keys(after.scans)]))
      scans[result] = (after.scans[result] ?? 0) - (before.scans[result] ?? 0);
    return {
      scanner: 'Steward (shared scans)',
      tenants: o.tenants,
      credentials,
      intervals: o.intervals,
      perInterval,
      total: sum(perInterval),
      agentRequests: after.requests - before.requests,
      scans,
      readyMs,
      readyAtEnd: await readyRepositories(client),
      agentWarnings: agent.warnings(),
    };
  } finally {
    await agent?.child.stop();
    await sandbox?.child.stop();
  }
}

async function runBaseline(
  o: ImagesBenchOptions,
  registry: BenchRegistry,
  tokens: 'per-scan' | 'per-object',
): Promise<ScannerResult> {
  const snapshots = await runPerObjectBaseline({
    registry,
    tenants: o.tenants,
    rounds: o.intervals,
    tokens,
    concurrency: 4,
  });
  const perInterval = deltas(snapshots);
  return {
    scanner:
      tokens === 'per-scan'
        ? 'per-object scanner, a token per scan (Flux)'
        : 'per-object scanner, a token per object',
    tenants: o.tenants,
    // Each object scans with its tenant's account, the registry's accounts taken in turn.
    credentials: registry.accounts.length,
    intervals: o.intervals,
    perInterval,
    total: sum(perInterval),
  };
}

export async function runImagesBench(o: ImagesBenchOptions): Promise<ImagesBenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'steward-bench-images-'));
  let registry: BenchRegistry | undefined;
  try {
    registry = await startBenchRegistry(Math.max(1, o.credentials));
    const steward: ScannerResult[] = [];
    for (const credentials of [...new Set([1, o.credentials])]) {
      o.progress(`images: ${o.tenants} tenants, ${credentials} distinct credentials`);
      steward.push(await runSteward(o, registry, root, credentials));
    }
    o.progress(`images: per-object baseline, ${o.tenants} tenants, ${o.intervals} rounds`);
    const baseline = [
      await runBaseline(o, registry, 'per-scan'),
      await runBaseline(o, registry, 'per-object'),
    ];
    return { intervalSeconds: o.intervalSeconds, steward, baseline };
  } finally {
    await registry?.stop();
    await rm(root, { recursive: true, force: true });
  }
}
