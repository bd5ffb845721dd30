/**
 * Runs the built agent (`steward run`) as a child process, so tests can do what only a separate process allows:
 * SIGKILL it at any instant and start it again over the same state, as a container runtime does after an OOM
 * kill or a node failure. The build goes to test-output/ (incremental, so only the first run pays for it) rather
 * than dist/, which may be stale or rebuilt by someone else while a test runs.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const ROOT = join(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-output/agent-process-dist');
const MAIN = join(OUT, 'cli/main.js');
// Node's compile cache halves the agent's start (about 1.4 s to 0.7 s here), and tests restart it often.
const COMPILE_CACHE = join(ROOT, 'test-output/agent-process-compile-cache');

/** Compiles src/ into test-output/ (incrementally: a no-op when nothing changed); returns the CLI entry point. */
export async function buildAgent(): Promise<string> {
  // Type errors are the typecheck step's business: tsc still emits (exit 2) and the test runs what it emitted.
  // Exit 1, 3 or 4 mean nothing was emitted, and an old build must not pass for a new one.
  const res = await execa(
    join(ROOT, 'node_modules/.bin/tsc'),
    [
      '-p',
      'tsconfig.build.json',
      '--outDir',
      OUT,
      '--incremental',
      '--tsBuildInfoFile',
      `${OUT}.tsbuildinfo`,
    ],
    { cwd: ROOT, reject: false },
  );
  if ((res.exitCode !== 0 && res.exitCode !== 2) || !existsSync(MAIN)) {
    throw new Error(`the agent did not build (tsc exit ${res.exitCode}):\n${res.stdout}\n${res.stderr}`);
  }
  return MAIN;
}

export interface AgentProcessOptions {
  /** The admin kubeconfig of the cluster to run against. */
  kubeconfigPath: string;
  /** More `steward.yaml` lines (must not repeat the keys this harness sets). */
  extraConfig?: string;
  logLevel?: 'debug' | 'info' | 'warn';
}

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running agent process. */
export interface AgentProcess {
  readonly pid: number;
  /** `Date.now()` right after the spawn. */
  readonly startedAt: number;
  /** Every JSON log line it wrote to stdout so far, parsed. */
  readonly logs: readonly Record<string, unknown>[];
  /** Everything it wrote to stderr (a crash's stack trace). */
  stderr(): string;
  readonly exited: Promise<AgentExit>;
  /** Polls `/readyz` until it answers 200 (both informers listed once); returns ms since the spawn. */
  waitReady(timeoutMs?: number): Promise<number>;
  /** Sends `signal` to the agent and every process it started, and waits for the agent to exit. */
  kill(signal?: NodeJS.Signals): Promise<AgentExit>;
}

/**
 * Starts agent processes that share one config, one kubeconfig and one artifacts directory (an emptyDir
 * survives a container restart, so a restarted agent finds the artifacts of the killed one).
 */
export class AgentLauncher {
  readonly #running = new Set<ChildProcess>();
  readonly #killAll = () => {
    for (const child of this.#running) killGroup(child, 'SIGKILL');
  };
  #dir: string | undefined;
  #configPath = '';
  #main = '';

  constructor(private readonly opts: AgentProcessOptions) {}

  /** Builds the agent and writes its config; call once before {@link start}. */
  async prepare(): Promise<void> {
    this.#main = await buildAgent();
    this.#dir = await mkdtemp(join(tmpdir(), 'steward-agent-process-'));
    this.#configPath = join(this.#dir, 'steward.yaml');
    const config = [
      'concurrency: 4',
      'ports: {metrics: 0, health: 0, webhook: 0}',
      `artifactsDir: ${join(this.#dir, 'artifacts')}`,
      'leaderElection: {enabled: false}',
      'lockdown: {platformNamespaces: [default]}',
      this.opts.extraConfig ?? '',
    ].join('\n');
    await writeFile(this.#configPath, `${config}\n`);
    // A test runner that dies without its afterAll must not leave agents behind (they run in their own groups).
    process.once('exit', this.#killAll);
  }

  async start(): Promise<AgentProcess> {
    if (this.#dir === undefined) throw new Error('AgentLauncher.prepare() was not called');
    const child = spawn(
      process.execPath,
      [
        this.#main,
        'run',
        '--config',
        this.#configPath,
        '--kubeconfig',
        this.opts.kubeconfigPath,
        '--install-crds',
        '--allow-insecure-http',
        '--host',
        '127.0.0.1',
        '--log-level',
        this.opts.logLevel ?? 'info',
      ],
      // Its own process group: a kill takes its kustomize children too, as a container kill does.
      {
        cwd: this.#dir,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE },
      },
    );
    const startedAt = Date.now();
    if (child.pid === undefined) throw new Error('the agent process did not start');
    const pid = child.pid;
    this.#running.add(child);
    const logs: Record<string, unknown>[] = [];
    let stderr = '';
    let pending = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          logs.push({ msg: line });
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<AgentExit>((resolve) => {
      child.once('exit', (code, signal) => {
        this.#running.delete(child);
        resolve({ code, signal });
      });
    });
    const healthPort = (): number | undefined => {
      const started = logs.find((l) => l.msg === 'agent started');
      return typeof started?.healthPort === 'number' ? started.healthPort : undefined;
    };
    return {
      pid,
      startedAt,
      logs,
      stderr: () => stderr,
      exited,
      async waitReady(timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`the agent exited before it was ready:\n${stderr}`);
          }
          const port = healthPort();
          if (port !== undefined && (await readyz(port))) return Date.now() - startedAt;
          if (Date.now() > deadline)
            throw new Error(`the agent was not ready after ${timeoutMs} ms:\n${stderr}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      },
      async kill(signal: NodeJS.Signals = 'SIGKILL') {
        if (child.exitCode === null && child.signalCode === null) killGroup(child, signal);
        return exited;
      },
    };
  }

  /** SIGKILLs every agent still running and removes the config and artifacts. */
  async cleanup(): Promise<void> {
    const waits = [...this.#running].map(
      (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
    );
    this.#killAll();
    await Promise.all(waits);
    process.removeListener('exit', this.#killAll);
    if (this.#dir !== undefined) await rm(this.#dir, { recursive: true, force: true });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already: the agent exited and its children with it.
  }
}

async function readyz(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
