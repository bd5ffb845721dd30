/**
 * The agent's metrics as an operator sees them: a real Prometheus scrapes the real agent (reconciling a real Git
 * repository into the sandbox) every second, and the PromQL in docs/metrics.md answers. Also holds
 * docs/metrics.md to the truth: every metric it lists is exported, with the type and labels it states, every
 * steward_ metric exported is listed, and every example query in it runs.
 */
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { PrometheusHandle } from '../../harness/prometheus.js';
import { onlyValue, parseExposition, startPrometheus, sumOf } from '../../harness/prometheus.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let prom: PrometheusHandle;

// One object in the Sync's own namespace, applied as a service account allowed to write it there: the test then
// holds whatever tenancy rules the Sync falls under.
const files = {
  'app/kustomization.yaml': 'resources: [config.yaml]\n',
  'app/config.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  color: blue\n',
};

const SA = 'steward-metrics';
const SYNC = '/apis/steward.dev/v1alpha1/namespaces/default/syncs/app';
const SYNC_LABELS = 'kind="Sync",namespace="default",name="app"';

interface ReadyCondition {
  status: string;
  reason?: string;
  message?: string;
}

async function syncReady(): Promise<ReadyCondition | undefined> {
  const r = await sb.raw('GET', SYNC);
  if (r.status !== 200) return undefined;
  const status = r.json().status as { conditions?: (ReadyCondition & { type: string })[] } | undefined;
  return status?.conditions?.find((c) => c.type === 'Ready');
}

/** For `eventually`: the Ready condition once it has `want`; otherwise throws what it is, for the timeout error. */
async function readyIs(want: string): Promise<true> {
  const c = await syncReady();
  if (c?.status === want) return true;
  throw new Error(c ? `Ready=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}` : 'no Ready condition yet');
}

beforeAll(async () => {
  [sb, git] = await Promise.all([startSandbox(), startGitServer()]);
  await git.createRepo('fleet', files);
  agent = await startTestAgent(sb);
  // Started before the first reconcile: Prometheus' ~6 s until its first scrape overlaps the agent's start.
  prom = await startPrometheus([`127.0.0.1:${agent.agent.port}`]);
  const apply = async (body: object, path: string) => {
    const r = await sb.raw('PATCH', `${path}?fieldManager=test&force=true`, {
      body,
      contentType: 'application/apply-patch+yaml',
    });
    if (r.status >= 300) throw new Error(`apply ${path}: ${r.status} ${r.text}`);
  };
  await eventually(
    async () =>
      (await sb.raw('GET', '/apis/steward.dev/v1alpha1/gitrepositories')).status === 200 ? true : undefined,
    10_000,
    'the CRDs to be served',
  );
  await apply(
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA, namespace: 'default' } },
    `/api/v1/namespaces/default/serviceaccounts/${SA}`,
  );
  await apply(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: SA, namespace: 'default' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }],
    },
    `/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/${SA}`,
  );
  await apply(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: SA, namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SA },
      subjects: [{ kind: 'ServiceAccount', name: SA, namespace: 'default' }],
    },
    `/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/${SA}`,
  );
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
      // A short interval, so the Sync reconciles between scrapes and rate() over its histogram has data.
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
        path: './app',
        interval: '2s',
        prune: true,
        serviceAccountName: SA,
      },
    },
    SYNC,
  );
  await eventually(() => readyIs('True'), 20_000, 'the Sync to become Ready');
}, 40_000);

afterAll(async () => {
  await prom?.stop();
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('Prometheus scraping the agent', () => {
  it('sees the target up, successful reconciles, the Ready condition and the duration histogram', async () => {
    await prom.waitFor('up{job="steward"}', (s) => (onlyValue(s) === 1 ? true : undefined), {
      what: 'the agent to be scraped',
    });
    const success = await prom.waitFor(
      `steward_reconcile_total{${SYNC_LABELS},result="success"}`,
      (s) => (sumOf(s) > 0 ? s : undefined),
      { what: 'a successful Sync reconcile' },
    );
    expect(success).toHaveLength(1);
    expect(success[0]?.metric).toMatchObject({
      job: 'steward',
      kind: 'Sync',
      namespace: 'default',
      name: 'app',
    });
    await prom.waitFor(
      `steward_condition{${SYNC_LABELS},type="Ready",status="True"}`,
      (s) => (onlyValue(s) === 1 ? true : undefined),
      { what: 'Ready=True of the Sync' },
    );
    const notReady = await prom.query(`steward_condition{${SYNC_LABELS},type="Ready",status!="True"}`);
    expect(notReady.map((s) => [s.metric.status, s.value]).sort()).toEqual([
      ['False', 0],
      ['Unknown', 0],
    ]);
    // rate() needs two scrapes with a reconcile between them; the GitRepository and the Sync poll every 1-2 s.
    const p99 = await prom.waitFor(
      'histogram_quantile(0.99, sum by (le) (rate(steward_reconcile_duration_seconds_bucket[1m])))',
      (s) => {
        const v = onlyValue(s);
        return v !== undefined && Number.isFinite(v) ? v : undefined;
      },
      { what: 'a finite 99th percentile of reconcile durations' },
    );
    expect(p99).toBeGreaterThan(0);
    expect(p99).toBeLessThanOrEqual(300);
  });

  it('shows a broken Sync as Ready=False and counts its failed reconciles', async () => {
    const failuresBefore = sumOf(
      await prom.query(`steward_reconcile_total{${SYNC_LABELS},result="failure"}`),
    );
    await git.commit(
      'fleet',
      { 'app/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings\ndata: [' },
      'break the manifest',
    );
    await prom.waitFor(
      `steward_condition{${SYNC_LABELS},type="Ready",status="False"}`,
      (s) => (onlyValue(s) === 1 ? true : undefined),
      { what: 'Ready=False of the Sync' },
    );
    expect((await syncReady())?.status).toBe('False');
    const readyTrue = await prom.query(`steward_condition{${SYNC_LABELS},type="Ready",status="True"}`);
    expect(onlyValue(readyTrue)).toBe(0);
    await prom.waitFor(
      `steward_reconcile_total{${SYNC_LABELS},result="failure"}`,
      (s) => (sumOf(s) > failuresBefore ? true : undefined),
      { what: 'the failure counter to increase' },
    );
    // The query docs/metrics.md gives for objects that are not Ready.
    const notReady = await prom.query('steward_condition{type="Ready", status="False"} == 1');
    expect(notReady.map((s) => `${s.metric.kind}/${s.metric.namespace}/${s.metric.name}`)).toEqual([
      'Sync/default/app',
    ]);
  });

  it('exports exactly the steward_ metrics docs/metrics.md lists, with their types and labels', async () => {
    const documented = await documentedMetrics();
    expect(documented.size).toBeGreaterThan(0);
    // Notifications and webhook requests need a Provider's endpoint and a sender; record one of each through the
    // agent's own Metrics, so their series on the live scrape are held to the documented labels too.
    const recorded = [
      'steward_notifications_total',
      'steward_notification_delivery_duration_seconds',
      'steward_receiver_requests_total',
    ];
    agent.agent.metrics.notification('default', 'chat', 'slack', 'sent');
    agent.agent.metrics.notificationDelivered('slack', 0.05);
    agent.agent.metrics.receiverRequest('default', 'github', 'accepted');
    const res = await fetch(`http://127.0.0.1:${agent.agent.port}/metrics`);
    const text = await res.text();
    const scraped = new Map([...parseExposition(text)].filter(([name]) => name.startsWith('steward_')));
    for (const name of recorded)
      expect(scraped.get(name)?.samples.length, `${name}: samples`).toBeGreaterThan(0);

    expect([...scraped.keys()].sort(), 'steward_ metric families: scraped vs documented').toEqual(
      [...documented.keys()].sort(),
    );
    for (const [name, doc] of documented) {
      const family = scraped.get(name);
      if (!family) continue;
      expect(family.type, `${name}: type`).toBe(doc.type);
      expect(family.help, `${name}: HELP text`).not.toBe('');
      for (const sample of family.samples) {
        const labels = Object.keys(sample.labels).filter((l) => !(family.type === 'histogram' && l === 'le'));
        expect(labels.sort(), `${name}: labels of ${sample.name}`).toEqual([...doc.labels].sort());
      }
    }

    // What Prometheus stored under job="steward" is documented too (histograms arrive as _bucket/_sum/_count).
    const stored = await prom.query('count by (__name__) ({job="steward", __name__=~"steward_.+"})');
    const base = (n: string) => n.replace(/_(bucket|sum|count)$/, '');
    const undocumented = stored
      .map((s) => s.metric.__name__ ?? '')
      .filter((n) => !documented.has(n) && !(documented.get(base(n))?.type === 'histogram'));
    expect(undocumented, 'series Prometheus stored that docs/metrics.md does not list').toEqual([]);

    // The example queries in docs/metrics.md parse and run.
    const queries = await documentedQueries();
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) await expect(prom.query(q), q).resolves.toBeInstanceOf(Array);

    // Prometheus' own linter on Steward's part of the scrape (naming, units, HELP).
    const ours = text
      .split('\n')
      .filter((l) => /^(# (HELP|TYPE) )?steward_/.test(l))
      .join('\n');
    const lint = await execa('promtool', ['check', 'metrics'], { input: `${ours}\n`, reject: false });
    expect(`${lint.stdout}${lint.stderr}`.trim(), 'promtool check metrics').toBe('');
    expect(lint.exitCode).toBe(0);
  });
});

const METRICS_DOC = new URL('../../../docs/metrics.md', import.meta.url);

interface DocumentedMetric {
  type: string;
  labels: string[];
}

/** The rows of the metrics table in docs/metrics.md: | `name` | type | `label`, ... | meaning | */
async function documentedMetrics(): Promise<Map<string, DocumentedMetric>> {
  const md = await readFile(METRICS_DOC, 'utf8');
  const out = new Map<string, DocumentedMetric>();
  for (const line of md.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`(steward_[a-z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    const labels = [...(cells[3] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1] ?? '');
    out.set(name, { type: cells[2] ?? '', labels });
  }
  return out;
}

/** The queries in the ```promql blocks of docs/metrics.md; a `#` comment line starts the next one. */
async function documentedQueries(): Promise<string[]> {
  const md = await readFile(METRICS_DOC, 'utf8');
  const queries: string[] = [];
  for (const block of md.matchAll(/```promql\n([\s\S]*?)```/g)) {
    let current: string[] = [];
    for (const line of (block[1] ?? '').split('\n')) {
      if (line.trim().startsWith('#') || line.trim() === '') {
        if (current.length > 0) queries.push(current.join('\n'));
        current = [];
      } else {
        current.push(line);
      }
    }
    if (current.length > 0) queries.push(current.join('\n'));
  }
  return queries;
}
