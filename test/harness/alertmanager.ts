/**
 * A real Alertmanager (the Debian `prometheus-alertmanager` binary) for tests: a config of its own routing every
 * alert to a receiver that sends nothing, storage in a temp dir, the API on 127.0.0.1 and a free port, and
 * clustering off. Steward posts to `/api/v2/alerts`; tests read the same endpoint back.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminate, waitReady } from './process.js';
import { freePort } from './prometheus.js';

const BINARY = '/usr/bin/prometheus-alertmanager';
const LOG_LIMIT = 64 * 1024;

/** An alert as `GET /api/v2/alerts` returns it (only the fields tests read). */
export interface GettableAlert {
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed' };
}

export interface AlertmanagerHandle {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The alerts Alertmanager holds that have not resolved (it leaves resolved ones out of this list). */
  alerts(): Promise<GettableAlert[]>;
  /** What Alertmanager wrote to stderr so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export async function startAlertmanager(opts: { readyTimeoutMs?: number } = {}): Promise<AlertmanagerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-alertmanager-'));
  const configPath = join(dir, 'alertmanager.yml');
  // JSON is YAML. A receiver with no integrations accepts every alert and notifies nobody.
  const config = { route: { receiver: 'blackhole', group_wait: '1s' }, receivers: [{ name: 'blackhole' }] };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  let stderr = '';
  let child: ChildProcess | undefined;
  let url = '';
  try {
    // A port picked by binding :0 can be taken again before Alertmanager binds it; try a fresh one then.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      stderr = '';
      child = spawn(
        BINARY,
        [
          `--config.file=${configPath}`,
          `--storage.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--cluster.listen-address=',
        ],
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-LOG_LIMIT);
      });
      const outcome = await waitReady(child, {
        program: BINARY,
        url: `${url}/-/ready`,
        statuses: [200],
        timeoutMs: opts.readyTimeoutMs ?? 15_000,
      });
      if (outcome === 'ready') break;
      if (outcome === 'exited' && attempt < 3 && stderr.includes('address already in use')) continue;
      throw new Error(`alertmanager did not become ready (${outcome}):\n${stderr}`);
    }
  } catch (err) {
    if (child) await terminate(child);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const proc = child;
  let stopping: Promise<void> | undefined;
  return {
    url,
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (res.status !== 200) throw new Error(`GET /api/v2/alerts: HTTP ${res.status}: ${await res.text()}`);
      return (await res.json()) as GettableAlert[];
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
