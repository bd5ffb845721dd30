/**
 * deploy/monitoring/steward-rules.yaml under Prometheus' own tool: `promtool check rules` (syntax, PromQL,
 * templates) and `promtool test rules` with test/fixtures/monitoring/rules-test.yaml, which feeds input series and
 * states which alerts fire at which minute. Each rule is also broken on purpose in a copy, and the unit tests
 * must then fail: they prove what the expressions return, not only that they parse. Also the monitoring
 * kustomization as the real `kubectl kustomize` builds it.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RULES = 'deploy/monitoring/steward-rules.yaml';
const RULES_TEST = 'test/fixtures/monitoring/rules-test.yaml';
const ALERTS = [
  'StewardAgentDown',
  'StewardNotificationsFailing',
  'StewardSourceFetchFailing',
  'StewardSyncNotReady',
];

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string; for?: string }[] }[];
}

let rulesText: string;
let scratch: string;

beforeAll(async () => {
  rulesText = await readFile(join(ROOT, RULES), 'utf8');
  scratch = await mkdtemp(join(tmpdir(), 'steward-rules-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function promtool(args: string[], cwd = ROOT) {
  return execa('promtool', args, { cwd, reject: false, all: true, timeout: 30_000 });
}

describe('promtool', () => {
  it('check rules: the rule file is valid and holds the four alerts', async () => {
    const r = await promtool(['check', 'rules', RULES]);
    expect(r.all, 'promtool check rules').toContain('SUCCESS');
    expect(r.exitCode).toBe(0);
    const file = parse(rulesText) as RuleFile;
    const rules = file.groups.flatMap((g) => g.rules);
    expect(r.all).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(
      rules
        .map((x) => x.alert)
        .filter((a) => a)
        .sort(),
    ).toEqual(ALERTS);
    for (const rule of rules.filter((x) => x.alert)) {
      const annotated = rule as { annotations?: Record<string, string> };
      expect(annotated.annotations?.summary, `${rule.alert} summary`).toBeTruthy();
      expect(annotated.annotations?.description, `${rule.alert} description`).toBeTruthy();
    }
  });

  it('test rules: every alert fires when it should and stays quiet otherwise', async () => {
    const r = await promtool(['test', 'rules', RULES_TEST]);
    expect(r.all, 'promtool test rules').toContain('SUCCESS');
    expect(r.exitCode).toBe(0);
  });

  // Each mutation breaks one property of one alert; the fixture's tests must catch it.
  it.each([
    {
      what: 'suspended Syncs are no longer left out',
      from: /\n\s*unless on \(namespace, name\)\n\s*max by \(namespace, name\) \(steward_suspended\{kind="Sync"\}\) == 1/,
      to: '',
      failing: 'StewardSyncNotReady',
    },
    {
      what: 'only Ready=False counts, so retries through Unknown reset the wait',
      from: 'status=~"False|Unknown"',
      to: 'status="False"',
      failing: 'StewardSyncNotReady',
    },
    {
      what: 'a Sync alerts after 5 minutes instead of 10',
      from: /(alert: StewardSyncNotReady[\s\S]*?for: )10m/,
      to: (_: string, lead: string) => `${lead}5m`,
      failing: 'StewardSyncNotReady',
    },
    {
      what: 'a source stalled on a terminal error is missed',
      from: /\n\s*or\n\s*max by \(kind, namespace, name\) \(steward_condition\{type="Stalled"[^\n]*\n[^\n]*\n[^\n]*\n/,
      to: '\n',
      failing: 'StewardSourceFetchFailing',
    },
    {
      what: 'a missing target is not an agent down',
      from: ' or absent(steward:up)',
      to: '',
      failing: 'StewardAgentDown',
    },
    {
      what: 'dropped duplicates count as failures',
      from: 'steward_notifications_total{result="failed"}',
      to: 'steward_notifications_total{result=~"failed|dropped"}',
      failing: 'StewardNotificationsFailing',
    },
  ])('test rules fails when $what', async ({ from, to, failing }) => {
    const mutated = typeof to === 'string' ? rulesText.replace(from, to) : rulesText.replace(from, to);
    expect(mutated, 'the mutation applies').not.toBe(rulesText);
    // The same relative layout as the repository, so the fixture's rule_files path resolves to the copy.
    const dir = await mkdtemp(join(scratch, 'case-'));
    await mkdir(join(dir, 'deploy/monitoring'), { recursive: true });
    await mkdir(join(dir, 'test/fixtures/monitoring'), { recursive: true });
    await writeFile(join(dir, RULES), mutated);
    await cp(join(ROOT, RULES_TEST), join(dir, RULES_TEST));

    expect((await promtool(['check', 'rules', RULES], dir)).exitCode, 'the mutated file is still valid').toBe(
      0,
    );
    const r = await promtool(['test', 'rules', RULES_TEST], dir);
    expect(r.exitCode, r.all).not.toBe(0);
    expect(r.all).toContain(`alertname: ${failing}`);
  });
});

describe('kubectl kustomize deploy/monitoring', () => {
  it('builds the rules ConfigMap and the dashboard ConfigMap labelled for the Grafana sidecar', async () => {
    const { stdout } = await execa('kubectl', ['kustomize', join(ROOT, 'deploy/monitoring')], {
      timeout: 30_000,
    });
    type ConfigMap = {
      kind: string;
      metadata: { name: string; namespace?: string; labels?: Record<string, string> };
      data: Record<string, string>;
    };
    const objects = parseAllDocuments(stdout).map((d) => d.toJS() as ConfigMap);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/steward-grafana-dashboard',
      'ConfigMap/steward-prometheus-rules',
    ]);
    const rules = objects.find((o) => o.metadata.name === 'steward-prometheus-rules');
    const dashboard = objects.find((o) => o.metadata.name === 'steward-grafana-dashboard');
    expect(rules?.data['steward-rules.yaml']).toBe(rulesText);
    expect(dashboard?.data['steward-dashboard.json']).toBe(
      await readFile(join(ROOT, 'deploy/monitoring/steward-dashboard.json'), 'utf8'),
    );
    expect(dashboard?.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(rules?.metadata.labels?.grafana_dashboard).toBeUndefined();
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('steward-system');
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'steward' });
    }
  });
});
