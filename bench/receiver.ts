/**
 * The receiver latency bench: how long from a Git host's webhook call until the Sync reports the pushed commit
 * applied. A local Git server, the sandbox and the agent (each in its own process), one GitRepository and one
 * Sync of 10 objects that poll only every hour, and a GitHub Receiver. Each round commits and pushes a change,
 * then starts the clock, makes a signed push call, and stops it when a watch on the Sync shows the new revision
 * in status.lastAppliedRevision. A watch on the GitRepository splits the time at the fetch.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WRITE_SPACING_MS } from '../src/receivers/trigger.js';
import type { KubeObject, SandboxClient, SandboxProcess } from './cluster.js';
import { createNamespaces, sleep, startSandbox } from './cluster.js';
import { PLATFORM_NAMESPACE } from './fixtures.js';
import { stewardKindServed } from './ready.js';
import type { ReceiverAgent } from './receiver-agent.js';
import { startReceiverAgent } from './receiver-agent.js';
import type { ReceiverRepo } from './receiver-git.js';
import { serveReceiverRepo } from './receiver-git.js';

/** Our targets for the time from the call to the new revision applied. */
export const RECEIVER_TARGETS = { p50Ms: 1_000, p99Ms: 3_000 } as const;

const NS = PLATFORM_NAMESPACE;
const APP_NS = 'receiver-bench';
const GROUP_PATH = `/apis/steward.dev/v1alpha1/namespaces/${NS}`;
const TOKEN = 'receiver-bench-token';
/** The objects of the Sync: a Deployment, a Service, a ServiceAccount and seven ConfigMaps. */
const CONFIGMAPS = 7;

export interface ReceiverBenchOptions {
  mainJs: string;
  /** Environment of the agent: its PATH must reach kubectl (kustomize). */
  env: NodeJS.ProcessEnv;
  settleMs: number;
  rounds: number;
  /** Time allowed for one round. */
  roundTimeoutMs: number;
  progress: (line: string) => void;
}

/** Percentiles of a set of durations, in milliseconds (nearest rank). */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
  mean: number;
}

export interface ReceiverBenchResult {
  rounds: number;
  /** Rounds that timed out (not in the percentiles). */
  timeouts: number;
  /** Call to the new revision applied by the Sync. */
  applied: Percentiles | undefined;
  /** Call to the GitRepository's artifact at the new revision (the fetch done). */
  fetched: Percentiles | undefined;
  /** Call to its answer (202: the annotation written). */
  answered: Percentiles | undefined;
  samplesMs: number[];
  /** Rounds of BURST calls at once after one push: the first call to applied, and the annotation writes. */
  burst: { rounds: number; calls: number; applied: Percentiles | undefined; writesPerRound: number[] };
  /**
   * Rounds of two pushes ~0.1 s apart, each followed by a call: the second call to its revision applied. The
   * second call lands inside the write spacing, so this is what coalescing costs.
   */
  followUp: { rounds: number; applied: Percentiles | undefined };
  agentWarnings: Record<string, number>;
}

/** Calls per burst round. */
const BURST = 20;
/**
 * Quiet time after each round, so the next call starts outside the receiver's write spacing and each single
 * call stands alone, as pushes seconds apart do; the follow-up rounds measure calls that do not.
 */
const QUIET_MS = Math.max(1_000, 2 * WRITE_SPACING_MS);

/** Nearest-rank percentiles: p99 of 30 samples is the largest. */
export function percentiles(samples: readonly number[]): Percentiles | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1] ?? 0;
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? 0,
    min: sorted[0] ?? 0,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

function files(round: number): Record<string, string> {
  const out: Record<string, string> = {
    'app/kustomization.yaml': `resources:\n${[
      'deployment.yaml',
      'service.yaml',
      'serviceaccount.yaml',
      ...Array.from({ length: CONFIGMAPS }, (_, i) => `config-${i}.yaml`),
    ]
      .map((f) => `  - ${f}\n`)
      .join('')}`,
    'app/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers: [{name: web, image: "ghcr.io/stefanprodan/podinfo:6.7.1"}]
`,
    'app/service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 9898}]\n',
    'app/serviceaccount.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n',
  };
  for (let i = 0; i < CONFIGMAPS; i++)
    out[`app/config-${i}.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-${i}}\ndata: {round: "${i === 0 ? round : 0}"}\n`;
  return out;
}

/** Resolves when a watched object's field ends with a revision; the watch runs for the whole bench. */
class RevisionWatch {
  private readonly waiters = new Set<{ sha: string; resolve: (at: number) => void }>();
  private readonly abort = new AbortController();
  /** When each revision was first seen (performance.now()). */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly client: SandboxClient,
    private readonly path: string,
    private readonly name: string,
    private readonly revisionOf: (o: KubeObject) => string | undefined,
    private readonly onObject: (o: KubeObject) => void = () => {},
  ) {}

  async start(): Promise<void> {
    const list = await this.client.list(this.path);
    for (const o of list.items) this.observe(o);
    let rv = list.metadata.resourceVersion ?? '0';
    const loop = async () => {
      while (!this.abort.signal.aborted) {
        await this.client.watch(
          this.path,
          rv,
          (type, o) => {
            rv = o.metadata.resourceVersion ?? rv;
            if (type === 'ADDED' || type === 'MODIFIED') this.observe(o);
          },
          this.abort.signal,
        );
      }
    };
    loop().catch(() => {});
  }

  /** Resolves with performance.now() of the first event showing `sha`, which may have come already. */
  waitFor(sha: string): Promise<number> {
    const at = this.seen.get(sha);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => this.waiters.add({ sha, resolve }));
  }

  stop(): void {
    this.abort.abort();
  }

  private observe(o: KubeObject): void {
    if (o.metadata.name !== this.name) return;
    this.onObject(o);
    const revision = this.revisionOf(o);
    if (revision === undefined) return;
    const at = performance.now();
    const sha = revision.slice(revision.lastIndexOf(':') + 1);
    if (!this.seen.has(sha)) this.seen.set(sha, at);
    for (const w of [...this.waiters]) {
      if (w.sha !== sha) continue;
      this.waiters.delete(w);
      w.resolve(at);
    }
  }
}

function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, sleep(ms).then(() => undefined)]);
}

async function setUp(client: SandboxClient, repo: ReceiverRepo): Promise<void> {
  await createNamespaces(client, [NS, APP_NS]);
  await client.must('POST', `/api/v1/namespaces/${NS}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'github-webhook', namespace: NS },
    stringData: { token: TOKEN },
  });
  await client.must('POST', `${GROUP_PATH}/gitrepositories`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'app', namespace: NS },
    spec: { url: repo.url, insecure: true, interval: '1h', ref: { branch: 'main' } },
  });
  await client.must('POST', `${GROUP_PATH}/syncs`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'app', namespace: NS },
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'app' },
      path: './app',
      targetNamespace: APP_NS,
      interval: '1h',
      prune: true,
      wait: true,
      timeout: '1m',
    },
  });
  await client.must('POST', `${GROUP_PATH}/receivers`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Receiver',
    metadata: { name: 'github', namespace: NS },
    spec: {
      type: 'github',
      events: ['push'],
      secretRef: { name: 'github-webhook' },
      resources: [{ kind: 'GitRepository', name: 'app' }],
    },
  });
}

async function webhookPath(client: SandboxClient): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const r = await client.call<KubeObject>('GET', `${GROUP_PATH}/receivers/github`);
    const path = (r?.status as { webhookPath?: string } | undefined)?.webhookPath;
    if (path) return path;
    await sleep(100);
  }
  throw new Error('the Receiver never reported a webhook path');
}

/** One signed GitHub push call; resolves with the answer's status. */
async function pushCall(url: string, sha: string): Promise<number> {
  const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': `sha256=${createHmac('sha256', TOKEN).update(body).digest('hex')}`,
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

export async function runReceiverBench(o: ReceiverBenchOptions): Promise<ReceiverBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-bench-receiver-'));
  let repo: ReceiverRepo | undefined;
  let sandbox: SandboxProcess | undefined;
  let agent: ReceiverAgent | undefined;
  const watches: RevisionWatch[] = [];
  try {
    repo = await serveReceiverRepo(join(dir, 'git'), files(0));
    sandbox = await startSandbox(o.mainJs, dir, o.settleMs);
    const client = sandbox.client;
    agent = await startReceiverAgent({
      mainJs: o.mainJs,
      dir,
      kubeconfigPath: sandbox.kubeconfigPath,
      env: o.env,
    });
    await stewardKindServed(client, 'receivers');
    const applied = new RevisionWatch(client, `${GROUP_PATH}/syncs`, 'app', (s) => {
      const r = (s.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision;
      return typeof r === 'string' ? r : undefined;
    });
    const requests = new Set<string>();
    const fetched = new RevisionWatch(
      client,
      `${GROUP_PATH}/gitrepositories`,
      'app',
      (g) => {
        const r = (g.status as { artifact?: { revision?: string } } | undefined)?.artifact?.revision;
        return typeof r === 'string' ? r : undefined;
      },
      (g) => {
        const v = g.metadata.annotations?.['steward.dev/reconcile-requested-at'];
        if (v !== undefined) requests.add(v);
      },
    );
    watches.push(applied, fetched);
    await applied.start();
    await fetched.start();
    await setUp(client, repo);
    const hook = `${agent.webhookUrl}${await webhookPath(client)}`;
    // The first revision comes from the Sync's creation, not from a call: wait for it before the rounds.
    if ((await within(applied.waitFor(repo.head), 120_000)) === undefined)
      throw new Error('the Sync never applied the first revision');
    o.progress(`receiver: Sync of 10 objects Ready; ${o.rounds} rounds of commit, push, call`);

    const samples = { applied: [] as number[], fetched: [] as number[], answered: [] as number[] };
    let timeouts = 0;
    for (let round = 1; round <= o.rounds; round++) {
      const sha = await repo.commit(files(round), `round ${round}`);
      const started = performance.now();
      const status = await pushCall(hook, sha);
      const answeredAt = performance.now();
      if (status !== 202) throw new Error(`round ${round}: the receiver answered ${status}`);
      const [fetchedAt, appliedAt] = await Promise.all([
        within(fetched.waitFor(sha), o.roundTimeoutMs),
        within(applied.waitFor(sha), o.roundTimeoutMs),
      ]);
      if (appliedAt === undefined || fetchedAt === undefined) {
        timeouts += 1;
        o.progress(`receiver: round ${round} timed out`);
        continue;
      }
      samples.answered.push(answeredAt - started);
      samples.fetched.push(fetchedAt - started);
      samples.applied.push(appliedAt - started);
      await sleep(QUIET_MS);
    }

    // Bursts: BURST calls at once for one push; how many annotation writes, and how soon applied.
    const burstRounds = Math.max(1, Math.round(o.rounds / 3));
    const burst = { applied: [] as number[], writes: [] as number[] };
    for (let round = 1; round <= burstRounds; round++) {
      const sha = await repo.commit(files(o.rounds + round), `burst ${round}`);
      const before = requests.size;
      const started = performance.now();
      const statuses = await Promise.all(Array.from({ length: BURST }, () => pushCall(hook, sha)));
      if (statuses.some((st) => st !== 202)) throw new Error(`burst ${round}: answers ${statuses.join(',')}`);
      const appliedAt = await within(applied.waitFor(sha), o.roundTimeoutMs);
      if (appliedAt === undefined) throw new Error(`burst ${round} timed out`);
      burst.applied.push(appliedAt - started);
      await sleep(QUIET_MS);
      burst.writes.push(requests.size - before);
    }
    // Follow-ups: a second push right after a call; its call comes inside the write spacing.
    const followUp: number[] = [];
    for (let round = 1; round <= burstRounds; round++) {
      const first = await repo.commit(files(o.rounds + burstRounds + 2 * round), `follow-up ${round} a`);
      if ((await pushCall(hook, first)) !== 202) throw new Error(`follow-up ${round}: first call refused`);
      const second = await repo.commit(files(o.rounds + burstRounds + 2 * round + 1), `follow-up ${round} b`);
      const started = performance.now();
      if ((await pushCall(hook, second)) !== 202) throw new Error(`follow-up ${round}: second call refused`);
      const appliedAt = await within(applied.waitFor(second), o.roundTimeoutMs);
      if (appliedAt === undefined) throw new Error(`follow-up ${round} timed out`);
      followUp.push(appliedAt - started);
      await sleep(QUIET_MS);
    }
    return {
      burst: {
        rounds: burstRounds,
        calls: BURST,
        applied: percentiles(burst.applied),
        writesPerRound: burst.writes,
      },
      followUp: { rounds: burstRounds, applied: percentiles(followUp) },
      rounds: o.rounds,
      timeouts,
      applied: percentiles(samples.applied),
      fetched: percentiles(samples.fetched),
      answered: percentiles(samples.answered),
      samplesMs: samples.applied.map((v) => Math.round(v)),
      agentWarnings: agent.warnings(),
    };
  } finally {
    for (const w of watches) w.stop();
    await agent?.child.stop();
    await sandbox?.child.stop();
    await repo?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
