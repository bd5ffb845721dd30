/**
 * kubectl's connection options for the cluster commands: `--kubeconfig`, `--context`, `-n/--namespace` and
 * `-A/--all-namespaces`, with kubectl's defaults (the context's namespace, else `default`).
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { CliError, ClusterExit } from './exit-codes.js';

/** Which cluster, as which user, and where. */
export interface KubeArgs {
  /** The kubeconfig file; the default loading rules ($KUBECONFIG, ~/.kube/config, in-cluster) otherwise. */
  kubeconfig?: string;
  /** A context of the kubeconfig other than its current one. */
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

/** Adds the connection options to `cmd`; `-A` only where the command can act on every namespace. */
export function withKubeOptions(cmd: Command, o: { allNamespaces?: boolean } = {}): Command {
  cmd
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)')
    .option('--context <name>', 'kubeconfig context to use (default: its current context)')
    .option('-n, --namespace <ns>', "namespace (default: the context's namespace, else default)");
  if (o.allNamespaces) cmd.option('-A, --all-namespaces', 'every namespace', false);
  return cmd;
}

/** The connection options of {@link withKubeOptions} as commander parses them. */
export function kubeArgsOf(o: {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}): KubeArgs {
  return {
    ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
    ...(o.context ? { context: o.context } : {}),
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(o.allNamespaces ? { allNamespaces: true } : {}),
  };
}

/** Loads the kubeconfig and selects the context; a file that cannot be read or a wrong context is a usage error. */
export function loadKubeConfig(args: KubeArgs): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (args.kubeconfig) kc.loadFromFile(args.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    // The cause is a file system or YAML error: it names the file, never its contents.
    const why = err instanceof Error ? err.message : String(err);
    throw new CliError(ClusterExit.Usage, `cannot load kubeconfig ${args.kubeconfig ?? '(default)'}: ${why}`);
  }
  if (args.context) {
    if (!kc.getContextObject(args.context)) {
      throw new CliError(ClusterExit.Usage, `context "${args.context}" does not exist in the kubeconfig`);
    }
    kc.setCurrentContext(args.context);
  }
  return kc;
}

/** The namespace to work in: `-n`, else the context's namespace, else `default`. */
export function namespaceOf(kc: KubeConfig, args: KubeArgs): string {
  if (args.namespace) return args.namespace;
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}

/** The API server's address for messages, without any user info a URL could carry. */
export function serverOf(kc: KubeConfig): string {
  const server = kc.getCurrentCluster()?.server;
  if (!server) return '(no server in kubeconfig)';
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.origin + url.pathname.replace(/\/+$/, '');
  } catch {
    return server;
  }
}
