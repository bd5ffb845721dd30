/** What the quick start prints once everything runs: where things are and what to try. Pure text. */
import { isAbsolute, relative } from 'node:path';
import { GIT_POLL_INTERVAL, QUICKSTART_NAMES } from './quickstart.js';

/** Where things are, as {@link quickstartInstructions} shows them. */
export interface InstructionsInput {
  /** The directory the user started from; paths under it are shown relative to it. */
  cwd: string;
  apiServerUrl: string;
  kubeconfigPath: string;
  /** The directory holding the project's kubectl, when there is one. */
  toolsBinDir?: string;
  gitUrl: string;
  repoPath: string;
  repoCreated: boolean;
  metricsUrl: string;
  statusUrl: string;
  metricsPortTaken: boolean;
  /** Whether agent logs at info level are on. */
  verbose: boolean;
}

/** The instructions, ready to write to stdout. */
export function quickstartInstructions(i: InstructionsInput): string {
  const fromPwd = (path: string) => {
    const rel = relative(i.cwd, path);
    return rel === '' ? '$PWD' : rel.startsWith('..') || isAbsolute(rel) ? path : `$PWD/${rel}`;
  };
  const fromCwd = (path: string) => {
    const rel = relative(i.cwd, path);
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const { namespace, gitRepository, sync, appNamespace } = QUICKSTART_NAMES;
  const exportLine =
    `export KUBECONFIG=${fromPwd(i.kubeconfigPath)}` +
    (i.toolsBinDir === undefined ? '' : ` PATH=${fromPwd(i.toolsBinDir)}:$PATH`);
  const metricsNote = i.metricsPortTaken ? '  (the port asked for was taken)' : '';
  const repoNote = i.repoCreated
    ? 'created from examples/'
    : 'kept from the last run; its commits were pushed';
  return [
    '',
    'Steward quick start is running. The cluster is the sandbox API server, a simulation: no pods run.',
    '',
    `  API server   ${i.apiServerUrl}  (plain HTTP on the same port)`,
    `  Git server   ${i.gitUrl}  (GitRepository ${namespace}/${gitRepository}, polled every ${GIT_POLL_INTERVAL})`,
    `  Clone        ${fromCwd(i.repoPath)}  (${repoNote})`,
    `  Metrics      ${i.metricsUrl}${metricsNote}`,
    `  Status page  ${i.statusUrl}  (JSON at ${i.statusUrl}api/v1/status)`,
    '',
    `The agent applies ./hello from the repository (Sync ${namespace}/${sync}) into namespace ${appNamespace}.`,
    'In another shell, from this directory:',
    '',
    `  ${exportLine}`,
    '  kubectl get syncs,gitrepositories -A',
    '  scripts/steward get all -A   # the steward CLI: get, reconcile, suspend, resume, events, tree',
    `  kubectl -n ${appNamespace} get deploy,svc,cm`,
    '',
    'Change the app: edit the clone, commit and push; the agent applies it within seconds.',
    '',
    `  cd ${fromCwd(i.repoPath)} && $EDITOR hello/configmap.yaml && git commit -am "Change the message" && git push`,
    '',
    i.verbose
      ? 'Agent logs (JSON) go to stderr.'
      : 'Agent logs (JSON, warnings and errors only; --verbose for more) go to stderr.',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
