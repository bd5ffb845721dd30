/** Shared by the helm renderer's integration tests: the fixture chart, the tools, and helm run by hand. */
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import type { RenderChartInput } from '../../../src/render/helm/render-chart.js';

export const FIXTURE = resolve(import.meta.dirname, '../../fixtures/helm-render/webapp');
const TOOLS = resolve(import.meta.dirname, '../../../.tools/bin');
export const PATH_ENV = [TOOLS, process.env.PATH ?? ''].join(delimiter);
export const HELM = { command: 'helm', pathEnv: PATH_ENV };
export const KUSTOMIZE = { command: 'kubectl', args: ['kustomize'], pathEnv: PATH_ENV };

/** A scratch directory with a copy of the fixture chart at `<dir>/charts/webapp`. */
export async function workspace(): Promise<{
  dir: string;
  chartDir: string;
  tmp: string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-helm-render-'));
  const chartDir = join(dir, 'charts', 'webapp');
  await cp(FIXTURE, chartDir, { recursive: true });
  const tmp = join(dir, 'tmp');
  await mkdir(tmp);
  return { dir, chartDir, tmp, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** What every test renders with, unless it says otherwise. */
export function renderInput(
  chartDir: string,
  tmp: string,
  extra: Partial<RenderChartInput> = {},
): RenderChartInput {
  return {
    chartDir,
    releaseName: 'rel',
    namespace: 'team-a',
    values: {},
    kubeVersion: '1.31.2',
    includeCRDs: true,
    skipTests: true,
    helm: HELM,
    timeoutMs: 30_000,
    maxOutputBytes: 4 * 1024 * 1024,
    chartLabel: 'webapp 1.2.0',
    tmpDir: tmp,
    ...extra,
  };
}

/** `helm template` run directly, with its own throwaway helm directories. */
export async function helmTemplate(args: readonly string[]): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'steward-helm-direct-'));
  try {
    const env = {
      PATH: PATH_ENV,
      HOME: home,
      HELM_CONFIG_HOME: home,
      HELM_CACHE_HOME: home,
      HELM_DATA_HOME: home,
    };
    const { stdout } = await execa('helm', ['template', ...args], {
      env,
      extendEnv: false,
      stripFinalNewline: false,
    });
    return stdout;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

export interface Obj {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}

/** The objects of a YAML stream. */
export function objects(yaml: string): Obj[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
}

/** `Kind/name` of each object. */
export function names(yaml: string): string[] {
  return objects(yaml).map((o) => `${o.kind}/${o.metadata.name}`);
}

/** The values the chart's templates saw (its values ConfigMap). */
export function seenValues(yaml: string): Record<string, unknown> {
  const cm = objects(yaml).find((o) => o.metadata.name === 'rel-webapp-values');
  const data = cm?.data as Record<string, string> | undefined;
  return JSON.parse(data?.['values.json'] ?? 'null') as Record<string, unknown>;
}

/** Whatever is left in a directory. */
export async function leftovers(dir: string): Promise<string[]> {
  return readdir(dir);
}
