/** `steward sandbox`: runs the embedded sandbox Kubernetes API server until SIGINT or SIGTERM. */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { parseUsers } from '../sandbox/auth/users.js';
import { kubeconfigYaml } from '../sandbox/kubeconfig.js';
import { SandboxServer } from '../sandbox/server.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description('run the sandbox Kubernetes API server (in-memory; HTTP and HTTPS on one port)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', port, 0)
    .option('--kubeconfig <file>', 'write an admin kubeconfig here', 'sandbox.kubeconfig')
    .option('--state <file>', 'persist the cluster state in this file and load it at start')
    .option('--users <file>', 'extra users (YAML: users: [{name, token, groups}])')
    .option('--settle <ms>', 'how long simulated workloads take to become ready', '2000')
    .option('--never-ready <pattern...>', 'image patterns that never become ready (glob)', ['*:never-ready'])
    .action(
      async (o: {
        port: number;
        kubeconfig: string;
        state?: string;
        users?: string;
        settle: string;
        neverReady: string[];
      }) => {
        const log = pino({ name: 'steward-sandbox' });
        const users = o.users ? parseUsers(await readFile(o.users, 'utf8')) : [];
        const server = new SandboxServer({
          port: o.port,
          users,
          ...(o.state ? { stateFile: resolve(o.state) } : {}),
          simulator: { enabled: true, settleMs: Number(o.settle), failImagePatterns: o.neverReady },
          onError: (err, where) => log.error({ err, where }, 'sandbox internal error'),
        });
        const ep = await server.start();
        const kubeconfig = resolve(o.kubeconfig);
        await writeFile(
          kubeconfig,
          kubeconfigYaml({ server: ep.httpsUrl, caPem: ep.caPem, token: ep.adminToken }),
          {
            mode: 0o600,
          },
        );
        log.info({ https: ep.httpsUrl, http: ep.httpUrl, kubeconfig }, 'sandbox API server listening');
        process.stdout.write(
          `\nSandbox API server (a simulation: no pods run) listening on ${ep.httpsUrl} (plain HTTP on the same port)\n` +
            `Admin kubeconfig: ${kubeconfig}\n\n  export KUBECONFIG=${kubeconfig}\n  kubectl get namespaces\n\nCtrl-C stops it.\n`,
        );
        const stop = async (signal: string) => {
          log.info({ signal }, 'stopping sandbox API server');
          await server.stop();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop('SIGINT'));
        process.once('SIGTERM', () => void stop('SIGTERM'));
      },
    );
}
