/**
 * The quick start's composition root: the sandbox API server, a local Git smart-HTTP server holding the example
 * app, and the agent reconciling that app into the sandbox, all in one process and all on 127.0.0.1. It reads
 * nothing from the environment itself: paths, ports and the git environment come in.
 */
import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { stringify } from 'yaml';
import type { Agent } from '../agent.js';
import { startAgent } from '../agent.js';
import { parseConfig } from '../config/index.js';
import { kubeconfigYaml } from '../sandbox/kubeconfig.js';
import { SandboxServer } from '../sandbox/server.js';
import { QuickstartError } from './errors.js';
import type { GitRunner } from './git-cli.js';
import { gitRunner } from './git-cli.js';
import type { GitHttpServer } from './git-http.js';
import { startGitHttpServer } from './git-http.js';
import { preferPort } from './ports.js';
import { BRANCH, prepareRepository } from './repo.js';

/** The objects the quick start creates, and the namespace the example app lands in. */
export const QUICKSTART_NAMES = Object.freeze({
  namespace: 'default',
  gitRepository: 'examples',
  sync: 'hello',
  appNamespace: 'hello',
  /** The bare repository's name on the Git server (`/examples.git`). */
  repo: 'examples',
});

/** How often the GitRepository polls the local server: short, so a push shows up within seconds. */
export const GIT_POLL_INTERVAL = '5s';

const HOST = '127.0.0.1';

/** Inputs of {@link startQuickstart}; the CLI fills them from its flags and the environment. */
export interface QuickstartOptions {
  /** The example app a new working clone starts from (examples/). */
  examplesDir: string;
  /** Holds the working clone (`repo/`), the served bare repository (`git/`) and the agent's artifacts. */
  stateDir: string;
  /** Where the sandbox's admin kubeconfig is written. */
  kubeconfigPath: string;
  /** Port of the sandbox API server; 0 (the default) picks a free one. */
  port?: number;
  /** Port of /metrics; 8080 by default. When it is taken a free one is used; 0 always picks a free one. */
  metricsPort?: number;
  /** How long simulated workloads take to become ready; 2000 ms by default. */
  settleMs?: number;
  log: Logger;
  /** The environment of every git run; its PATH also finds kubectl (kustomize) for the agent. */
  env: Readonly<Record<string, string>>;
}

/** The running quick start: where everything listens, and how to stop it. */
export interface Quickstart {
  /** `https://127.0.0.1:<port>` (plain HTTP is served on the same port). */
  apiServerUrl: string;
  kubeconfigPath: string;
  /** The clone URL of the example repository on the local Git server. */
  gitUrl: string;
  /** The user's working clone. */
  repoPath: string;
  /** `http://127.0.0.1:<port>/metrics` */
  metricsUrl: string;
  /** The status page (and, under /api/v1/, its JSON API). */
  statusUrl: string;
  /** The metrics port asked for was taken, so metricsUrl has another one. */
  metricsPortTaken: boolean;
  /** The commit of main the agent starts from. */
  head: string;
  /** Whether the working clone was created by this start (false: an existing one was reused). */
  repoCreated: boolean;
  sandbox: SandboxServer;
  agent: Agent;
  /** Stops the agent, then the Git server, then the sandbox. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts everything; on a failure part-way, stops what already started and rethrows. */
export async function startQuickstart(opts: QuickstartOptions): Promise<Quickstart> {
  const { log } = opts;
  const stateDir = resolve(opts.stateDir);
  const pathEnv = opts.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  const git = gitRunner(opts.env, stateDir);
  await mkdir(stateDir, { recursive: true });
  await checkTools(git, pathEnv);

  // Stopped in reverse order of start: agent, Git server, sandbox.
  const stops: { what: string; stop: () => Promise<void> }[] = [];
  const stopAll = async () => {
    let first: unknown;
    for (const s of stops.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (err) {
        log.error({ error: String(err), component: s.what }, 'stop failed');
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  };
  try {
    const sandbox = new SandboxServer({
      host: HOST,
      port: opts.port ?? 0,
      simulator: { enabled: true, settleMs: opts.settleMs ?? 2000, failImagePatterns: ['*:never-ready'] },
      onError: (err, where) => log.error({ err, where }, 'sandbox internal error'),
    });
    const ep = await sandbox.start().catch(async (err: unknown) => {
      await sandbox.stop().catch(() => {}); // its controllers started before the listen failed
      if (!isAddressInUse(err)) throw err;
      throw new QuickstartError(
        'PortTaken',
        `port ${opts.port ?? 0} of the sandbox API server is taken; choose another, or 0 for a free one`,
        { cause: err },
      );
    });
    stops.push({ what: 'sandbox', stop: () => sandbox.stop() });
    const kubeconfigPath = resolve(opts.kubeconfigPath);
    const kubeconfig = kubeconfigYaml({ server: ep.httpsUrl, caPem: ep.caPem, token: ep.adminToken });
    await mkdir(dirname(kubeconfigPath), { recursive: true });
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });

    const gitRoot = join(stateDir, 'git');
    await mkdir(gitRoot, { recursive: true });
    const gitServer: GitHttpServer = await startGitHttpServer({
      root: gitRoot,
      env: { PATH: pathEnv, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
    stops.push({ what: 'git server', stop: () => gitServer.stop() });
    const gitUrl = gitServer.url(QUICKSTART_NAMES.repo);
    const repoPath = join(stateDir, 'repo');
    const repo = await prepareRepository({
      git,
      examplesDir: resolve(opts.examplesDir),
      barePath: join(gitRoot, `${QUICKSTART_NAMES.repo}.git`),
      clonePath: repoPath,
      url: gitUrl,
    });
    log.info({ url: gitUrl, head: repo.head, created: repo.created }, 'example repository ready');

    const wantedMetricsPort = opts.metricsPort ?? 8080;
    const metricsPort = await preferPort(HOST, wantedMetricsPort);
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig);
    const agent = await startAgent({
      config: agentConfig(gitUrl, metricsPort, join(stateDir, 'artifacts')),
      kubeconfig: kc,
      log,
      installCrds: true,
      allowInsecureHttp: true,
      host: HOST,
      pathEnv,
    });
    stops.push({ what: 'agent', stop: () => agent.stop(5_000) });

    return {
      apiServerUrl: ep.httpsUrl,
      kubeconfigPath,
      gitUrl,
      repoPath,
      metricsUrl: `http://${HOST}:${agent.port}/metrics`,
      statusUrl: `http://${HOST}:${agent.port}/`,
      metricsPortTaken: wantedMetricsPort !== 0 && metricsPort === 0,
      head: repo.head,
      repoCreated: repo.created,
      sandbox,
      agent,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => {});
    throw err;
  }
}

/** The agent's settings: one worker pool, no leader election, and the example's GitRepository and Sync. */
function agentConfig(gitUrl: string, metricsPort: number, artifactsDir: string) {
  const { namespace } = QUICKSTART_NAMES;
  const config = {
    concurrency: 4,
    // No Receiver in the quick start: a free webhook port, so a second run never collides on 9292.
    ports: { metrics: metricsPort, health: 0, webhook: 0 },
    artifactsDir,
    leaderElection: { enabled: false },
    bootstrap: [
      {
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'GitRepository',
        metadata: { name: QUICKSTART_NAMES.gitRepository, namespace },
        spec: { url: gitUrl, insecure: true, interval: GIT_POLL_INTERVAL, ref: { branch: BRANCH } },
      },
      {
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'Sync',
        metadata: { name: QUICKSTART_NAMES.sync, namespace },
        spec: {
          sourceRef: { kind: 'GitRepository', name: QUICKSTART_NAMES.gitRepository },
          path: './hello',
          prune: true,
          wait: true,
          interval: '1m',
          timeout: '1m',
        },
      },
      {
        // The platform repository creates two tenants; their Syncs apply as their own service accounts.
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'Sync',
        metadata: { name: 'platform', namespace },
        spec: {
          sourceRef: { kind: 'GitRepository', name: QUICKSTART_NAMES.gitRepository },
          path: './platform',
          prune: true,
          interval: '1m',
          postBuild: { substitute: { TEAM_REPO_URL: gitUrl } },
        },
      },
    ],
  };
  return parseConfig(stringify(config), 'quickstart settings');
}

/** Fails early, with what to install, when git's HTTP backend or kubectl (which runs kustomize) is missing. */
async function checkTools(git: GitRunner, pathEnv: string): Promise<void> {
  const execPath = await git(['--exec-path']);
  if (!(await executable(join(execPath, 'git-http-backend')))) {
    throw new QuickstartError(
      'ToolMissing',
      `git's HTTP backend is missing (${join(execPath, 'git-http-backend')}); install git from Debian (apt-get install git)`,
    );
  }
  const dirs = pathEnv.split(delimiter).filter((d) => d !== '');
  const found = await Promise.all(dirs.map((d) => executable(join(d, 'kubectl'))));
  if (!found.includes(true)) {
    throw new QuickstartError(
      'ToolMissing',
      'kubectl (which renders kustomize) is not on PATH; run scripts/setup.sh, or use npm start',
    );
  }
}

function isAddressInUse(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'EADDRINUSE';
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}
