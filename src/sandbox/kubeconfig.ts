/** A kubeconfig for a sandbox user, in the format kubectl and client-node read. */
import { stringify } from 'yaml';

export function kubeconfigYaml(opts: {
  server: string;
  caPem: string;
  token: string;
  user?: string;
}): string {
  const user = opts.user ?? 'sandbox-admin';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'steward-sandbox',
        cluster: {
          server: opts.server,
          'certificate-authority-data': Buffer.from(opts.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: user, user: { token: opts.token } }],
    contexts: [
      { name: 'steward-sandbox', context: { cluster: 'steward-sandbox', user, namespace: 'default' } },
    ],
    'current-context': 'steward-sandbox',
  });
}
