/**
 * The agent for the receiver bench: `steward run` from the build in its own process, every port picked at
 * random, and the webhook port read from its "agent started" line.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonLine } from './cluster.js';
import type { Child } from './procs.js';
import { startNode } from './procs.js';

export interface ReceiverAgent {
  child: Child;
  metricsUrl: string;
  webhookUrl: string;
  /** Warning and error lines so far, by message. */
  warnings(): Record<string, number>;
}

interface StartedLine {
  msg?: string;
  level?: number;
  port?: number;
  webhookPort?: number;
}

const WARN = 40;

export async function startReceiverAgent(o: {
  mainJs: string;
  dir: string;
  kubeconfigPath: string;
  env: NodeJS.ProcessEnv;
}): Promise<ReceiverAgent> {
  const configPath = join(o.dir, 'steward.yaml');
  await writeFile(
    configPath,
    [
      'concurrency: 4',
      'ports: {metrics: 0, health: 0, webhook: 0}',
      `artifactsDir: ${join(o.dir, 'artifacts')}`,
      'leaderElection: {enabled: false}',
      '',
    ].join('\n'),
  );
  const warnings: Record<string, number> = {};
  const child = startNode({
    name: 'agent',
    args: [
      o.mainJs,
      'run',
      '--config',
      configPath,
      '--kubeconfig',
      o.kubeconfigPath,
      '--install-crds',
      '--allow-insecure-http',
      '--host',
      '127.0.0.1',
      // The "agent started" line that names the ports is an info line.
      '--log-level',
      'info',
    ],
    env: o.env,
    onLine: (line) => {
      const l = jsonLine<StartedLine>(line);
      if (l && (l.level ?? 0) >= WARN) warnings[l.msg ?? '?'] = (warnings[l.msg ?? '?'] ?? 0) + 1;
    },
  });
  try {
    const started = await child.waitForLine((line) => {
      const l = jsonLine<StartedLine>(line);
      return l?.msg === 'agent started' ? l : undefined;
    }, 60_000);
    if (started.webhookPort === undefined) throw new Error('the agent did not report a webhook port');
    return {
      child,
      metricsUrl: `http://127.0.0.1:${started.port}/metrics`,
      webhookUrl: `http://127.0.0.1:${started.webhookPort}`,
      warnings: () => ({ ...warnings }),
    };
  } catch (err) {
    await child.stop();
    throw err;
  }
}
