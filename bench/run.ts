/**
 * `npm run bench [-- syncs|receiver|images] [-- --sizes 100,1000 --concurrency 4 ...]`: Steward against Flux's
 * published benchmark shape (N apps × 4 objects), with kubectl's server-side apply of the same objects as the
 * baseline, the receiver latency bench (webhook call to new revision applied), and the image scan bench (registry
 * requests of many tenants watching one image, against a per-object scanner). Prints markdown tables and the target
 * checks, and writes the same data to bench/results/latest.json. A missed target is
 * reported, never an exit status: speed and memory targets live here, not in the tests.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hotSpotsText, summarize } from './cpuprofile.js';
import type { HeapSummary } from './heapsnapshot.js';
import { heapText, summarizeHeap } from './heapsnapshot.js';
import type { ImagesBenchResult } from './images.js';
import { runImagesBench } from './images.js';
import {
  IMAGES_TARGET,
  imagesChecks,
  imagesChecksText,
  imagesDetails,
  imagesTable,
} from './images-report.js';
import type { KubectlResult } from './kubectl.js';
import { runKubectl } from './kubectl.js';
import { killAllNow, stopAll } from './procs.js';
import type { ReceiverBenchResult } from './receiver.js';
import { RECEIVER_TARGETS, runReceiverBench } from './receiver.js';
import { receiverChecks, receiverChecksText, receiverTable } from './receiver-report.js';
import type { SizeResult } from './report.js';
import { checks, checksText, details, TARGETS, table } from './report.js';
import { runSteward } from './steward.js';

const USAGE = `usage: npm run bench -- [syncs] [receiver] [images] [options]
  syncs               only the N-Syncs bench (time, memory, no-op resync, kubectl baseline)
  receiver            only the receiver latency bench (webhook call to new revision applied)
  images              only the image scan bench (registry requests of 50 tenants watching one image)
                      (all of them when none is named)
  --receiver-rounds 30  commit, push and call rounds of the receiver bench
  --image-interval 10   the ImageRepositories' interval in seconds (image bench)
  --image-intervals 6   scan intervals counted once every ImageRepository is Ready (image bench)
  --image-tenants 50    tenants, each with an ImageRepository and an ImagePolicy of the same image
  --image-credentials 5 distinct credentials of the second Steward run (the first has one)
  --sizes 100,1000    app counts to run (each app: a Deployment, ServiceAccount, Service, Ingress)
  --concurrency 4     the agent's concurrency
  --timeout 600       seconds to wait for all Syncs to become Ready (and for the no-op resync)
  --settle 100        the sandbox simulator's settle time in ms
  --plain             no kustomization.yaml in the app directories (Steward reads them without kustomize)
  --no-wait           Syncs without spec.wait (no health checks)
  --no-kubectl        skip the kubectl baseline
  --agent-node-options="..."  NODE_OPTIONS for the agent only, e.g. --agent-node-options="--max-old-space-size=128"
  --cpu-prof          profile the agent (V8 CPU profile) and print where its CPU time went
  --heap-snapshot     snapshot the agent's heap once all Syncs are Ready and print what fills it
  --out FILE          where to write the JSON (default bench/results/latest.json)`;

/** The benches `npm run bench -- <name>` selects; all of them when none is named. */
const BENCHES = ['syncs', 'receiver', 'images'] as const;
type Bench = (typeof BENCHES)[number];

/** The repository root: this file runs as bench/dist/bench/run.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function options() {
  try {
    return parseOptions();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
}

function parseOptions() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      sizes: { type: 'string', default: '100,1000' },
      concurrency: { type: 'string', default: '4' },
      timeout: { type: 'string', default: '600' },
      settle: { type: 'string', default: '100' },
      plain: { type: 'boolean', default: false },
      'no-wait': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'no-kubectl': { type: 'boolean', default: false },
      'heap-snapshot': { type: 'boolean', default: false },
      'agent-node-options': { type: 'string', default: '' },
      'receiver-rounds': { type: 'string', default: '30' },
      'image-interval': { type: 'string', default: '10' },
      'image-intervals': { type: 'string', default: '6' },
      'image-tenants': { type: 'string', default: '50' },
      'image-credentials': { type: 'string', default: '5' },
      out: { type: 'string', default: join(ROOT, 'bench', 'results', 'latest.json') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
    return n;
  };
  const unknown = positionals.filter((p) => !BENCHES.includes(p as Bench));
  if (unknown.length > 0)
    throw new Error(`unknown bench ${unknown.join(', ')}: choose from ${BENCHES.join(', ')}`);
  return {
    benches: positionals.length > 0 ? (positionals as Bench[]) : [...BENCHES],
    receiverRounds: int('receiver-rounds', values['receiver-rounds']),
    imageInterval: int('image-interval', values['image-interval']),
    imageIntervals: int('image-intervals', values['image-intervals']),
    imageTenants: int('image-tenants', values['image-tenants']),
    imageCredentials: int('image-credentials', values['image-credentials']),
    sizes: values.sizes.split(',').map((v) => int('sizes', v.trim())),
    concurrency: int('concurrency', values.concurrency),
    timeoutMs: int('timeout', values.timeout) * 1000,
    settleMs: int('settle', values.settle),
    plain: values.plain,
    wait: !values['no-wait'],
    cpuProf: values['cpu-prof'],
    kubectl: !values['no-kubectl'],
    heapSnapshot: values['heap-snapshot'],
    agentNodeOptions: values['agent-node-options'],
    out: values.out,
  };
}

function progress(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) {
    killAllNow();
    process.exit(130);
  }
  interrupted = true;
  progress(`${signal}: stopping the child processes`);
  // Stopping them makes the run in progress fail, and its finally blocks remove the temp dirs.
  void stopAll();
  setTimeout(() => {
    killAllNow();
    process.exit(130);
  }, 20_000).unref();
}

async function main(): Promise<number> {
  const o = options();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('exit', killAllNow);
  const mainJs = join(ROOT, 'dist', 'cli', 'main.js');
  // The agent renders with kubectl kustomize; the setup step puts kubectl in .tools/bin when PATH lacks it.
  const env = {
    ...process.env,
    PATH: `${join(ROOT, '.tools', 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  };
  const resultsDir = join(ROOT, 'bench', 'results');
  const results: SizeResult[] = [];
  const failures: { n: number; error: string }[] = [];
  const profiles: { n: number; hotSpots: Awaited<ReturnType<typeof summarize>> }[] = [];
  const heaps: { n: number; summary: HeapSummary }[] = [];
  for (const n of o.benches.includes('syncs') ? o.sizes : []) {
    if (interrupted) break;
    try {
      const profileDir = join(resultsDir, 'profiles', `n${n}-${Date.now()}`);
      const cpuProfDir = o.cpuProf ? profileDir : undefined;
      const heapSnapshotDir = o.heapSnapshot ? profileDir : undefined;
      progress(`N=${n}: Steward (concurrency ${o.concurrency})`);
      const steward = await runSteward({
        n,
        concurrency: o.concurrency,
        mainJs,
        env: o.agentNodeOptions ? { ...env, NODE_OPTIONS: o.agentNodeOptions } : env,
        settleMs: o.settleMs,
        plain: o.plain,
        wait: o.wait,
        timeoutMs: o.timeoutMs,
        ...(cpuProfDir ? { cpuProfDir } : {}),
        ...(heapSnapshotDir ? { heapSnapshotDir } : {}),
        progress: (line) => progress(`N=${n}: ${line}`),
      });
      let kubectl: KubectlResult = { skipped: true, applyMs: undefined, objects: 0 };
      if (o.kubectl) {
        progress(`N=${n}: kubectl apply --server-side baseline`);
        kubectl = await runKubectl({ n, mainJs, env, settleMs: o.settleMs, timeoutMs: o.timeoutMs });
      }
      results.push({ steward, kubectl });
      if (cpuProfDir) {
        const file = (await readdir(cpuProfDir)).find((f) => f.endsWith('.cpuprofile'));
        if (file) profiles.push({ n, hotSpots: await summarize(join(cpuProfDir, file), ROOT) });
      }
      if (heapSnapshotDir) {
        const file = (await readdir(heapSnapshotDir)).find((f) => f.endsWith('.heapsnapshot'));
        if (file) heaps.push({ n, summary: await summarizeHeap(join(heapSnapshotDir, file)) });
      }
    } catch (err) {
      if (interrupted) break;
      const error = err instanceof Error ? err.message : String(err);
      failures.push({ n, error });
      progress(`N=${n} failed: ${error}`);
    }
  }
  let receiver: ReceiverBenchResult | undefined;
  if (o.benches.includes('receiver') && !interrupted) {
    try {
      progress(`receiver: ${o.receiverRounds} rounds`);
      receiver = await runReceiverBench({
        mainJs,
        env,
        settleMs: o.settleMs,
        rounds: o.receiverRounds,
        roundTimeoutMs: 30_000,
        progress,
      });
    } catch (err) {
      if (!interrupted) {
        const error = err instanceof Error ? err.message : String(err);
        failures.push({ n: 0, error: `receiver bench: ${error}` });
        progress(`receiver bench failed: ${error}`);
      }
    }
  }
  let images: ImagesBenchResult | undefined;
  if (o.benches.includes('images') && !interrupted) {
    try {
      progress(`images: ${o.imageTenants} tenants, ${o.imageIntervals} intervals of ${o.imageInterval} s`);
      images = await runImagesBench({
        mainJs,
        env,
        settleMs: o.settleMs,
        tenants: o.imageTenants,
        credentials: o.imageCredentials,
        intervalSeconds: o.imageInterval,
        intervals: o.imageIntervals,
        progress,
      });
    } catch (err) {
      if (!interrupted) {
        const error = err instanceof Error ? err.message : String(err);
        failures.push({ n: 0, error: `image bench: ${error}` });
        progress(`image bench failed: ${error}`);
      }
    }
  }
  if (interrupted) return 130;

  const targetChecks = checks(results);
  const machine = `${availableParallelism()} CPUs, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
  const out = [
    // The Sync settings matter to the Sync benches only; the others say what they ran in their own lines.
    o.benches.some((b) => b === 'syncs' || b === 'receiver')
      ? `Steward bench: ${o.plain ? 'plain directories' : 'kustomize directories'}, Sync wait ${o.wait}, ` +
        `agent concurrency ${o.concurrency}${o.agentNodeOptions ? ` (NODE_OPTIONS ${o.agentNodeOptions})` : ''}, ` +
        `simulator settle ${o.settleMs} ms; ${machine}`
      : `Steward bench: ${machine}`,
    ...(results.length > 0
      ? [
          '',
          table(results),
          '',
          'Targets:',
          checksText(targetChecks),
          '',
          'Patch counts include the dry-run applies (the sandbox counts them as patches); writes are proven by ' +
            'resourceVersions. Sync status patches and Events are bookkeeping, counted apart.',
          details(results),
        ]
      : []),
    ...(receiver ? ['', receiverTable(receiver), '', 'Targets:', receiverChecksText(receiver)] : []),
    ...(images
      ? ['', imagesTable(images), imagesDetails(images), '', 'Targets:', imagesChecksText(images)]
      : []),
    ...(o.heapSnapshot
      ? ['(--heap-snapshot: the peak RSS after all were Ready includes the memory of writing the snapshot)']
      : []),
    ...failures.map((f) => `N=${f.n} failed: ${f.error}`),
    ...profiles.map((p) => `\nN=${p.n} agent ${hotSpotsText(p.hotSpots)}`),
    ...heaps.map((h) => `\nN=${h.n} agent heap when all Ready, ${heapText(h.summary)}`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  await mkdir(join(o.out, '..'), { recursive: true });
  await writeFile(
    o.out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: { cpus: availableParallelism(), node: process.version, loadavg: loadavg() },
        options: { ...o, out: undefined },
        targets: { ...TARGETS, receiver: RECEIVER_TARGETS, images: IMAGES_TARGET },
        results,
        checks: targetChecks,
        receiver: receiver ? { ...receiver, checks: receiverChecks(receiver) } : undefined,
        images: images ? { ...images, checks: imagesChecks(images) } : undefined,
        failures,
        profiles,
        heaps,
      },
      null,
      2,
    )}\n`,
  );
  progress(`wrote ${o.out}`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    killAllNow();
    process.exit(1);
  },
);
