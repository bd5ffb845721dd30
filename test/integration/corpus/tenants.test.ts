/**
 * The bad-input corpus end to end: one git repository holding a subset of the cases (and every tenancy case),
 * one tenant namespace per case with its own service account bound to `admin` there only, and a Sync per
 * tenant applied through the sandbox API. Each bad Sync must stall Ready=False with the expected reason and
 * file, apply nothing, and leave what an earlier good revision applied untouched; meanwhile a healthy tenant
 * keeps reconciling. Known gaps (`gap:` in case.yaml) are expected to fail.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExpectStatic } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER_NAMESPACE_LABEL } from '../../../src/core/constants.js';
import { Reasons } from '../../../src/core/types.js';
import type { ControlCase, CorpusCase } from '../../corpus/corpus.js';
import {
  CANARY,
  expectationAt,
  expectedReason,
  loadControls,
  loadCorpus,
  materialize,
  messageMatches,
  syncFor,
} from '../../corpus/corpus.js';
import { DEFAULT_SIZES } from '../../corpus/run.js';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

const API = '/apis/steward.dev/v1alpha1';
const SA = 'tenant';
const SYNC = 'corpus';
const REPO = 'corpus';
/** The good revision some tenants apply before they switch to their case. */
const KEEP = 'keep';

interface Tenant {
  c: CorpusCase;
  namespace: string;
  prefix: string;
  /** The API server refused the Sync itself (its CRD schema); its message. */
  rejected?: string;
  /** resourceVersion of the ConfigMap a good revision applied first. */
  keptVersion?: string;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}

type Obj = {
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  status?: { conditions?: Condition[] };
  data?: Record<string, string>;
};

const cases = loadCorpus().filter((c) => c.e2e !== false || c.tenancy);
const keep = loadControls().find((c) => c.id === 'plain');
const tenants: Tenant[] = cases.map((c, i) => ({
  c,
  namespace: `t${String(i).padStart(2, '0')}-${c.name}`.slice(0, 63).replace(/-+$/, ''),
  prefix: `${c.class}/${c.name}`,
}));
const healthyNs = 'healthy';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let work: string;
/** Objects Steward applied, by the namespace of the Sync that owns them (its owner label). */
let applied: Map<string, Obj[]>;

async function json(path: string): Promise<Obj | undefined> {
  const r = await sb.raw('GET', path);
  return r.status === 200 ? (r.json() as Obj) : undefined;
}

async function apply(path: string, body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const r = await sb.raw('PATCH', `${path}?fieldManager=corpus-test&force=true`, {
    body,
    contentType: 'application/apply-patch+yaml',
  });
  return { status: r.status, text: r.text };
}

async function must(path: string, body: Record<string, unknown>): Promise<void> {
  const r = await apply(path, body);
  if (r.status >= 300) throw new Error(`apply ${path}: ${r.status} ${r.text}`);
}

const syncPath = (ns: string) => `${API}/namespaces/${ns}/syncs/${SYNC}`;

/** A namespace, a service account, and a RoleBinding to `admin` in that namespace only; and its source. */
async function createTenant(ns: string, interval: string): Promise<void> {
  await must(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await must(`/api/v1/namespaces/${ns}/serviceaccounts/${SA}`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: SA, namespace: ns },
  });
  await must(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/${SA}-admin`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `${SA}-admin`, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
    subjects: [{ kind: 'ServiceAccount', name: SA, namespace: ns }],
  });
  await must(`${API}/namespaces/${ns}/gitrepositories/${REPO}`, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: REPO, namespace: ns },
    spec: { url: git.url(REPO), insecure: true, interval, ref: { branch: 'main' } },
  });
}

function placement(ns: string, prefix: string) {
  return { name: SYNC, namespace: ns, sourceName: REPO, serviceAccountName: SA, prefix };
}

function ready(o: Obj | undefined): Condition | undefined {
  return o?.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Reasons that mean the Sync is still on its way, not that it has an answer. */
const WAITING: ReadonlySet<string> = new Set([
  Reasons.Progressing,
  Reasons.SourceNotFound,
  Reasons.DependencyNotReady,
]);

function settled(o: Obj | undefined): boolean {
  const r = ready(o);
  if (!o || !r || r.observedGeneration !== o.metadata.generation) return false;
  return r.status === 'True' || (r.status === 'False' && !WAITING.has(r.reason));
}

/** Every Sync in the cluster, by namespace. */
async function syncs(): Promise<Map<string, Obj>> {
  const list = (await sb.raw('GET', `${API}/syncs`)).json() as { items: Obj[] };
  return new Map(list.items.map((s) => [s.metadata.namespace ?? '', s]));
}

/** Kinds a bad case could have created; lists the sandbox does not serve are skipped. */
const LISTS = [
  '/api/v1/configmaps',
  '/api/v1/secrets',
  '/api/v1/services',
  '/api/v1/namespaces',
  '/api/v1/persistentvolumes',
  '/apis/apps/v1/deployments',
  '/apis/rbac.authorization.k8s.io/v1/roles',
  '/apis/rbac.authorization.k8s.io/v1/rolebindings',
  '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
  '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
  '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies',
  '/apis/scheduling.k8s.io/v1/priorityclasses',
  '/apis/storage.k8s.io/v1/storageclasses',
  '/apis/node.k8s.io/v1/runtimeclasses',
  '/apis/networking.k8s.io/v1/ingressclasses',
  '/apis/apiregistration.k8s.io/v1/apiservices',
];

async function appliedObjects(): Promise<Map<string, Obj[]>> {
  const out = new Map<string, Obj[]>();
  for (const path of LISTS) {
    const r = await sb.raw('GET', `${path}?labelSelector=${encodeURIComponent(OWNER_NAMESPACE_LABEL)}`);
    if (r.status !== 200) continue;
    for (const o of (r.json() as { items: Obj[] }).items) {
      const owner = o.metadata.labels?.[OWNER_NAMESPACE_LABEL] ?? '';
      out.set(owner, [
        ...(out.get(owner) ?? []),
        { ...o, metadata: { ...o.metadata, name: `${path.split('/').at(-1)}/${o.metadata.name}` } },
      ]);
    }
  }
  return out;
}

/** The repository: every case in the subset at `<class>/<case>`, the good control, and the healthy tenant. */
async function pushCorpus(control: ControlCase): Promise<void> {
  await git.createRepo(REPO, { 'README.md': 'Bad-input corpus for Steward, one case per directory.\n' });
  const clone = join(work, 'clone');
  await git.git(['clone', '--quiet', join(git.root, `${REPO}.git`), clone]);
  for (const t of tenants) await materialize(t.c, join(clone, t.prefix), DEFAULT_SIZES);
  await cp(control.dir, join(clone, 'controls', control.id), {
    recursive: true,
    filter: (src) => !src.endsWith('case.yaml'),
  });
  await mkdir(join(clone, 'healthy'));
  await writeFile(join(clone, 'healthy', 'configmap.yaml'), healthyConfigMap('blue'));
  await git.git(['add', '--all'], clone);
  await git.git(['commit', '--quiet', '-m', 'bad-input corpus'], clone);
  await git.git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], clone);
}

function healthyConfigMap(color: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: healthy\ndata:\n  color: ${color}\n`;
}

const precreated = tenants.filter((t) => t.c.e2e !== false && t.c.e2e.precreate === true);

beforeAll(async () => {
  if (!keep) throw new Error('the corpus has no "plain" control');
  work = await mkdtemp(join(tmpdir(), 'steward-corpus-e2e-'));
  sb = await startSandbox();
  git = await startGitServer();
  await pushCorpus(keep);
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', `${API}/gitrepositories`)).status === 200 ? true : undefined,
  );

  await createTenant(healthyNs, '1s');
  for (const t of tenants) await createTenant(t.namespace, '10m');
  await must(syncPath(healthyNs), syncFor(keep, placement(healthyNs, 'healthy')));

  // A good revision first, for the tenants whose objects must survive their bad one.
  for (const t of precreated)
    await must(syncPath(t.namespace), syncFor(keep, placement(t.namespace, 'controls/plain')));
  await eventually(
    async () => {
      const all = await syncs();
      return precreated.every((t) => ready(all.get(t.namespace))?.status === 'True') ? true : undefined;
    },
    30_000,
    'the good revisions to be applied',
  );
  for (const t of precreated) {
    const cm = await json(`/api/v1/namespaces/${t.namespace}/configmaps/${KEEP}`);
    if (!cm?.metadata.resourceVersion)
      throw new Error(`${t.namespace}: the good revision applied no ConfigMap`);
    t.keptVersion = cm.metadata.resourceVersion;
  }

  for (const t of tenants) {
    const r = await apply(syncPath(t.namespace), syncFor(t.c, placement(t.namespace, t.prefix)));
    if (r.status >= 300) t.rejected = r.text;
  }
  await eventually(
    async () => {
      const all = await syncs();
      return tenants.every((t) => t.rejected !== undefined || settled(all.get(t.namespace)))
        ? true
        : undefined;
    },
    40_000,
    'every bad Sync to settle',
  );
  applied = await appliedObjects();
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function hostPaths(): string[] {
  return [work, git.root, sb.dir, `${tmpdir()}/steward-`];
}

async function checkTenant(t: Tenant, local: ExpectStatic): Promise<void> {
  const want = expectationAt(t.c, t.prefix, true);
  if (t.rejected !== undefined) {
    // The CRD schema refused the Sync: nothing reaches the agent. The refusal must still name the field.
    local(want.field, `${t.c.id}: the API server refused the Sync: ${t.rejected}`).toBeDefined();
    local(t.rejected).toContain(want.field ?? '');
    return;
  }
  const sync = await json(syncPath(t.namespace));
  const r = ready(sync);
  const shown = `${t.c.id} (${t.namespace}): ${r ? `${r.status} ${r.reason}: ${r.message}` : 'no Ready condition'}`;
  local(r?.status, shown).toBe('False');
  local(r?.reason, shown).toBe(expectedReason(want));
  const message = r?.message ?? '';
  const names = want.field ?? want.file ?? '';
  local(message.includes(names), `${shown}\n  must name ${names}`).toBe(true);
  local(messageMatches(message, want.message), `${shown}\n  must match ${want.message}`).toBe(true);
  if ((want.retry ?? 'terminal') === 'terminal') {
    local(sync?.status?.conditions?.find((c) => c.type === 'Stalled')?.status, `${shown}\n  must stall`).toBe(
      'True',
    );
  }
  for (const p of hostPaths()) local(message.includes(p), `${shown}\n  leaks ${p}`).toBe(false);
  local(message.includes(CANARY), `${shown}\n  leaks the planted secret`).toBe(false);

  const mine = applied.get(t.namespace) ?? [];
  if (t.keptVersion === undefined) {
    local(
      mine.map((o) => o.metadata.name),
      `${t.c.id} applied objects`,
    ).toEqual([]);
    return;
  }
  // Only what the good revision applied, not written since.
  local(mine.map((o) => o.metadata.name).sort()).toEqual(['configmaps/keep', 'secrets/credentials']);
  const cm = await json(`/api/v1/namespaces/${t.namespace}/configmaps/${KEEP}`);
  local(cm?.metadata.resourceVersion, `${t.c.id}: the ConfigMap of the good revision`).toBe(t.keptVersion);
}

const isGap = (t: Tenant) => (t.c.e2e !== false && t.c.e2e.gap !== undefined) || t.c.gap !== undefined;

describe(`bad-input corpus end to end: ${tenants.length} tenants`, () => {
  it.for(tenants.filter((t) => !isGap(t)))(
    '$c.id stalls, names the file and applies nothing',
    (t, { expect }) => checkTenant(t, expect),
  );

  it.fails.for(tenants.filter(isGap))('$c.id is a known gap', (t, { expect }) => checkTenant(t, expect));

  it('keeps reconciling a healthy tenant while the bad ones fail', async () => {
    const before = await json(`/api/v1/namespaces/${healthyNs}/configmaps/healthy`);
    expect(before?.data).toEqual({ color: 'blue' });
    const t0 = Date.now();
    await git.commit(REPO, { 'healthy/configmap.yaml': healthyConfigMap('green') }, 'healthy: green');
    await eventually(
      async () => {
        const cm = await json(`/api/v1/namespaces/${healthyNs}/configmaps/healthy`);
        return cm?.data?.color === 'green' ? true : undefined;
      },
      15_000,
      'the healthy tenant to apply its new revision',
    );
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
