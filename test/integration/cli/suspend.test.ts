/**
 * `steward suspend` and `steward resume` with the real agent: suspend sets spec.suspend and a new commit is
 * not applied while suspended (though the source fetches it); resume removes spec.suspend, requests a
 * reconcile, waits for it and reports the new revision, which is then live.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCommand } from '../../../src/cli/get.js';
import { resumeCommand, suspendCommand } from '../../../src/cli/suspend.js';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import { eventually, type SandboxHandle, startSandbox } from '../../harness/sandbox.js';
import { captureIO, runCommandLine } from './helpers.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let firstSha: string;

const BASE = '/apis/steward.dev/v1alpha1/namespaces/default';

type Obj = {
  spec: Record<string, unknown>;
  status?: {
    lastAppliedRevision?: string;
    artifact?: { revision?: string };
    conditions?: { type: string; status: string }[];
  };
};

async function read(path: string): Promise<Obj> {
  return (await sb.raw('GET', path)).json() as Obj;
}

async function apply(plural: string, kind: string, name: string, spec: object): Promise<void> {
  const r = await sb.raw('PATCH', `${BASE}/${plural}/${name}?fieldManager=test&force=true`, {
    body: { apiVersion: 'steward.dev/v1alpha1', kind, metadata: { name, namespace: 'default' }, spec },
    contentType: 'application/apply-patch+yaml',
  });
  if (r.status > 201) throw new Error(`apply ${kind}/${name}: ${r.status} ${r.text}`);
}

const configMap = (color: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  color: ${color}\n`;

async function color(): Promise<string | undefined> {
  const cm = (await sb.raw('GET', '/api/v1/namespaces/demo/configmaps/settings')).json() as {
    data?: Record<string, string>;
  };
  return cm.data?.color;
}

async function run(command: typeof suspendCommand | typeof getCommand, argv: string[]) {
  const io = captureIO();
  return runCommandLine(command(io), [...argv, '--kubeconfig', sb.kubeconfigPath], io);
}

beforeAll(async () => {
  [sb, git] = await Promise.all([startSandbox(), startGitServer()]);
  ({ head: firstSha } = await git.createRepo('fleet', {
    'app/kustomization.yaml': 'resources: [namespace.yaml, config.yaml]\n',
    'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
    'app/config.yaml': configMap('blue'),
  }));
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1')).status === 200 ? true : undefined,
  );
  // The source polls every second, so a new commit reaches it quickly; the Sync follows new revisions at once.
  await apply('gitrepositories', 'GitRepository', 'fleet', {
    url: git.url('fleet'),
    insecure: true,
    interval: '1s',
    ref: { branch: 'main' },
  });
  await apply('syncs', 'Sync', 'app', {
    sourceRef: { kind: 'GitRepository', name: 'fleet' },
    path: './app',
    interval: '1h',
    prune: true,
    timeout: '20s',
  });
  await eventually(
    async () =>
      (await read(`${BASE}/syncs/app`)).status?.lastAppliedRevision?.endsWith(firstSha) ? true : undefined,
    30_000,
    'the first commit to be applied',
  );
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('steward suspend and resume', () => {
  it('suspend sets spec.suspend, and the agent applies no new commit while suspended', async () => {
    const r = await run(suspendCommand, ['sync', 'app']);
    expect(r).toEqual({ code: 0, out: 'Sync/default/app suspended\n', err: '' });
    expect((await read(`${BASE}/syncs/app`)).spec.suspend).toBe(true);
    const table = await run(getCommand, ['sync', 'app']);
    expect(table.out.split('\n')[1]).toMatch(/^app +True +main@sha1:\w+ +True +/);

    const sha = await git.commit('fleet', { 'app/config.yaml': configMap('green') }, 'green');
    await eventually(
      async () =>
        (await read(`${BASE}/gitrepositories/fleet`)).status?.artifact?.revision?.endsWith(sha)
          ? true
          : undefined,
      15_000,
      'the source to fetch the new commit',
    );
    // Unsuspended, the new revision is applied within a second of the fetch; give it more than that.
    await sleep(1_500);
    expect((await read(`${BASE}/syncs/app`)).status?.lastAppliedRevision).toBe(`main@sha1:${firstSha}`);
    expect(await color()).toBe('blue');
  });

  it('resume removes spec.suspend, waits for the reconcile and reports the new revision', async () => {
    const head = await git.git(['rev-parse', 'main'], `${git.root}/fleet.git`);
    const r = await run(resumeCommand, ['sync', 'app', '--timeout', '30s']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Sync\/default\/app: resumed, reconcile requested at \S+$/);
    expect(lines[1]).toBe(`Sync/default/app is Ready: Applied revision: main@sha1:${head}`);
    expect((await read(`${BASE}/syncs/app`)).spec).not.toHaveProperty('suspend');
    expect(await color()).toBe('green');
  });

  it('exits 2 for an object that does not exist', async () => {
    expect(await run(suspendCommand, ['sync', 'nope'])).toEqual({
      code: 2,
      out: '',
      err: 'error: Sync/default/nope not found\n',
    });
    const resumed = await run(resumeCommand, ['gitrepo', 'nope', '--no-wait']);
    expect(resumed).toEqual({ code: 2, out: '', err: 'error: GitRepository/default/nope not found\n' });
  });
});
