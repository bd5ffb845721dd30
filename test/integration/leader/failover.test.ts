/**
 * Two agents, one Lease: only the holder reconciles; when it is SIGKILLed the standby takes over within the
 * lease duration and applies the next revision (client-go leaderelection semantics, src/engine/leader.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgent } from '../../harness/agent-process.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

interface Proc {
  child: ChildProcess;
  logs: Record<string, unknown>[];
}

let sb: SandboxHandle;
let git: GitServer;
let dir: string;
let main: string;
const procs: Proc[] = [];

function start(name: string, configPath: string): Proc {
  const child = spawn(
    process.execPath,
    [
      main,
      'run',
      '--config',
      configPath,
      '--kubeconfig',
      sb.kubeconfigPath,
      '--install-crds',
      '--allow-insecure-http',
      '--namespace',
      'default',
      '--host',
      '127.0.0.1',
    ],
    { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const p: Proc = { child, logs: [] };
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) {
      try {
        p.logs.push({ ...(JSON.parse(l) as Record<string, unknown>), agent: name });
      } catch {
        // not a log line
      }
    }
  });
  procs.push(p);
  return p;
}

const applied = (p: Proc) => p.logs.some((l) => l.msg === 'server-side apply completed');
const leading = (p: Proc) => p.logs.some((l) => l.msg === 'started leading');

beforeAll(async () => {
  main = await buildAgent();
  sb = await startSandbox();
  git = await startGitServer();
  dir = await mkdtemp(join(tmpdir(), 'steward-failover-'));
  await git.createRepo('app', {
    'app/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rev, namespace: default}\ndata: {v: "1"}\n',
  });
}, 120_000);

afterAll(async () => {
  for (const p of procs) {
    try {
      if (p.child.pid) process.kill(-p.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await git?.stop();
  await sb?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('leader election', () => {
  it('runs one reconciling agent, and the standby takes over within 15 s of a SIGKILL', async () => {
    const configs = await Promise.all(
      ['a', 'b'].map(async (n) => {
        const path = join(dir, `${n}.yaml`);
        await writeFile(
          path,
          [
            'concurrency: 2',
            'ports: {metrics: 0, health: 0, webhook: 0}',
            `artifactsDir: ${join(dir, `artifacts-${n}`)}`,
            'lockdown: {platformNamespaces: [default]}',
            'leaderElection: {enabled: true, leaseName: steward-leader, leaseDuration: 6s, renewDeadline: 4s, retryPeriod: 1s}',
          ].join('\n'),
        );
        return path;
      }),
    );
    const a = start('a', configs[0] ?? '');
    await eventually(() => (leading(a) ? true : undefined), 30_000, 'agent a to lead');
    const b = start('b', configs[1] ?? '');
    await sb.raw(
      'PATCH',
      '/apis/steward.dev/v1alpha1/namespaces/default/gitrepositories/app?fieldManager=test',
      {
        body: {
          apiVersion: 'steward.dev/v1alpha1',
          kind: 'GitRepository',
          metadata: { name: 'app', namespace: 'default' },
          spec: { url: git.url('app'), insecure: true, interval: '1s' },
        },
        contentType: 'application/apply-patch+yaml',
      },
    );
    await sb.raw('PATCH', '/apis/steward.dev/v1alpha1/namespaces/default/syncs/app?fieldManager=test', {
      body: {
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'Sync',
        metadata: { name: 'app', namespace: 'default' },
        spec: {
          sourceRef: { kind: 'GitRepository', name: 'app' },
          path: './app',
          interval: '1m',
          prune: true,
        },
      },
      contentType: 'application/apply-patch+yaml',
    });
    const value = async () =>
      (
        (await sb.raw('GET', '/api/v1/namespaces/default/configmaps/rev')).json().data as
          | { v?: string }
          | undefined
      )?.v;
    await eventually(async () => ((await value()) === '1' ? true : undefined), 30_000, 'the first revision');
    // Only the leader reconciles: the standby has applied nothing.
    await eventually(() => (applied(a) ? true : undefined), 5_000, 'the leader to log its apply');
    expect(leading(b)).toBe(false);
    expect(applied(b)).toBe(false);
    if (a.child.pid) process.kill(-a.child.pid, 'SIGKILL');
    const killedAt = Date.now();
    await git.commit(
      'app',
      {
        'app/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rev, namespace: default}\ndata: {v: "2"}\n',
      },
      'v2',
    );
    await eventually(
      async () => ((await value()) === '2' ? true : undefined),
      30_000,
      'the standby to apply the next revision',
    );
    const failoverMs = Date.now() - killedAt;
    console.log(`leader failover: revision applied by the standby ${failoverMs} ms after SIGKILL`);
    expect(leading(b)).toBe(true);
    // The apply is visible in the cluster a moment before its log line reaches us through the pipe.
    await eventually(() => (applied(b) ? true : undefined), 5_000, 'the standby to log its apply');
    expect(failoverMs).toBeLessThan(15_000);
  });
});
