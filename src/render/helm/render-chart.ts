/**
 * Renders a chart with the real `helm template`, so that a Sync applies exactly what helm would: the values
 * go in as one file (already merged, see values-resolve.ts), nothing is fetched (no dependency update, no DNS
 * lookups), and each render has its own HOME and helm directories, removed afterwards. The chart is checked
 * first (chart-check.ts): helm would follow its symlinks and fetch its schema references.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Reasons, ReconcileError } from '../../core/types.js';
import { buildFailed } from '../../plan/errors.js';
import { decodeUtf8 } from '../../plan/text.js';
import type { RenderResult } from '../render.js';
import type { ChartLimits } from './chart-check.js';
import { checkChartDir, DEFAULT_CHART_LIMITS } from './chart-check.js';
import { helmFailureMessage } from './helm-errors.js';
import type { HelmFailure } from './helm-exec.js';
import { HelmRunError, runHelm, STDERR_CAP } from './helm-exec.js';
import { helmSourceFiles } from './sources.js';
import type { Values } from './values-merge.js';

/** One `helm template` run. */
export interface RenderChartInput {
  /** The chart's root directory (Chart.yaml), with subcharts vendored in charts/. */
  chartDir: string;
  releaseName: string;
  namespace: string;
  /** The user values, merged (resolveValues); the chart's own values.yaml is helm's to read. */
  values: Values;
  kubeVersion: string;
  includeCRDs: boolean;
  skipTests: boolean;
  /** The helm program, and the PATH it runs with (its only inherited setting). */
  helm: { command: string; pathEnv: string };
  timeoutMs: number;
  maxOutputBytes: number;
  /** `podinfo 6.5.0`: how messages name the chart. */
  chartLabel: string;
  /** Strings to mask in helm's error messages: values read from Secrets (resolveHelmValues' `secrets`). */
  redact?: readonly string[];
  /** Caps for the chart check; DEFAULT_CHART_LIMITS when left out. */
  chartLimits?: ChartLimits;
  /** Parent of the render's throwaway directory; the OS temp directory when left out. */
  tmpDir?: string;
  signal?: AbortSignal;
}

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const KUBE_VERSION = /^v?[0-9]+\.[0-9]+(?:\.[0-9]+)?$/;

function checkInput(input: RenderChartInput): void {
  const label = `chart ${input.chartLabel}`;
  if (input.releaseName.length > 53 || !DNS_LABEL.test(input.releaseName)) {
    throw buildFailed(
      `${label}: release name ${JSON.stringify(input.releaseName)} must be a DNS-1123 label of at most 53 characters`,
    );
  }
  if (input.namespace.length > 63 || !DNS_LABEL.test(input.namespace)) {
    throw buildFailed(`${label}: namespace ${JSON.stringify(input.namespace)} is not a valid namespace name`);
  }
  if (!KUBE_VERSION.test(input.kubeVersion)) {
    throw buildFailed(`${label}: kube version ${JSON.stringify(input.kubeVersion)} must look like 1.36.0`);
  }
}

/** The `helm template` arguments; flags in `--flag=value` form so that no value can be read as a flag. */
export function helmTemplateArgs(
  input: Pick<RenderChartInput, 'releaseName' | 'namespace' | 'kubeVersion' | 'includeCRDs' | 'skipTests'> & {
    chartDir: string;
    valuesFile: string;
  },
): string[] {
  const args = [
    'template',
    input.releaseName,
    input.chartDir,
    `--namespace=${input.namespace}`,
    `--kube-version=${input.kubeVersion}`,
    `--values=${input.valuesFile}`,
  ];
  if (input.includeCRDs) args.push('--include-crds');
  if (input.skipTests) args.push('--skip-tests');
  return args;
}

function failure(
  f: HelmFailure,
  input: RenderChartInput,
  paths: readonly string[],
  cause: unknown,
): ReconcileError {
  const label = `chart ${input.chartLabel}`;
  // A slow node can make a render time out once; a chart that always does keeps failing visibly.
  const transient = (message: string) =>
    new ReconcileError(Reasons.BuildFailed, 'transient', `${label}: ${message}`, label, { cause });
  switch (f.kind) {
    case 'timeout':
      return transient(`helm template timed out after ${input.timeoutMs} ms`);
    case 'cancelled':
      return transient('helm template was cancelled');
    case 'killed':
      return transient(`helm template was killed by ${f.signal}`);
    case 'spawn':
      return transient(`helm could not run: ${f.code}`);
    case 'output-cap':
      return buildFailed(
        `${label}: helm template produced more than ${input.maxOutputBytes} bytes of output`,
        label,
      );
    case 'stderr-cap':
      return buildFailed(`${label}: helm template wrote more than ${STDERR_CAP} bytes of errors`, label);
    case 'exit': {
      const message = helmFailureMessage(f.stderr, { paths, redact: input.redact ?? [] });
      return buildFailed(`${label}: helm template failed: ${message}`, label);
    }
  }
}

/** Renders the chart; throws a ReconcileError naming the chart, its version and helm's message. */
export async function renderChart(input: RenderChartInput): Promise<RenderResult> {
  checkInput(input);
  const chartDir = resolve(input.chartDir);
  await checkChartDir(chartDir, input.chartLimits ?? DEFAULT_CHART_LIMITS, input.chartLabel);
  const work = await mkdtemp(join(input.tmpDir ?? tmpdir(), 'steward-helm-'));
  try {
    const homes = {
      home: join(work, 'home'),
      config: join(work, 'config'),
      cache: join(work, 'cache'),
      data: join(work, 'data'),
    };
    for (const dir of Object.values(homes)) await mkdir(dir);
    // JSON is YAML that helm reads back without YAML 1.1's surprises (a string `yes` stays a string).
    // Relative to helm's working directory: `--values` splits its argument at commas.
    const valuesFile = 'values.json';
    await writeFile(join(work, valuesFile), JSON.stringify(input.values), { mode: 0o600 });
    let stdout: Uint8Array;
    try {
      stdout = await runHelm({
        command: input.helm.command,
        args: helmTemplateArgs({ ...input, chartDir, valuesFile }),
        pathEnv: input.helm.pathEnv,
        homes,
        cwd: work,
        timeoutMs: input.timeoutMs,
        maxOutputBytes: input.maxOutputBytes,
        ...(input.signal ? { signal: input.signal } : {}),
      });
    } catch (e) {
      if (e instanceof HelmRunError) throw failure(e.failure, input, [chartDir, work], e);
      throw e;
    }
    const decoded = decodeUtf8(stdout);
    if (!decoded.ok) {
      throw buildFailed(
        `chart ${input.chartLabel}: helm template output line ${decoded.problem.line} is ${decoded.problem.message}`,
        `chart ${input.chartLabel}`,
      );
    }
    return { yaml: decoded.text, files: helmSourceFiles(decoded.text), renderer: 'helm' };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
