/** Runs the real agent in-process against a sandbox, with its own temp artifacts dir and free ports. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Agent } from '../../src/agent.js';
import { startAgent } from '../../src/agent.js';
import { parseConfig } from '../../src/config/index.js';
import type { SandboxHandle } from './sandbox.js';

export interface AgentHandle {
  agent: Agent;
  /** Every log line the agent wrote, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startTestAgent(sb: SandboxHandle, extraConfig = ''): Promise<AgentHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-agent-'));
  const config = parseConfig(
    `concurrency: 4\nports: {metrics: 0, health: 0, webhook: 0}\nartifactsDir: ${dir}\nleaderElection: {enabled: false}\n${extraConfig.includes('lockdown:') ? '' : 'lockdown: {platformNamespaces: [default]}\n'}${extraConfig}`,
    'test-config.yaml',
  );
  const logs: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    {
      write(line: string) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  const agent = await startAgent({
    config,
    kubeconfig: sb.kc,
    log,
    installCrds: true,
    allowInsecureHttp: true,
    host: '127.0.0.1',
    pathEnv: process.env.PATH ?? '',
  });
  return {
    agent,
    logs,
    async stop() {
      await agent.stop(2_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
