/**
 * SIGKILL at random points of a rollout, fifty times over, against the built agent in a child process: a kill
 * must never cost data. Each run commits the next revision (the two revisions alternate, so every run both
 * applies and prunes), kills the agent at a seeded random instant, restarts it over the same artifacts, and
 * waits until the Sync is Ready at that revision. Then the live objects must be exactly the revision's (nothing
 * orphaned, nothing missing), and no object the revision holds may have been deleted on the way. Deletions are
 * attributed to runs by their resourceVersion (the sandbox has one global counter), not by wall-clock time.
 *
 * Odd runs kill a warm agent a random time after it stored the new artifact (render, apply, prune or the status
 * write); even runs start a cold agent after the commit and kill it a random time after the spawn (informers,
 * fetch, render, apply). The windows come from the logged stage times of the agents themselves, so a slow machine
 * moves the kills with it; the seed (printed, or STEWARD_KILL_SEED) fixes where in the windows they land.
 * STEWARD_KILL_RUNS shortens the loop while working on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient, Obj } from '../../../src/kube/index.js';
import { kubeClient } from '../../../src/kube/index.js';
import type { AgentProcess } from '../../harness/agent-process.js';
import { AgentLauncher } from '../../harness/agent-process.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

const RUNS = Number(process.env.STEWARD_KILL_RUNS ?? 50);
const NS = 'crash';
const SYNC = '/apis/steward.dev/v1alpha1/namespaces/default/syncs/app';
const SHARED = Array.from({ length: 15 }, (_, i) => `shared-${String(i).padStart(2, '0')}`);
type Side = 'one' | 'two';
const only = (side: Side) => Array.from({ length: 10 }, (_, i) => `${side}-${String(i).padStart(2, '0')}`);

/** The Sync's inventory ids of a revision side (`namespace_name_group_Kind`). */
function inventoryOf(side: Side): Set<string> {
  return new Set(
    [...objectsOf(side)].map((key) => {
      const [kind = '', name = ''] = key.split('/');
      if (kind === 'Namespace') return `_${name}__Namespace`;
      return `${NS}_${name}_${kind === 'Deployment' ? 'apps' : ''}_${kind}`;
    }),
  );
}

/** `Kind/name` of every object of a revision side (the Namespace included). */
function objectsOf(side: Side): Set<string> {
  return new Set([
    `Namespace/${NS}`,
    ...[...SHARED, ...only(side)].map((n) => `ConfigMap/${n}`),
    'Deployment/web',
    `Deployment/batch-${side}`,
  ]);
}

function revisionFiles(side: Side, tag: string, extra: readonly string[] = []): Record<string, string> {
  const docs = [
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`,
    ...[...SHARED, ...only(side), ...extra].map(
      (name) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\ndata:\n  tag: "${tag}"\n`,
    ),
    deployment('web', tag),
    deployment(`batch-${side}`, tag),
  ];
  return {
    'app/kustomization.yaml': 'resources: [objects.yaml]\n',
    'app/objects.yaml': docs.join('---\n'),
  };
}

function deployment(name: string, tag: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations: {tag: "${tag}"}
    spec:
      containers:
      - name: main
        image: nginx:1.27
`;
}

/** mulberry32: a small seeded PRNG, so a failing run's kill delays can be replayed from the printed seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Deleted {
  key: string;
  rv: number;
}

/** Watches the Sync's kinds (and its Namespace) for the whole file and keeps every DELETED event. */
class DeletionWatch {
  readonly deleted: Deleted[] = [];
  /** ERROR events (410 Expired would mean missed events): must stay empty. */
  readonly errors: string[] = [];
  /** Bookmarks received per kind: the sandbox sends one every 200 ms, after every event written before it. */
  readonly #marks = new Map<string, number>();
  readonly #abort = new AbortController();
  readonly #loops: Promise<void>[] = [];

  constructor(private readonly client: KubeClient) {}

  start(): void {
    this.#loops.push(
      this.#run('v1', 'ConfigMap', NS),
      this.#run('apps/v1', 'Deployment', NS),
      this.#run('v1', 'Namespace', undefined),
    );
  }

  async #run(apiVersion: string, kind: string, namespace: string | undefined): Promise<void> {
    let rv: string | undefined;
    while (!this.#abort.signal.aborted) {
      try {
        await this.client.watch(
          apiVersion,
          kind,
          {
            ...(namespace ? { namespace } : {}),
            ...(rv ? { resourceVersion: rv } : {}),
            timeoutSeconds: 900,
          },
          (type, obj) => {
            const meta = (obj.metadata ?? {}) as { name?: string; resourceVersion?: string };
            if (type === 'ERROR') {
              this.errors.push(`${kind}: ${JSON.stringify(obj)}`);
              return;
            }
            rv = meta.resourceVersion ?? rv;
            const n = Number(rv);
            if (type === 'BOOKMARK') this.#marks.set(kind, (this.#marks.get(kind) ?? 0) + 1);
            if (type === 'DELETED' && (kind !== 'Namespace' || meta.name === NS))
              this.deleted.push({ key: `${kind}/${meta.name ?? ''}`, rv: n });
          },
          this.#abort.signal,
        );
      } catch (err) {
        this.errors.push(`${kind}: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /**
   * Waits until every watch has had two more bookmarks: the second was written after this call, so every event
   * before this call has been delivered ahead of it.
   */
  async caughtUp(): Promise<void> {
    const before = new Map(this.#marks);
    await eventually(
      () =>
        ['ConfigMap', 'Deployment', 'Namespace'].every(
          (k) => (this.#marks.get(k) ?? 0) >= (before.get(k) ?? 0) + 2,
        )
          ? true
          : undefined,
      10_000,
      'the watches to catch up',
    );
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.allSettled(this.#loops);
  }
}

type KillPoint = 'before any write' | 'partly written' | 'written, status pending' | 'after the status';

interface RunRecord {
  run: number;
  mode: 'warm' | 'cold';
  delayMs: number;
  point: KillPoint;
  recoveryMs: number;
  /** Global resourceVersion before the commit: deletions after it and before the next run's belong to this run. */
  fromRv: number;
  side: Side;
}

let sb: SandboxHandle;
let git: GitServer;
let launcher: AgentLauncher;
let client: KubeClient;
let watch: DeletionWatch;
let agent: AgentProcess | undefined;

const seed = Number(process.env.STEWARD_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seeded(seed);
/** Stage times of cold starts (victims and restarts), from their spawn: `agent started`, and the first apply. */
const coldStarted: number[] = [];
const coldApplied: number[] = [];
/** Artifact-to-applied times of cold restarts, for the first warm window. */
const coldSpans: number[] = [];
/** Artifact-to-applied times of warm agents whose kill came after their apply. */
const warmSpans: number[] = [];

async function readJson(path: string): Promise<Obj | undefined> {
  const r = await sb.raw('GET', path);
  return r.status === 200 ? r.json() : undefined;
}

async function syncStatus(): Promise<{ applied?: string; ready?: string; inventory: string[] }> {
  const s = (await readJson(SYNC))?.status as
    | {
        lastAppliedRevision?: string;
        conditions?: { type: string; status: string }[];
        inventory?: { entries?: { id: string }[] };
      }
    | undefined;
  const ready = s?.conditions?.find((c) => c.type === 'Ready')?.status;
  return {
    ...(s?.lastAppliedRevision ? { applied: s.lastAppliedRevision } : {}),
    ...(ready ? { ready } : {}),
    inventory: (s?.inventory?.entries ?? []).map((e) => e.id),
  };
}

/** The global resourceVersion now: a list answers with it. */
async function currentRv(): Promise<number> {
  const list = await readJson(`/api/v1/namespaces/${NS}/configmaps?limit=1`);
  return Number((list?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion ?? 0);
}

interface Live {
  key: string;
  tag: string | undefined;
  owned: boolean;
}

async function liveObjects(): Promise<Live[]> {
  const out: Live[] = [];
  for (const [kind, path] of [
    ['ConfigMap', `/api/v1/namespaces/${NS}/configmaps`],
    ['Deployment', `/apis/apps/v1/namespaces/${NS}/deployments`],
  ] as const) {
    const items = ((await readJson(path))?.items ?? []) as {
      metadata: { name: string; labels?: Record<string, string> };
      data?: Record<string, string>;
      spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
    }[];
    for (const o of items) {
      out.push({
        key: `${kind}/${o.metadata.name}`,
        tag: o.data?.tag ?? o.spec?.template?.metadata?.annotations?.tag,
        owned: o.metadata.labels?.['steward.dev/name'] === 'app',
      });
    }
  }
  const ns = await readJson(`/api/v1/namespaces/${NS}`);
  const labels = (ns?.metadata as { labels?: Record<string, string> } | undefined)?.labels;
  if (ns) out.push({ key: `Namespace/${NS}`, tag: undefined, owned: labels?.['steward.dev/name'] === 'app' });
  return out;
}

/** Where in the rollout of `side` at `tag` the kill landed, read from the cluster once the process is gone. */
async function killPoint(side: Side, tag: string, revision: string): Promise<KillPoint> {
  if ((await syncStatus()).applied === revision) return 'after the status';
  const live = await liveObjects();
  const present = new Set(live.map((o) => o.key));
  const previous = objectsOf(side === 'one' ? 'two' : 'one');
  const current = objectsOf(side);
  let writes = 0;
  let total = 0;
  for (const key of current) {
    if (key.startsWith('Namespace/')) continue;
    total++;
    if (live.some((o) => o.key === key && o.tag === tag)) writes++;
  }
  for (const key of previous) {
    if (current.has(key)) continue;
    total++;
    if (!present.has(key)) writes++;
  }
  if (writes === 0) return 'before any write';
  return writes < total ? 'partly written' : 'written, status pending';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** When `p` first logged `msg` (at or after `after`, for `revision` when given). */
function logTime(p: AgentProcess, msg: string, after = 0, revision?: string): number | undefined {
  const line = p.logs.find(
    (l) =>
      l.msg === msg &&
      typeof l.time === 'number' &&
      l.time >= after &&
      (revision === undefined || l.revision === revision),
  );
  return typeof line?.time === 'number' ? line.time : undefined;
}

/**
 * Records how long a cold start took to each stage, for the kill windows. Only starts that got there count,
 * which biases the windows early: more kills land before the apply ends.
 */
function recordTiming(p: AgentProcess, revision: string): void {
  const started = logTime(p, 'agent started');
  const artifact = logTime(p, 'stored new artifact', 0, revision);
  const applied = logTime(p, 'server-side apply completed', 0, revision);
  if (started !== undefined) coldStarted.push(started - p.startedAt);
  if (applied !== undefined) coldApplied.push(applied - p.startedAt);
  if (artifact !== undefined && applied !== undefined) coldSpans.push(applied - artifact);
}

async function waitApplied(revision: string, p: AgentProcess): Promise<void> {
  await eventually(
    async () => {
      const s = await syncStatus();
      return s.applied === revision && s.ready === 'True' ? true : undefined;
    },
    45_000,
    `the Sync to be Ready at ${revision}`,
  ).catch((err: unknown) => {
    const tail = p.logs.slice(-15).map((l) => JSON.stringify(l));
    throw new Error(`${String(err)}\nagent log:\n${tail.join('\n')}\nstderr:\n${p.stderr()}`);
  });
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

beforeAll(async () => {
  sb = await startSandbox({ bookmarkIntervalMs: 200 });
  git = await startGitServer();
  launcher = new AgentLauncher({ kubeconfigPath: sb.kubeconfigPath });
  client = kubeClient(sb.kc);
  const [, , repo] = await Promise.all([
    launcher.prepare(),
    eventually(async () => ((await readJson('/api/v1/namespaces/default')) ? true : undefined)),
    git.createRepo('fleet', revisionFiles('one', 'run-0')),
  ]);
  agent = await launcher.start();
  await agent.waitReady(30_000);
  const apply = (body: object, path: string) =>
    sb.raw('PATCH', `${path}?fieldManager=test&force=true`, {
      body,
      contentType: 'application/apply-patch+yaml',
    });
  await apply(
    {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace: 'default' },
      spec: { url: git.url('fleet'), insecure: true, interval: '1s', ref: { branch: 'main' } },
    },
    '/apis/steward.dev/v1alpha1/namespaces/default/gitrepositories/fleet',
  );
  await apply(
    {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'app', namespace: 'default' },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
        path: './app',
        interval: '1m',
        prune: true,
        timeout: '30s',
      },
    },
    SYNC,
  );
  await waitApplied(`main@sha1:${repo.head}`, agent);
  // One timing sample before the first kill: an idle agent killed, a new revision, a cold start applying it.
  await agent.kill('SIGKILL');
  const sha = await git.commit('fleet', revisionFiles('one', 'run-0b'), 'calibrate');
  agent = await launcher.start();
  await waitApplied(`main@sha1:${sha}`, agent);
  recordTiming(agent, `main@sha1:${sha}`);
  watch = new DeletionWatch(client);
  watch.start();
  await watch.caughtUp();
}, 120_000);

afterAll(async () => {
  await watch?.stop();
  await launcher?.cleanup();
  await git?.stop();
  await sb?.stop();
});

describe(`SIGKILL during rollouts (seed ${seed})`, () => {
  it(`survives ${RUNS} kills with nothing lost, orphaned or wrongly deleted`, async () => {
    const runs: RunRecord[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const side: Side = run % 2 === 1 ? 'two' : 'one';
      const tag = `run-${run}`;
      const mode = run % 2 === 1 ? 'warm' : 'cold';
      if (mode === 'cold') await agent?.kill('SIGKILL');
      const fromRv = await currentRv();
      const commitAt = Date.now();
      const sha = await git.commit('fleet', revisionFiles(side, tag), tag);
      const revision = `main@sha1:${sha}`;
      let victim: AgentProcess;
      let delayMs: number;
      let artifactAt = 0;
      if (mode === 'warm' && agent) {
        const running = agent;
        victim = running;
        // Anchor on the moment the running agent has the new artifact: what follows is render, apply, prune.
        artifactAt = await eventually(
          () => logTime(running, 'stored new artifact', commitAt, revision),
          15_000,
          'the running agent to fetch the new revision',
        );
        // A warm agent applies about twice as fast as a cold one; once a warm kill came too late, its log says
        // how fast.
        const span = warmSpans.length > 0 ? median(warmSpans) : Math.round(median(coldSpans) / 2);
        delayMs = Math.round(random() * (span + 50));
      } else {
        victim = await launcher.start();
        // From late in the start (informers, first fetch) to just after the apply of a cold start.
        const lo = median(coldStarted);
        const hi = median(coldApplied) + 50;
        delayMs = lo + Math.round(random() * (hi - lo));
      }
      await sleep(delayMs);
      const killedAt = Date.now();
      await victim.kill('SIGKILL');
      const point = await killPoint(side, tag, revision);
      const victimApplied = logTime(victim, 'server-side apply completed', artifactAt, revision);
      if (mode === 'warm' && victimApplied !== undefined) warmSpans.push(victimApplied - artifactAt);
      if (mode === 'cold') recordTiming(victim, revision);
      agent = await launcher.start();
      await waitApplied(revision, agent);
      const recoveryMs = Date.now() - killedAt;
      recordTiming(agent, revision);
      runs.push({ run, mode, delayMs, point, recoveryMs, fromRv, side });

      // Exactly the revision, nothing more: no orphans of the other side, nothing missing.
      const expected = objectsOf(side);
      const live = await liveObjects();
      const owned = live.filter((o) => o.owned).map((o) => o.key);
      expect(new Set(owned), `owned objects after run ${run}`).toEqual(expected);
      expect(
        live.filter((o) => !expected.has(o.key)).map((o) => o.key),
        `objects of the other revision after run ${run}`,
      ).toEqual([]);
      expect(
        live.filter((o) => expected.has(o.key) && !o.key.startsWith('Namespace/') && o.tag !== tag),
        `objects not at ${tag}`,
      ).toEqual([]);
      expect(new Set((await syncStatus()).inventory), `inventory after run ${run}`).toEqual(
        inventoryOf(side),
      );
    }

    // Attribute every deletion to the run whose resourceVersion range holds it.
    await watch.caughtUp();
    let unintended = 0;
    let ofCurrent = 0;
    let pruned = 0;
    const details: string[] = [];
    for (const [i, r] of runs.entries()) {
      const toRv = runs[i + 1]?.fromRv ?? Number.POSITIVE_INFINITY;
      const current = objectsOf(r.side);
      const previous = objectsOf(r.side === 'one' ? 'two' : 'one');
      for (const d of watch.deleted.filter((e) => e.rv > r.fromRv && e.rv <= toRv)) {
        if (current.has(d.key)) {
          ofCurrent++;
          if (previous.has(d.key)) unintended++;
          details.push(`run ${r.run}: ${d.key} deleted`);
        } else pruned++;
      }
    }
    const count = (p: KillPoint) => runs.filter((r) => r.point === p).length;
    const midApply = runs.filter((r) => r.point !== 'after the status').length;
    // A kill after the status write leaves the restart nothing to do; recovery counts only the others.
    const recoveries = runs.filter((r) => r.point !== 'after the status').map((r) => r.recoveryMs);
    const short: Record<KillPoint, string> = {
      'before any write': 'none',
      'partly written': 'part',
      'written, status pending': 'all',
      'after the status': 'done',
    };
    console.log(
      [
        `seed ${seed}; ${runs.length} kills (${runs.filter((r) => r.mode === 'warm').length} warm, ${runs.filter((r) => r.mode === 'cold').length} cold)`,
        `kill points: ${midApply} before the Sync reached the revision (${count('before any write')} before any write, ${count('partly written')} partly written, ${count('written, status pending')} written with the status pending), ${count('after the status')} after the status write`,
        `deletions: ${pruned} prunes of the previous revision, ${unintended} unintended (objects in both revisions), ${ofCurrent} of objects of the current revision`,
        `kill windows at the end: warm 0-${(warmSpans.length > 0 ? median(warmSpans) : Math.round(median(coldSpans) / 2)) + 50} ms after the artifact, cold ${median(coldStarted)}-${median(coldApplied) + 50} ms after the spawn`,
        `recovery (kill to Ready at the revision): median ${median(recoveries)} ms, max ${Math.max(...recoveries)} ms`,
        `runs (mode, kill delay ms, writes of the revision at the kill): ${runs.map((r) => `${r.mode[0]}${r.delayMs}:${short[r.point]}`).join(' ')}`,
      ].join('\n'),
    );
    expect(watch.errors).toEqual([]);
    expect(details).toEqual([]);
    expect(unintended).toBe(0);
    // Every run pruned the 11 objects only the previous revision held, each exactly once.
    expect(pruned).toBe(runs.length * 11);
  }, 400_000);

  // The inventory is widened in status before an apply creates anything, so an object is never created
  // untracked: when status cannot be written nothing new is created, and an object created just before a kill
  // is pruned once a later revision drops it (this was an orphan before the fix).
  it('never creates an object it cannot record, and prunes what a killed agent created', async () => {
    const running = agent as AgentProcess;
    const side: Side = (await syncStatus()).inventory.some((id) => id.includes('_one-00_')) ? 'one' : 'two';
    const fault = await sb.raw('POST', '/sandbox/v1/faults', {
      body: { id: 'no-status', verb: 'patch', path: `${SYNC}/status`, action: { type: 'status', code: 500 } },
    });
    expect(fault.status).toBe(201);
    await git.commit('fleet', revisionFiles(side, 'straggler', ['straggler']), 'add a straggler');
    // While status cannot record it, the straggler is not created.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await readJson(`/api/v1/namespaces/${NS}/configmaps/straggler`)).toBeUndefined();
    await sb.raw('DELETE', '/sandbox/v1/faults');
    await eventually(
      async () => ((await readJson(`/api/v1/namespaces/${NS}/configmaps/straggler`)) ? true : undefined),
      30_000,
      'the straggler to be created',
    );
    expect((await syncStatus()).inventory).toContain(`${NS}_straggler__ConfigMap`);
    await running.kill('SIGKILL');
    const sha = await git.commit('fleet', revisionFiles(side, 'reverted'), 'revert the straggler');
    agent = await launcher.start();
    await waitApplied(`main@sha1:${sha}`, agent);
    await eventually(
      async () => ((await readJson(`/api/v1/namespaces/${NS}/configmaps/straggler`)) ? undefined : true),
      30_000,
      'the straggler to be pruned',
    );
    expect((await syncStatus()).inventory).not.toContain(`${NS}_straggler__ConfigMap`);
  }, 90_000);
});
