/**
 * deploy/monitoring/ against the real thing: a real Prometheus loads steward-rules.yaml and scrapes the real
 * agent, which reconciles a real Git repository into the sandbox, plus a target on a port nobody listens on. The
 * rule file is loaded as shipped except for two edits an operator would make: the job selector in its one place,
 * and `for:` durations shortened to 0s so alerts fire within the test. The alert expressions must return the
 * failing objects and only them, and the dashboard's queries must run against the same data.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { PrometheusHandle, PromSample } from '../../harness/prometheus.js';
import { freePort, onlyValue, startPrometheus } from '../../harness/prometheus.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import { allPanels, type Panel } from '../../unit/metrics/promql.js';

const RULES_URL = new URL('../../../deploy/monitoring/steward-rules.yaml', import.meta.url);
const DASHBOARD_URL = new URL('../../../deploy/monitoring/steward-dashboard.json', import.meta.url);
/** Not `steward`, so the test proves the one edit of the selector is enough. */
const JOB = 'steward-under-test';
const SHIPPED_SELECTOR = 'up{job="steward"}';

const files = {
  'good/kustomization.yaml': 'resources: [config.yaml]\n',
  'good/config.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n  namespace: default\ndata:\n  color: blue\n',
  'broken/kustomization.yaml': 'resources: [config.yaml]\n',
  'broken/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\ndata: [',
};

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let prom: PrometheusHandle;
let closedTarget: string;
let agentTarget: string;
const alertExpr = new Map<string, string>();

type Rule = { alert?: string; record?: string; expr: string; for?: string };

/** The shipped rule file with the job selector and the `for:` durations changed, each where the file says. */
function adapt(text: string): string {
  expect(text.split(SHIPPED_SELECTOR), 'the job selector appears exactly once').toHaveLength(2);
  const code = text
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n');
  expect(code.match(/\bjob\b/g), 'no other rule names the job').toHaveLength(1);
  const forLines = /^(\s+for: )\d+[smh]$/gm;
  expect(text.match(forLines)?.length, 'every alert has a for:').toBe(4);
  return text
    .replace(SHIPPED_SELECTOR, `up{job="${JOB}"}`)
    .replace(forLines, (_, lead: string) => `${lead}0s`);
}

async function ready(path: string): Promise<string | undefined> {
  const r = await sb.raw('GET', path);
  if (r.status !== 200) return undefined;
  const status = r.json().status as { conditions?: { type: string; status: string }[] } | undefined;
  return status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

const objectsOf = (samples: readonly PromSample[]) =>
  samples.map((s) => `${s.metric.kind ?? 'Sync'}/${s.metric.namespace}/${s.metric.name}`).sort();

beforeAll(async () => {
  [sb, git] = await Promise.all([startSandbox(), startGitServer()]);
  await git.createRepo('fleet', files);
  agent = await startTestAgent(sb);
  agentTarget = `127.0.0.1:${agent.agent.port}`;
  // Bound and released: nothing listens there, so every scrape of it fails.
  closedTarget = `127.0.0.1:${await freePort()}`;
  const shipped = await readFile(RULES_URL, 'utf8');
  for (const r of (parse(shipped) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules)) {
    if (r.alert) alertExpr.set(r.alert, r.expr);
  }
  prom = await startPrometheus([agentTarget, closedTarget], {
    job: JOB,
    ruleFiles: { 'steward-rules.yaml': adapt(shipped) },
  });

  const apply = async (body: { kind: string; metadata: { name: string } }, plural: string) => {
    const path = `/apis/steward.dev/v1alpha1/namespaces/default/${plural}/${body.metadata.name}`;
    const r = await sb.raw('PATCH', `${path}?fieldManager=test&force=true`, {
      body: { apiVersion: 'steward.dev/v1alpha1', ...body },
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
  const repo = (name: string, url: string) => ({
    kind: 'GitRepository',
    metadata: { name, namespace: 'default' },
    spec: { url, insecure: true, interval: '1s', ref: { branch: 'main' } },
  });
  const sync = (name: string) => ({
    kind: 'Sync',
    metadata: { name, namespace: 'default' },
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'fleet' },
      path: `./${name}`,
      interval: '5s',
      prune: true,
    },
  });
  await apply(repo('fleet', git.url('fleet')), 'gitrepositories');
  await apply(repo('missing', git.url('no-such-repo')), 'gitrepositories');
  await apply(sync('good'), 'syncs');
  await apply(sync('broken'), 'syncs');
  const base = '/apis/steward.dev/v1alpha1/namespaces/default';
  await eventually(
    async () =>
      (await ready(`${base}/syncs/good`)) === 'True' &&
      (await ready(`${base}/syncs/broken`)) === 'False' &&
      (await ready(`${base}/gitrepositories/missing`)) === 'False'
        ? true
        : undefined,
    30_000,
    'good Ready, broken and missing not Ready',
  );
  // What the negative checks below rely on: Prometheus has seen the good Sync and source as Ready.
  for (const [kind, name] of [
    ['Sync', 'good'],
    ['GitRepository', 'fleet'],
  ]) {
    await prom.waitFor(
      `steward_condition{kind="${kind}", name="${name}", type="Ready", status="True"}`,
      (s) => (onlyValue(s) === 1 ? true : undefined),
      { what: `Prometheus to see ${kind} ${name} Ready`, timeoutMs: 30_000 },
    );
  }
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('the alert rules on a real Prometheus scraping the agent', () => {
  it('evaluates every rule without error', async () => {
    const evaluated = await eventually(
      async () => {
        const all = await prom.rules();
        return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
      },
      15_000,
      'every rule to be evaluated',
    );
    expect(evaluated.map((r) => `${r.health} ${r.name} ${r.lastError}`.trim()).sort()).toEqual(
      [
        'StewardAgentDown',
        'StewardNotificationsFailing',
        'StewardSourceFetchFailing',
        'StewardSyncNotReady',
        'steward:up',
      ]
        .map((n) => `ok ${n}`)
        .sort(),
    );
  });

  it('StewardSyncNotReady: the failing Sync, not the Ready one', async () => {
    const expr = alertExpr.get('StewardSyncNotReady') ?? '';
    const samples = await prom.waitFor(expr, (s) => (s.length > 0 ? s : undefined), {
      what: 'the not-ready expression to return a series',
    });
    expect(objectsOf(samples)).toEqual(['Sync/default/broken']);
    expect(samples[0]?.metric).toEqual({ namespace: 'default', name: 'broken' });

    const firing = await prom.waitFor('ALERTS{alertname="StewardSyncNotReady", alertstate="firing"}', (s) =>
      s.length > 0 ? s : undefined,
    );
    expect(objectsOf(firing)).toEqual(['Sync/default/broken']);
    const alert = (await prom.alerts()).find((a) => a.labels.alertname === 'StewardSyncNotReady');
    expect(alert?.annotations.summary).toBe('Sync default/broken has not been Ready for 10 minutes');
    expect(alert?.annotations.description).toContain('kubectl -n default describe sync broken');
  });

  it('StewardSourceFetchFailing: the repository that does not exist, not the one that fetches', async () => {
    const expr = alertExpr.get('StewardSourceFetchFailing') ?? '';
    // increase() needs two scrapes with the error counter moving between them; retries back off from 1 s.
    const samples = await prom.waitFor(expr, (s) => (s.length > 0 ? s : undefined), {
      what: 'the source expression to return a series',
      timeoutMs: 30_000,
    });
    expect(objectsOf(samples)).toEqual(['GitRepository/default/missing']);
    const alert = await eventually(
      async () =>
        (await prom.alerts()).find(
          (a) => a.labels.alertname === 'StewardSourceFetchFailing' && a.state === 'firing',
        ),
      15_000,
      'StewardSourceFetchFailing to fire',
    );
    expect(alert.annotations.summary).toBe('GitRepository default/missing is failing to fetch');
  });

  it('StewardAgentDown: the target on a closed port, not the agent', async () => {
    const expr = alertExpr.get('StewardAgentDown') ?? '';
    const samples = await prom.waitFor(
      expr,
      (s) => (s.some((x) => x.metric.instance === closedTarget) ? s : undefined),
      { what: 'the agent-down expression to return the closed port' },
    );
    // A comparison keeps the recorded series' name; the alert's labels drop it.
    expect(samples.map((s) => s.metric)).toEqual([
      { __name__: 'steward:up', job: JOB, instance: closedTarget },
    ]);
    expect(onlyValue(await prom.query(`up{instance="${agentTarget}"}`))).toBe(1);
    const alert = await eventually(
      async () =>
        (await prom.alerts()).find((a) => a.labels.alertname === 'StewardAgentDown' && a.state === 'firing'),
      15_000,
      'StewardAgentDown to fire',
    );
    expect(alert.labels.instance).toBe(closedTarget);
    expect(alert.annotations.summary).toBe(`Steward agent ${closedTarget} is down`);
  });

  it('StewardNotificationsFailing: quiet while no notification failed', async () => {
    const expr = alertExpr.get('StewardNotificationsFailing') ?? '';
    expect(await prom.query(expr)).toEqual([]);
  });
});

describe('the dashboard on the same Prometheus', () => {
  it('runs every panel query, and the status panels show the failing objects', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD_URL, 'utf8')) as { panels?: Panel[] };
    // What Grafana substitutes before sending a query: All namespaces, a rate window of a few scrapes.
    const resolve = (expr: string) =>
      expr
        .replaceAll('$namespace', '.*')
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$__interval', '15s');
    const answers = new Map<string, PromSample[]>();
    for (const panel of allPanels(dashboard)) {
      for (const t of panel.targets ?? []) {
        const expr = resolve(t.expr ?? '');
        expect(expr, `${panel.title}: a variable left unresolved`).not.toContain('$');
        answers.set(`${panel.title}/${t.refId}`, await prom.query(expr));
      }
    }
    expect(onlyValue(answers.get('Syncs ready/A') ?? [])).toBe(1);
    expect(onlyValue(answers.get('Syncs not ready/A') ?? [])).toBe(1);
    expect(onlyValue(answers.get('Sources not ready/A') ?? [])).toBe(1);
    expect(objectsOf(answers.get('Failing objects/A') ?? [])).toEqual([
      'GitRepository/default/missing',
      'Sync/default/broken',
    ]);
    expect(answers.get('Build info/A')?.map((s) => s.metric.version)).toHaveLength(1);
  });
});
