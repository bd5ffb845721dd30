/**
 * `steward reconcile` with the real agent, a real Git server and the sandbox: it writes the request
 * annotation, waits until the agent reports the request handled, and exits 0 with the revision when Ready;
 * 1 with the Sync's own message when its reconcile fails, when it times out, or when the Sync is suspended;
 * 2 when the object does not exist. `--with-source` fetches a new commit first. Also `steward events` on
 * the events the agent recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsCommand } from '../../../src/cli/events.js';
import { reconcileCommand } from '../../../src/cli/reconcile.js';
import { RECONCILE_REQUEST_ANNOTATION } from '../../../src/core/constants.js';
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
let agentStopped = false;

const BASE = '/apis/steward.dev/v1alpha1/namespaces/default';

type Obj = {
  metadata: { annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: {
    lastHandledReconcileAt?: string;
    lastAppliedRevision?: string;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
};

async function read(plural: string, name: string): Promise<Obj> {
  return (await sb.raw('GET', `${BASE}/${plural}/${name}`)).json() as Obj;
}

async function apply(plural: string, kind: string, name: string, spec: object): Promise<void> {
  const r = await sb.raw('PATCH', `${BASE}/${plural}/${name}?fieldManager=test&force=true`, {
    body: { apiVersion: 'steward.dev/v1alpha1', kind, metadata: { name, namespace: 'default' }, spec },
    contentType: 'application/apply-patch+yaml',
  });
  if (r.status > 201) throw new Error(`apply ${kind}/${name}: ${r.status} ${r.text}`);
}

function sync(path: string, extra: object = {}) {
  return {
    sourceRef: { kind: 'GitRepository', name: 'fleet' },
    path,
    interval: '1h',
    prune: true,
    timeout: '20s',
    ...extra,
  };
}

async function run(command: typeof reconcileCommand | typeof eventsCommand, argv: string[]) {
  const io = captureIO();
  return runCommandLine(command(io), [...argv, '--kubeconfig', sb.kubeconfigPath], io);
}

const readyOf = (o: Obj) => o.status?.conditions?.find((c) => c.type === 'Ready');

beforeAll(async () => {
  [sb, git] = await Promise.all([startSandbox(), startGitServer()]);
  ({ head: firstSha } = await git.createRepo('fleet', {
    'app/kustomization.yaml': 'resources: [namespace.yaml, config.yaml]\n',
    'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
    'app/config.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  color: blue\n',
  }));
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1')).status === 200 ? true : undefined,
  );
  // A long interval: only a reconcile request makes the agent look at the repository again.
  await apply('gitrepositories', 'GitRepository', 'fleet', {
    url: git.url('fleet'),
    insecure: true,
    interval: '1h',
    ref: { branch: 'main' },
  });
  await apply('syncs', 'Sync', 'app', sync('./app'));
  await apply('syncs', 'Sync', 'broken', sync('./missing'));
  await apply('syncs', 'Sync', 'paused', sync('./app', { suspend: true }));
  await eventually(
    async () => (readyOf(await read('syncs', 'app'))?.status === 'True' ? true : undefined),
    30_000,
    'Sync app to become Ready',
  );
}, 60_000);

afterAll(async () => {
  if (!agentStopped) await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('steward reconcile', () => {
  it('requests a reconcile, waits until the agent handled it, and reports Ready with the revision', async () => {
    const r = await run(reconcileCommand, ['sync', 'app']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [requested, outcome] = r.out.trimEnd().split('\n');
    const at = /^Sync\/default\/app: reconcile requested at (\S+)$/.exec(requested ?? '')?.[1];
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(outcome).toBe(`Sync/default/app is Ready: Applied revision: main@sha1:${firstSha}`);
    const live = await read('syncs', 'app');
    expect(live.metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION]).toBe(at);
    expect(live.status?.lastHandledReconcileAt).toBe(at);
  });

  it("exits 1 with the Sync's own message when its reconcile fails", async () => {
    const r = await run(reconcileCommand, ['syncs', 'broken']);
    expect(r.code).toBe(1);
    const ready = readyOf(await read('syncs', 'broken'));
    expect(ready?.status).toBe('False');
    expect(r.err).toBe(`error: Sync/default/broken is not Ready (${ready?.reason}): ${ready?.message}\n`);
    expect(ready?.message).toContain('missing');
  });

  it('refuses a suspended object (exit 1) and a missing one (exit 2) without writing anything', async () => {
    const paused = await run(reconcileCommand, ['sync', 'paused']);
    expect(paused.code).toBe(1);
    expect(paused.err).toBe(
      'error: Sync/default/paused is suspended: resume it with "steward resume sync paused -n default"\n',
    );
    expect(
      (await read('syncs', 'paused')).metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION],
    ).toBeUndefined();
    const missing = await run(reconcileCommand, ['sync', 'nope']);
    expect(missing).toEqual({ code: 2, out: '', err: 'error: Sync/default/nope not found\n' });
    const badTimeout = await run(reconcileCommand, ['sync', 'app', '--timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
  });

  it('--with-source fetches a new commit first, then applies it', async () => {
    const sha = await git.commit(
      'fleet',
      {
        'app/config.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  color: green\n',
      },
      'green',
    );
    const r = await run(reconcileCommand, ['sync', 'app', '--with-source', '--timeout', '10s']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^GitRepository\/default\/fleet: reconcile requested at /);
    expect(lines[1]).toBe(
      `GitRepository/default/fleet is Ready: stored artifact for revision 'main@sha1:${sha}'`,
    );
    expect(lines[2]).toMatch(/^Sync\/default\/app: reconcile requested at /);
    expect(lines[3]).toBe(`Sync/default/app is Ready: Applied revision: main@sha1:${sha}`);
    const cm = (await sb.raw('GET', '/api/v1/namespaces/demo/configmaps/settings')).json() as {
      data: Record<string, string>;
    };
    expect(cm.data.color).toBe('green');
  });

  it('shows the events the agent recorded for the Sync', async () => {
    const r = await run(eventsCommand, ['--for', 'sync/app']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$/);
    expect(lines.slice(1).every((l) => l.includes('Sync/app'))).toBe(true);
    expect(
      lines.some((l) => / Normal +ReconciliationSucceeded +Sync\/app +Applied revision: main@sha1:/.test(l)),
    ).toBe(true);
  });

  // Last: it stops the agent, so that no reconcile request can be handled any more.
  it('exits 1 with the last Ready condition when the request is not handled in time', async () => {
    await agent.stop();
    agentStopped = true;
    const started = Date.now();
    const r = await run(reconcileCommand, ['sync', 'app', '--timeout', '1500ms']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^error: Sync\/default\/app: timed out after 1500ms waiting for the reconcile requested at \S+ to be handled; Ready is True \(ReconciliationSucceeded\): Applied revision: main@sha1:\w+\n$/,
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_500);
    expect(elapsed).toBeLessThan(5_000);
  });
});
