/**
 * A real Prometheus (the Debian `prometheus` binary from PATH) for tests: a config of its own with one job
 * (`steward` unless told otherwise) scraping static targets every second, optionally rule files evaluated at the
 * same interval; a temp TSDB; the web API on 127.0.0.1 and a free port.
 * Prometheus 2.42 hands new targets to its scrape loops on a 5 s tick, so the first sample lands about 6 s after
 * start even at a 1 s interval: wait with `waitFor`, never with a fixed sleep.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { terminate, waitReady } from './process.js';

export interface PrometheusOptions {
  /** Scrape (and rule evaluation) interval; Prometheus duration syntax. Default `1s`. */
  scrapeInterval?: string;
  /** How long to wait for `/-/ready`. Default 15 s. */
  readyTimeoutMs?: number;
  /** The scrape job's name, the `job` label of every series it scrapes. Default `steward`. */
  job?: string;
  /** Rule files to load, by file name (no directories): their contents, written next to the config. */
  ruleFiles?: Readonly<Record<string, string>>;
}

/** An alert as `/api/v1/alerts` reports it: pending or firing. */
export interface PromAlert {
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  state: 'pending' | 'firing';
  value: number;
}

/** A rule as `/api/v1/rules` reports it after its evaluations. */
export interface PromRule {
  group: string;
  name: string;
  type: 'alerting' | 'recording';
  /** `ok`, `err`, or `unknown` before the first evaluation. */
  health: string;
  lastError: string;
  lastEvaluation: string;
}

/** One element of an instant query's answer; a scalar answer is one sample with no labels. */
export interface PromSample {
  metric: Readonly<Record<string, string>>;
  /** `NaN`, `+Inf` and `-Inf` become the matching numbers. */
  value: number;
}

export interface PrometheusHandle {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Runs an instant query now. An empty array means no series matched. */
  query(promql: string): Promise<PromSample[]>;
  /**
   * Polls `promql` until `accept` returns something other than undefined. On timeout the error names `what`,
   * the last answer, and the tail of Prometheus' log.
   */
  waitFor<T>(
    promql: string,
    accept: (samples: PromSample[]) => T | undefined,
    opts?: { timeoutMs?: number; what?: string },
  ): Promise<T>;
  /** The alerts of the loaded rules that are pending or firing now. */
  alerts(): Promise<PromAlert[]>;
  /** Every loaded rule with its health after the last evaluation. */
  rules(): Promise<PromRule[]>;
  /** What Prometheus wrote to stderr so far (its log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const DEFAULT_JOB = 'steward';
const LOG_LIMIT = 64 * 1024;
const POLL_MS = 200;

/** Starts Prometheus scraping `targets` (`host:port`) as one job, and resolves once it is ready. */
export async function startPrometheus(
  targets: readonly string[],
  opts: PrometheusOptions = {},
): Promise<PrometheusHandle> {
  const interval = opts.scrapeInterval ?? '1s';
  const dir = await mkdtemp(join(tmpdir(), 'steward-prometheus-'));
  const configPath = join(dir, 'prometheus.yml');
  const ruleFiles = Object.entries(opts.ruleFiles ?? {});
  for (const [name, text] of ruleFiles) {
    if (basename(name) !== name) throw new Error(`rule file ${name}: give a file name without directories`);
    await writeFile(join(dir, name), text);
  }
  // JSON is YAML, and it spares us quoting rules.
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    ...(ruleFiles.length > 0 ? { rule_files: ruleFiles.map(([name]) => name) } : {}),
    scrape_configs: [{ job_name: opts.job ?? DEFAULT_JOB, static_configs: [{ targets: [...targets] }] }],
  };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);

  let stderr = '';
  let child: ChildProcess | undefined;
  let url = '';
  try {
    // A port picked by binding :0 can be taken again before Prometheus binds it; try a fresh one then.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      stderr = '';
      child = spawn(
        'prometheus',
        [
          `--config.file=${configPath}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-LOG_LIMIT);
      });
      const outcome = await waitReady(child, {
        program: 'prometheus',
        url: `${url}/-/ready`,
        statuses: [200],
        timeoutMs: opts.readyTimeoutMs ?? 15_000,
      });
      if (outcome === 'ready') break;
      if (outcome === 'exited' && attempt < 3 && stderr.includes('address already in use')) continue;
      throw new Error(`prometheus did not become ready (${outcome}):\n${stderr}`);
    }
  } catch (err) {
    if (child) await terminate(child);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const proc = child;

  const query = async (promql: string): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    return parseQueryResponse(promql, res.status, await res.text());
  };

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status?: string; error?: string; data?: T };
    if (body.status !== 'success' || body.data === undefined) {
      throw new Error(`GET ${path}: HTTP ${res.status}: ${body.error ?? 'no data'}`);
    }
    return body.data;
  };

  let stopping: Promise<void> | undefined;
  return {
    url,
    query,
    async alerts() {
      const data = await api<{ alerts: (Omit<PromAlert, 'value'> & { value: string })[] }>('/api/v1/alerts');
      return data.alerts.map((a) => ({ ...a, value: promNumber(a.value) }));
    },
    async rules() {
      const data = await api<{ groups: { name: string; rules: Omit<PromRule, 'group'>[] }[] }>(
        '/api/v1/rules',
      );
      return data.groups.flatMap((g) =>
        g.rules.map((r) => ({
          group: g.name,
          name: r.name,
          type: r.type,
          health: r.health,
          lastError: r.lastError ?? '',
          lastEvaluation: r.lastEvaluation,
        })),
      );
    },
    async waitFor(promql, accept, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 15_000);
      let last = 'no answer yet';
      for (;;) {
        try {
          const samples = await query(promql);
          const v = accept(samples);
          if (v !== undefined) return v;
          last = JSON.stringify(samples);
        } catch (err) {
          last = err instanceof Error ? err.message : String(err);
        }
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for ${o.what ?? promql}\nquery: ${promql}\nlast answer: ${last}\n` +
              `prometheus log (tail):\n${stderr.slice(-4_000)}`,
          );
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    log: () => stderr,
    stop() {
      stopping ??= (async () => {
        await terminate(proc);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Sums the values of an instant vector; no series counts as 0 (a counter that was never incremented). */
export function sumOf(samples: readonly PromSample[]): number {
  return samples.reduce((acc, s) => acc + s.value, 0);
}

/** The single value of an answer, or undefined when there is not exactly one sample. */
export function onlyValue(samples: readonly PromSample[]): number | undefined {
  return samples.length === 1 ? samples[0]?.value : undefined;
}

interface ApiResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

type WireSample = { metric?: Record<string, string>; value?: [number, string] };

function parseQueryResponse(promql: string, status: number, body: string): PromSample[] {
  let parsed: ApiResponse;
  try {
    parsed = JSON.parse(body) as ApiResponse;
  } catch {
    throw new Error(`query ${promql}: HTTP ${status}, not JSON: ${body.slice(0, 200)}`);
  }
  if (parsed.status !== 'success') {
    throw new Error(`query ${promql}: ${parsed.errorType ?? `HTTP ${status}`}: ${parsed.error ?? body}`);
  }
  const { resultType, result } = parsed.data ?? {};
  if (resultType === 'scalar') return [{ metric: {}, value: promNumber((result as [number, string])[1]) }];
  if (resultType === 'vector') {
    return (result as WireSample[]).map((s) => ({ metric: s.metric ?? {}, value: promNumber(s.value?.[1]) }));
  }
  throw new Error(`query ${promql}: a ${resultType} answer; ask for an instant vector or a scalar`);
}

function promNumber(v: string | undefined): number {
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return v === undefined ? Number.NaN : Number(v);
}

/** A port free on 127.0.0.1 right now; nothing listens on it until someone binds it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** One sample line of the text exposition format. */
export interface ExpositionSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** A metric family as its `# TYPE` and `# HELP` lines declare it, with its samples. */
export interface MetricFamily {
  name: string;
  /** `counter`, `gauge`, `histogram`, `summary` or `untyped`. */
  type: string;
  help: string;
  samples: ExpositionSample[];
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+-?\d+)?$/;
const LABEL_PAIR = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
const COMPOSITE_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/**
 * Parses Prometheus' text exposition format (0.0.4), strictly enough to fail on a malformed line: families by
 * their TYPE lines (a family with no samples yet still counts), samples assigned to their family.
 */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(line);
    if (meta) {
      const [, what, name = '', rest = ''] = meta;
      if (what === 'TYPE') family(name).type = rest.trim();
      else family(name).help = rest;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE_LINE.exec(line);
    if (!m) throw new Error(`line ${i + 1} is not a sample: ${line}`);
    const [, name = '', labelText = '', raw = ''] = m;
    const sample: ExpositionSample = { name, labels: parseLabels(labelText, i + 1), value: sampleValue(raw) };
    if (Number.isNaN(sample.value) && raw.toLowerCase() !== 'nan') {
      throw new Error(`line ${i + 1}: bad value ${raw}`);
    }
    family(familyOf(name, families)).samples.push(sample);
  }
  return families;
}

/**
 * Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case; prom-client writes `Nan`
 * (for instance for its event-loop lag gauges before the first measurement).
 */
function sampleValue(raw: string): number {
  const lower = raw.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  return raw.trim() === '' ? Number.NaN : Number(raw);
}

function familyOf(sample: string, families: ReadonlyMap<string, MetricFamily>): string {
  if (families.has(sample)) return sample;
  for (const [type, suffixes] of Object.entries(COMPOSITE_SUFFIXES)) {
    for (const suffix of suffixes) {
      const base = sample.slice(0, -suffix.length);
      if (sample.endsWith(suffix) && families.get(base)?.type === type) return base;
    }
  }
  return sample;
}

function parseLabels(text: string, lineNo: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL_PAIR.lastIndex = 0;
  while (LABEL_PAIR.lastIndex < text.length) {
    const start = LABEL_PAIR.lastIndex;
    const m = LABEL_PAIR.exec(text);
    if (!m) throw new Error(`line ${lineNo}: bad labels at ${JSON.stringify(text.slice(start))}`);
    const [, key = '', value = ''] = m;
    labels[key] = value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}
