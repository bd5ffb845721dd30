/**
 * Sync windows (Argo CD's concept, with node-cron syntax): a deny window holds automated applies for the
 * matching Syncs and says in status when the decision changes; drift correction inside it is the window's choice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;

const cm = (name: string, ns: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: {value: "${value}"}\n`;

async function applySync(ns: string, name: string, path: string) {
  await sb.raw(
    'PATCH',
    `/apis/steward.dev/v1alpha1/namespaces/${ns}/syncs/${name}?fieldManager=test&force=true`,
    {
      body: {
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'Sync',
        metadata: { name, namespace: ns },
        spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, path, interval: '1m', prune: true },
      },
      contentType: 'application/apply-patch+yaml',
    },
  );
}

async function conditions(ns: string, name: string) {
  const r = await sb.raw('GET', `/apis/steward.dev/v1alpha1/namespaces/${ns}/syncs/${name}`);
  return (
    (
      r.json().status as
        | { conditions?: { type: string; status: string; reason: string; message: string }[] }
        | undefined
    )?.conditions ?? []
  );
}

const value = async (ns: string, name: string) =>
  (
    (await sb.raw('GET', `/api/v1/namespaces/${ns}/configmaps/${name}`)).json().data as
      | { value?: string }
      | undefined
  )?.value;

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer();
  await git.createRepo('repo', {
    'frozen/cm.yaml': cm('frozen', 'frozen', 'v1'),
    'guarded/cm.yaml': cm('guarded', 'guarded', 'v1'),
  });
  for (const ns of ['frozen', 'guarded'])
    await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
  agent = await startTestAgent(
    sb,
    `lockdown: {platformNamespaces: [frozen, guarded]}
syncWindows:
  - {kind: deny, schedule: "* * * * *", duration: 2m, namespaces: [frozen]}
  - {kind: deny, schedule: "* * * * *", duration: 2m, namespaces: [guarded], driftCorrection: true}
`,
  );
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1/gitrepositories')).status === 200 ? true : undefined,
  );
  for (const ns of ['frozen', 'guarded']) {
    await sb.raw(
      'PATCH',
      `/apis/steward.dev/v1alpha1/namespaces/${ns}/gitrepositories/repo?fieldManager=test`,
      {
        body: {
          apiVersion: 'steward.dev/v1alpha1',
          kind: 'GitRepository',
          metadata: { name: 'repo', namespace: ns },
          spec: { url: git.url('repo'), insecure: true, interval: '1s' },
        },
        contentType: 'application/apply-patch+yaml',
      },
    );
  }
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('sync windows', () => {
  it('holds a Sync inside a deny window and says which window and for how long', async () => {
    await applySync('frozen', 'app', './frozen');
    const held = await eventually(
      async () => (await conditions('frozen', 'app')).find((c) => c.reason === 'SyncWindowClosed'),
      20_000,
      'the hold',
    );
    expect(held.type).toBe('Reconciling');
    // Every minute opens a new two-minute window, so it never closes within the look-ahead.
    expect(held.message).toBe(
      'held by sync window: deny window "* * * * *" (2m) active for more than 7 days',
    );
    expect((await sb.raw('GET', '/api/v1/namespaces/frozen/configmaps/frozen')).status).toBe(404);
  });

  it('does not apply a new revision in a window that only allows drift correction', async () => {
    await applySync('guarded', 'app', './guarded');
    await eventually(
      async () => (await conditions('guarded', 'app')).find((c) => c.reason === 'SyncWindowClosed'),
      20_000,
      'the hold',
    );
    expect((await sb.raw('GET', '/api/v1/namespaces/guarded/configmaps/guarded')).status).toBe(404);
    expect(await value('guarded', 'guarded')).toBeUndefined();
  });
});
