/**
 * `steward quickstart` as `npm start` runs it: the built CLI in a child process, its instructions on stdout,
 * quiet JSON logs on stderr, and a clean exit on Ctrl-C (SIGINT) that leaves no port listening. The build goes
 * to test-output/ (incremental, so only the first run pays for it) rather than dist/, which may be stale.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../harness/sandbox.js';
import { bareGitEnv, EXAMPLES_DIR, listening, portOf, readyCondition, sandboxReader } from './helpers.js';

const ROOT = join(import.meta.dirname, '../../..');
const OUT = join(ROOT, 'test-output/quickstart-dist');
const MAIN = join(OUT, 'cli/main.js');

let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steward-quickstart-cli-'));
  // Type errors are the typecheck step's business; tsc emits regardless, and this test runs what it emitted.
  await execa(
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
  expect(existsSync(MAIN)).toBe(true);
}, 120_000);

afterAll(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Resolves with everything the stream wrote once `marker` appears in it. */
function waitFor(stream: NodeJS.ReadableStream, marker: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`no "${marker}" after ${timeoutMs} ms:\n${text}`)),
      timeoutMs,
    );
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes(marker)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

describe('steward quickstart (child process)', () => {
  it('prints the instructions, applies the example, and stops cleanly on SIGINT', async () => {
    const env = await bareGitEnv(dir);
    const proc = spawn(
      process.execPath,
      [
        MAIN,
        'quickstart',
        '--port',
        '0',
        '--metrics-port',
        '0',
        '--dir',
        'state',
        '--kubeconfig',
        'sandbox.kubeconfig',
        '--examples',
        EXAMPLES_DIR,
        '--settle',
        '300',
      ],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const out = await waitFor(proc.stdout!, 'Ctrl-C stops everything.', 30_000);

    expect(out).toContain('export KUBECONFIG=$PWD/sandbox.kubeconfig');
    expect(out).toContain('kubectl get syncs,gitrepositories -A');
    expect(out).toContain('kubectl -n hello get deploy,svc,cm');
    expect(out).toContain('cd state/repo && $EDITOR hello/configmap.yaml && git commit -am');
    const url = (label: string) => out.match(new RegExp(`${label}\\s+(\\S+)`))?.[1] ?? '';
    const api = url('API server');
    const git = url('Git server');
    const metrics = url('Metrics');
    expect(api).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(git).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/examples\.git$/);
    expect(metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const kubeconfig = join(dir, 'sandbox.kubeconfig');
    expect((await stat(kubeconfig)).mode & 0o777).toBe(0o600);
    const get = await sandboxReader(kubeconfig);
    await eventually(
      async () =>
        readyCondition(await get('/apis/steward.dev/v1alpha1/namespaces/default/syncs/hello'))?.status ===
        'True'
          ? true
          : undefined,
      20_000,
      'the Sync to become Ready',
    );
    expect((await fetch(metrics)).status).toBe(200);

    const stopping = waitFor(proc.stdout!, 'Stopping', 5_000);
    proc.kill('SIGINT');
    await stopping;
    expect(await exited).toBe(0);
    const ports = [portOf(api), portOf(git), portOf(metrics)];
    expect(await Promise.all(ports.map(listening))).toEqual([false, false, false]);
    // Quiet by default: only JSON lines at warn (40) or above.
    for (const line of stderr.split('\n').filter((l) => l !== '')) {
      expect((JSON.parse(line) as { level: number }).level).toBeGreaterThanOrEqual(40);
    }
  });
});
