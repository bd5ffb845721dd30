/**
 * The quick start in-process, as `npm start` runs it: the sandbox, the local Git server and the agent applying
 * examples/hello, then the user's edit-commit-push loop from the working clone, a restart that keeps the
 * user's commits, and a stop that leaves nothing listening.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quickstart } from '../../../src/quickstart/index.js';
import { startQuickstart } from '../../../src/quickstart/index.js';
import { eventually } from '../../harness/sandbox.js';
import type { Obj } from './helpers.js';
import {
  bareGitEnv,
  EXAMPLES_DIR,
  listening,
  portOf,
  readyCondition,
  sandboxReader,
  userGit,
} from './helpers.js';

const SYNC = '/apis/steward.dev/v1alpha1/namespaces/default/syncs/hello';
const CONFIGMAP = '/api/v1/namespaces/hello/configmaps/hello-config';

let dir: string;
let env: Record<string, string>;
let qs: Quickstart | undefined;
const logs: Record<string, unknown>[] = [];

function start(metricsPort = 0): Promise<Quickstart> {
  return startQuickstart({
    examplesDir: EXAMPLES_DIR,
    stateDir: join(dir, 'state'),
    kubeconfigPath: join(dir, 'sandbox.kubeconfig'),
    port: 0,
    metricsPort,
    settleMs: 300,
    log: pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
    env,
  });
}

/** Waits for the Sync to be Ready at `sha` and returns the live ConfigMap's message. */
async function appliedMessage(get: (p: string) => Promise<Obj | undefined>, sha: string, timeoutMs: number) {
  await eventually(
    async () => {
      const s = await get(SYNC);
      return readyCondition(s)?.status === 'True' && s?.status?.lastAppliedRevision === `main@sha1:${sha}`
        ? true
        : undefined;
    },
    timeoutMs,
    `the Sync to be Ready at ${sha}`,
  );
  return (await get(CONFIGMAP))?.data?.PODINFO_UI_MESSAGE;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steward-quickstart-'));
  env = await bareGitEnv(dir);
  qs = await start();
});

afterAll(async () => {
  await qs?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('quick start', () => {
  it('applies examples/hello to the sandbox and reports the Sync Ready', async () => {
    const q = qs!;
    expect(q.repoCreated).toBe(true);
    const get = await sandboxReader(q.kubeconfigPath);
    const message = await appliedMessage(get, q.head, 20_000);
    expect(message).toBe('Hello from Git, applied by Steward');
    expect(await get('/apis/apps/v1/namespaces/hello/deployments/hello')).toBeDefined();
    expect(await get('/api/v1/namespaces/hello/services/hello')).toBeDefined();
    // The commands the instructions print work with the real kubectl.
    const kubectl = (args: string[]) =>
      execa('kubectl', args, {
        env: { ...env, KUBECONFIG: q.kubeconfigPath, KUBECACHEDIR: join(dir, 'kc') },
      });
    const syncs = (await kubectl(['get', 'syncs,gitrepositories', '-A'])).stdout;
    expect(syncs).toMatch(/sync\.steward\.dev\/hello\s+True\s+main@sha1:/);
    expect(syncs).toMatch(/gitrepository\.steward\.dev\/examples\s+True\s+main@sha1:/);
    const app = (await kubectl(['-n', 'hello', 'get', 'deploy,svc,cm'])).stdout;
    expect(app).toMatch(/deployment\.apps\/hello\s+2\/2/);
    expect(app).toContain('service/hello');
    expect(app).toContain('configmap/hello-config');
  });

  it('creates two tenants from the platform repository and reconciles each in its own namespace only', async () => {
    const q = qs!;
    const get = await sandboxReader(q.kubeconfigPath);
    for (const [team, message] of [
      ['team-a', 'Hello from team A'],
      ['team-b', 'Hello from team B'],
    ] as const) {
      const deadline = Date.now() + 30_000;
      let cm = await get(`/api/v1/namespaces/${team}/configmaps/web-config`);
      while (!cm && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        cm = await get(`/api/v1/namespaces/${team}/configmaps/web-config`);
      }
      expect(cm?.data?.MESSAGE, `${team}'s ConfigMap`).toBe(message);
      const cmMeta = cm?.metadata as { managedFields?: { manager: string }[] } | undefined;
      expect(cmMeta?.managedFields?.map((m) => m.manager)).toContain('steward');
      expect(await get(`/apis/apps/v1/namespaces/${team}/deployments/web`)).toBeDefined();
    }
    // Isolated: each tenant's service account may act in its namespace and not in the other's.
    const kubectl = (args: string[]) =>
      execa('kubectl', args, {
        env: { ...env, KUBECONFIG: q.kubeconfigPath, KUBECACHEDIR: join(dir, 'kc') },
        reject: false,
      });
    const own = await kubectl([
      'auth',
      'can-i',
      'create',
      'configmaps',
      '-n',
      'team-a',
      '--as=system:serviceaccount:team-a:deployer',
    ]);
    const other = await kubectl([
      'auth',
      'can-i',
      'create',
      'configmaps',
      '-n',
      'team-b',
      '--as=system:serviceaccount:team-a:deployer',
    ]);
    const cluster = await kubectl([
      'auth',
      'can-i',
      'create',
      'namespaces',
      '--as=system:serviceaccount:team-a:deployer',
    ]);
    expect([own.stdout.trim(), other.stdout.trim(), cluster.stdout.trim()]).toEqual(['yes', 'no', 'no']);
  });

  it('sets a commit identity in the clone when the machine has none, and applies a push within 15 s', async () => {
    const q = qs!;
    const get = await sandboxReader(q.kubeconfigPath);
    expect(await userGit(env, q.repoPath, ['config', '--local', 'user.email'])).not.toBe('');
    const file = join(q.repoPath, 'hello/configmap.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('Hello from Git, applied by Steward', 'Hello again'));
    await userGit(env, q.repoPath, ['commit', '--quiet', '-am', 'Change the message']);
    const t0 = Date.now();
    await userGit(env, q.repoPath, ['push', '--quiet']);
    const sha = await userGit(env, q.repoPath, ['rev-parse', 'HEAD']);
    expect(await appliedMessage(get, sha, 15_000)).toBe('Hello again');
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('serves /metrics with the Sync reconciles counted', async () => {
    const res = await fetch(qs!.metricsUrl);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/steward_reconcile_total\{[^}]*kind="Sync"[^}]*\} [1-9]/);
  });

  it('stops the agent, the Git server and the sandbox, leaving no port listening', async () => {
    const q = qs!;
    const ports = [portOf(q.apiServerUrl), portOf(q.gitUrl), portOf(q.metricsUrl)];
    expect(await Promise.all(ports.map(listening))).toEqual([true, true, true]);
    qs = undefined;
    await q.stop();
    expect(await Promise.all(ports.map(listening))).toEqual([false, false, false]);
    const stopped = logs.map((l) => l.msg);
    expect(stopped).toContain('agent stopped');
  });

  it('keeps the clone and its commits across a restart, and moves off a taken metrics port', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as { port: number }).port;
    try {
      qs = await start(busyPort);
    } finally {
      busy.close();
    }
    const q = qs;
    expect(q.repoCreated).toBe(false);
    expect(q.metricsPortTaken).toBe(true);
    expect(portOf(q.metricsUrl)).not.toBe(busyPort);
    expect(q.head).toBe(await userGit(env, q.repoPath, ['rev-parse', 'HEAD']));
    const get = await sandboxReader(q.kubeconfigPath);
    expect(await appliedMessage(get, q.head, 20_000)).toBe('Hello again');
    // The clone's origin follows the Git server to its new port, so a plain `git push` keeps working.
    expect(await userGit(env, q.repoPath, ['remote', 'get-url', 'origin'])).toBe(q.gitUrl);
    expect(await userGit(env, q.repoPath, ['status', '--porcelain', '--branch'])).toBe(
      '## main...origin/main',
    );
  });

  it('refuses a taken API server port with a message that says so', async () => {
    const taken = portOf(qs!.apiServerUrl);
    const other = join(dir, 'other');
    const attempt = startQuickstart({
      examplesDir: EXAMPLES_DIR,
      stateDir: other,
      kubeconfigPath: join(other, 'sandbox.kubeconfig'),
      port: taken,
      metricsPort: 0,
      log: pino({ level: 'silent' }),
      env,
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'PortTaken',
      message: expect.stringContaining(`port ${taken}`),
    });
  });
});
