/**
 * deploy/monitoring/: the Grafana dashboard is a valid JSON model bound to the `${DS_PROMETHEUS}` input, and it
 * and the alert rules query only metrics of Steward's catalogue, so renaming a metric breaks this test rather
 * than a panel nobody looks at. Whether the queries run is checked against a real Prometheus in
 * test/integration/monitoring.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { allPanels, metricNames, type Panel } from './promql.js';

const dashboardText = readFileSync(
  new URL('../../../deploy/monitoring/steward-dashboard.json', import.meta.url),
  'utf8',
);
const rulesText = readFileSync(
  new URL('../../../deploy/monitoring/steward-rules.yaml', import.meta.url),
  'utf8',
);
/** Grafana's input variable syntax, which is also JavaScript's template syntax. */
const DS = ['$', '{DS_PROMETHEUS}'].join('');

interface Dashboard {
  __inputs?: { name: string; type: string; pluginId: string }[];
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list: { name: string; type: string; query?: unknown; datasource?: { uid?: string } }[] };
}

/** Series names the catalogue exports: histograms as their _bucket, _sum and _count series. */
async function catalogueSeries(): Promise<{ families: string[]; series: Set<string> }> {
  const metrics = createMetrics({ defaultMetrics: false });
  const families = (await metrics.registry.getMetricsAsJSON()).map((m) => ({
    name: m.name,
    type: `${m.type}`,
  }));
  const series = new Set<string>();
  for (const f of families) {
    if (f.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) series.add(`${f.name}${s}`);
    else series.add(f.name);
  }
  return { families: families.map((f) => f.name), series };
}

describe('metricNames', () => {
  it.each([
    ['steward_build_info', ['steward_build_info']],
    [
      'histogram_quantile(0.95, sum by (kind, le) (rate(steward_reconcile_duration_seconds_bucket{namespace=~"$namespace"}[$__rate_interval])))',
      ['steward_reconcile_duration_seconds_bucket'],
    ],
    ['sum(steward_suspended{namespace=~"a|b"}) or vector(0)', ['steward_suspended']],
    [
      'max by (namespace, name) (x{status=~"False|Unknown"}) == 1\nunless on (namespace, name) y{kind="Sync"} == 1',
      ['x', 'y'],
    ],
    ['up{job="steward"} == 0 or absent(steward:up)', ['up', 'steward:up']],
    ['sum(rate(a_total[5m] offset 1h)) / 1e3 > bool 2.5', ['a_total']],
    ['count by (version) (steward_build_info) * on (version) group_left (x) b', ['steward_build_info', 'b']],
    ['rate(a{l="with {braces} and (parens)"}[1m])', ['a']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});

describe('steward-dashboard.json', () => {
  const dashboard = JSON.parse(dashboardText) as Dashboard;
  const panels = allPanels(dashboard);
  const queryPanels = panels.filter((p) => p.type !== 'row');

  it('is a dashboard model with a uid, a title and the Prometheus data source as the DS_PROMETHEUS input', () => {
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.title).toBe('Steward');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    ]);
    // The same name as a data source variable, for Grafanas that load the file without an import (the sidecar).
    const variables = dashboard.templating?.list ?? [];
    expect(variables.find((v) => v.name === 'DS_PROMETHEUS')).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });
    for (const v of variables.filter((x) => x.type === 'query')) expect(v.datasource?.uid, v.name).toBe(DS);
  });

  it('binds every panel and every query to the DS_PROMETHEUS input', () => {
    expect(queryPanels.length).toBeGreaterThan(10);
    for (const p of queryPanels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: DS });
      expect(p.targets?.length, `${p.title}: queries`).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(t.datasource, p.title).toEqual({ type: 'prometheus', uid: DS });
        expect(t.expr, p.title).toBeTruthy();
      }
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, `${p.title}: distinct refIds`).toBe(refIds.length);
    }
    // No data source was left bound to the instance it was drawn on.
    const uids = [...dashboardText.matchAll(/"uid":\s*"([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(uids)).toEqual(new Set([DS, '-- Grafana --', dashboard.uid]));
  });

  it('lays out panels with distinct ids on the 24-column grid without overlaps', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const p of panels) {
      const { h, w, x, y } = p.gridPos;
      expect(x >= 0 && w > 0 && h > 0 && x + w <= 24, `${p.title}: ${JSON.stringify(p.gridPos)}`).toBe(true);
      for (let row = y; row < y + h; row++) {
        for (let col = x; col < x + w; col++) {
          const other = cells.get(`${row}/${col}`);
          expect(other, `${p.title} overlaps ${other}`).toBeUndefined();
          cells.set(`${row}/${col}`, p.title);
        }
      }
    }
  });

  it('queries only metrics of the catalogue, and every metric of the catalogue somewhere', async () => {
    const { families, series } = await catalogueSeries();
    const used = new Set<string>();
    for (const p of queryPanels) {
      for (const t of p.targets ?? []) {
        const names = metricNames(t.expr ?? '');
        expect(names.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
        for (const n of names) {
          expect(series.has(n), `${p.title}: ${n} is not in src/metrics/catalogue.ts`).toBe(true);
          used.add(n.replace(/_(bucket|sum|count)$/, ''));
        }
      }
    }
    expect(
      families.filter((f) => !used.has(f)),
      'catalogue metrics no panel shows',
    ).toEqual([]);
  });

  it('has the panels operators look for', () => {
    const titles = queryPanels.map((p) => p.title);
    for (const want of [
      'Syncs ready',
      'Syncs not ready',
      'Failing objects',
      'Reconciles by kind and result',
      'Reconcile duration p50 / p95 by kind',
      'Source fetch errors',
      'Objects applied and pruned',
      'Drift corrections',
      'Queue depth',
      'Notifications',
      'Receiver requests',
      'Build info',
    ]) {
      expect(titles).toContain(want);
    }
  });
});

describe('steward-rules.yaml', () => {
  it('queries only metrics of the catalogue, up, and its own recording rules', async () => {
    const { series } = await catalogueSeries();
    const file = parse(rulesText) as {
      groups: { rules: { record?: string; alert?: string; expr: string }[] }[];
    };
    const rules = file.groups.flatMap((g) => g.rules);
    const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      const names = metricNames(r.expr);
      expect(names.length, r.expr).toBeGreaterThan(0);
      for (const n of names) {
        expect(series.has(n) || recorded.has(n) || n === 'up', `${r.alert ?? r.record}: ${n}`).toBe(true);
      }
    }
  });
});
