/**
 * A port the agent cannot bind fails its start with nothing left running: no reconciles, and no Lease taken
 * for a process that serves nothing (the elector starts only after every listener is up).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../../src/agent.js';
import { parseConfig } from '../../../src/config/index.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
let taken: Server;
let port: number;
let dir: string;

beforeAll(async () => {
  [sb, dir] = await Promise.all([startSandbox(), mkdtemp(join(tmpdir(), 'steward-start-'))]);
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as { port: number }).port;
  await sb.raw('POST', '/api/v1/namespaces', {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'steward-system' } },
  });
});

afterAll(async () => {
  await new Promise((resolve) => taken?.close(resolve));
  await sb?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('startAgent', () => {
  it('fails on a taken webhook port and leaves no elector behind', async () => {
    const config = parseConfig(
      `ports: {metrics: 0, health: 0, webhook: ${port}}\nartifactsDir: ${dir}\n` +
        'leaderElection: {enabled: true, leaseDuration: 2s, renewDeadline: 1500ms, retryPeriod: 200ms}\n',
      'test-config.yaml',
    );
    const start = startAgent({
      config,
      kubeconfig: sb.kc,
      log: pino({ level: 'silent' }),
      installCrds: true,
      host: '127.0.0.1',
      pathEnv: process.env.PATH ?? '',
      namespace: 'steward-system',
    });
    await expect(start).rejects.toThrow(/EADDRINUSE/);
    // An elector would have created the Lease within one retry period.
    await new Promise((r) => setTimeout(r, 1_000));
    const lease = await sb.raw(
      'GET',
      '/apis/coordination.k8s.io/v1/namespaces/steward-system/leases/steward-leader',
    );
    expect(lease.status).toBe(404);
  });
});
