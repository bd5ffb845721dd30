/** The agent under test: `steward run` from the build, in its own process, and what the bench reads from it. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonLine } from './cluster.js';
import type { Child } from './procs.js';
import { startNode } from './procs.js';

export interface AgentLogSummary {
  /** Warning and error lines by message. */
  warnings: Record<string, number>;
  /** A few of the first warning and error lines' error fields, for the report. */
  samples: string[];
}

export interface AgentProcess {
  child: Child;
  metricsUrl: string;
  logs(): AgentLogSummary;
}

interface LogLine {
  level?: number;
  msg?: string;
  port?: number;
  error?: string;
  reason?: string;
  key?: string;
}

const WARN = 40;

export interface AgentStartOptions {
  mainJs: string;
  dir: string;
  kubeconfigPath: string;
  concurrency: number;
  env: NodeJS.ProcessEnv;
  /** Write a V8 CPU profile of the agent into this directory when it exits. */
  cpuProfDir?: string;
  /** Let SIGUSR2 write a heap snapshot into this directory (the agent's working directory). */
  heapSnapshotDir?: string;
}

export async function startAgent(o: AgentStartOptions): Promise<AgentProcess> {
  const configPath = join(o.dir, 'steward.yaml');
  await writeFile(
    configPath,
    [
      `concurrency: ${o.concurrency}`,
      'ports: {metrics: 0, health: 0, webhook: 0}',
      `artifactsDir: ${join(o.dir, 'artifacts')}`,
      'leaderElection: {enabled: false}',
      '',
    ].join('\n'),
  );
  const warnings: Record<string, number> = {};
  const samples: string[] = [];
  const child = startNode({
    name: 'agent',
    args: [
      ...(o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : []),
      ...(o.heapSnapshotDir ? ['--heapsnapshot-signal=SIGUSR2'] : []),
      o.mainJs,
      'run',
      '--config',
      configPath,
      '--kubeconfig',
      o.kubeconfigPath,
      '--install-crds',
      '--allow-insecure-http',
      '--log-level',
      'info',
    ],
    env: o.env,
    ...(o.heapSnapshotDir ? { cwd: o.heapSnapshotDir } : {}),
    onLine: (line) => {
      const l = jsonLine<LogLine>(line);
      if (!l || (l.level ?? 0) < WARN) return;
      const msg = l.msg ?? '(no message)';
      warnings[msg] = (warnings[msg] ?? 0) + 1;
      if (samples.length < 5) samples.push(`${msg}: ${l.reason ?? ''} ${l.error ?? ''}`.trim());
    },
  });
  try {
    const port = await child.waitForLine((line) => {
      const l = jsonLine<LogLine>(line);
      return l?.msg === 'agent started' ? l.port : undefined;
    }, 60_000);
    return {
      child,
      metricsUrl: `http://127.0.0.1:${port}/metrics`,
      logs: () => ({ warnings: { ...warnings }, samples: [...samples] }),
    };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** The sum of a metric's series for Syncs, from the text of /metrics. */
function sumForSyncs(text: string, metric: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) && line.includes('kind="Sync"')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

/** How many Sync reconciles have finished, from `steward_reconcile_total` on the agent's /metrics. */
export async function syncReconciles(metricsUrl: string): Promise<number> {
  return sumForSyncs(await (await fetch(metricsUrl)).text(), 'steward_reconcile_total');
}

/** Sync reconciles so far and their mean duration (seconds), from `steward_reconcile_duration_seconds`. */
export async function reconcileDurations(metricsUrl: string): Promise<{ count: number; meanS: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const count = sumForSyncs(text, 'steward_reconcile_duration_seconds_count');
  return { count, meanS: sumForSyncs(text, 'steward_reconcile_duration_seconds_sum') / Math.max(1, count) };
}

/** The agent's own view of its memory, in MiB, from prom-client's default metrics. */
export interface AgentMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export async function agentMemory(metricsUrl: string): Promise<AgentMemory | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? Number.NaN : Number(line.slice(name.length + 1)) / 1024 / 1024;
  };
  const m = {
    rss: value('process_resident_memory_bytes'),
    heapUsed: value('nodejs_heap_size_used_bytes'),
    heapTotal: value('nodejs_heap_size_total_bytes'),
    external: value('nodejs_external_memory_bytes'),
  };
  return Number.isNaN(m.rss) ? undefined : m;
}

/** What one scrape of /metrics costs: wall time (the agent's event loop is busy for most of it) and size. */
export async function scrapeCost(metricsUrl: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const text = await (await fetch(metricsUrl)).text();
  return { ms: performance.now() - started, bytes: Buffer.byteLength(text) };
}
