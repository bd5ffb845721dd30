/** `steward run`: the agent, against the cluster of a kubeconfig or the in-cluster service account. */
import { KubeConfig } from '@kubernetes/client-node';
import { Command } from 'commander';
import { pino } from 'pino';
import { startAgent } from '../agent.js';
import { loadConfig } from '../config/index.js';

export function runCommand(): Command {
  return new Command('run')
    .description('run the agent: reconcile GitRepositories and Syncs in the cluster')
    .option('--config <file>', 'agent settings', 'config/steward.yaml')
    .option(
      '--kubeconfig <file>',
      'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, then in-cluster)',
    )
    .option('--install-crds', "install or update Steward's CRDs at start", false)
    .option('--allow-insecure-http', 'allow Git repositories over plain http (local servers only)', false)
    .option('--log-level <level>', 'pino log level', 'info')
    .option('--host <address>', 'address the metrics and health servers listen on', '0.0.0.0')
    .option(
      '--namespace <ns>',
      "the agent's namespace, where its leader election Lease lives",
      process.env.POD_NAMESPACE,
    )
    .action(
      async (o: {
        config: string;
        kubeconfig?: string;
        installCrds: boolean;
        allowInsecureHttp: boolean;
        logLevel: string;
        namespace?: string;
        host: string;
      }) => {
        const log = pino({
          name: 'steward',
          level: o.logLevel,
          redact: {
            paths: ['*.token', '*.password', '*.bearerToken', '*.authorization', '*.headers.authorization'],
            censor: '[redacted]',
          },
        });
        const config = await loadConfig(o.config);
        const kc = new KubeConfig();
        if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
        else kc.loadFromDefault();
        const agent = await startAgent({
          config,
          kubeconfig: kc,
          log,
          installCrds: o.installCrds,
          allowInsecureHttp: o.allowInsecureHttp,
          pathEnv: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
          ...(o.namespace ? { namespace: o.namespace } : {}),
          onLeadershipLost: () => process.exit(1),
          host: o.host,
        });
        const stop = async (signal: string) => {
          log.info({ signal }, 'shutting down');
          await agent.stop();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop('SIGINT'));
        process.once('SIGTERM', () => void stop('SIGTERM'));
      },
    );
}
