/**
 * dependsOn, suspend and source credentials, as Flux defines them (kustomize-controller "Dependencies",
 * "Suspend"; source-controller "Secret reference"): a Sync waits for its dependencies to be Ready, a suspended
 * Sync does nothing until resumed, and a token from a Secret reaches the Git server without appearing anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

const TOKEN = 'canary-token-5f3c9b1e7d';
let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;

const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\ndata: {a: b}\n`;
const syncPath = (name: string) => `/apis/steward.dev/v1alpha1/namespaces/default/syncs/${name}`;

async function applySync(name: string, spec: Record<string, unknown>) {
  return sb.raw('PATCH', `${syncPath(name)}?fieldManager=test&force=true`, {
    body: {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name, namespace: 'default' },
      spec,
    },
    contentType: 'application/apply-patch+yaml',
  });
}

async function readyOf(name: string): Promise<{ status?: string; reason?: string } | undefined> {
  const r = await sb.raw('GET', syncPath(name));
  if (r.status !== 200) return undefined;
  const conds =
    (r.json().status as { conditions?: { type: string; status: string; reason: string }[] } | undefined)
      ?.conditions ?? [];
  return conds.find((c) => c.type === 'Ready');
}

const exists = async (name: string) =>
  (await sb.raw('GET', `/api/v1/namespaces/default/configmaps/${name}`)).status === 200;

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer({ token: TOKEN });
  await git.createRepo('repo', {
    'a/kustomization.yaml': 'resources: [missing.yaml]\n',
    'b/cm.yaml': cm('from-b'),
    'c/cm.yaml': cm('from-c'),
  });
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1/gitrepositories')).status === 200 ? true : undefined,
  );
  await sb.raw('POST', '/api/v1/namespaces/default/secrets', {
    body: { metadata: { name: 'git-token' }, stringData: { bearerToken: TOKEN } },
  });
  await sb.raw(
    'PATCH',
    '/apis/steward.dev/v1alpha1/namespaces/default/gitrepositories/repo?fieldManager=test',
    {
      body: {
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'GitRepository',
        metadata: { name: 'repo', namespace: 'default' },
        spec: { url: git.url('repo'), insecure: true, interval: '1s', secretRef: { name: 'git-token' } },
      },
      contentType: 'application/apply-patch+yaml',
    },
  );
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('dependsOn', () => {
  it('holds a Sync until its dependency is Ready, then applies it', async () => {
    await applySync('a', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      path: './a',
      interval: '1m',
      prune: true,
    });
    await applySync('b', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      path: './b',
      interval: '1m',
      prune: true,
      dependsOn: [{ name: 'a' }],
    });
    const waiting = await eventually(
      async () => {
        const r = await readyOf('b');
        return r?.reason === 'DependencyNotReady' ? r : undefined;
      },
      20_000,
      'b to wait for a',
    );
    expect(waiting.status).toBe('False');
    expect(await exists('from-b')).toBe(false);
    await git.commit(
      'repo',
      { 'a/kustomization.yaml': 'resources: [cm.yaml]\n', 'a/cm.yaml': cm('from-a') },
      'fix a',
    );
    await eventually(
      async () => ((await exists('from-b')) ? true : undefined),
      40_000,
      'b to apply once a is Ready',
    );
    expect(await exists('from-a')).toBe(true);
  });
});

describe('suspend', () => {
  it('does nothing while suspended and applies on resume', async () => {
    await applySync('c', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      path: './c',
      interval: '1m',
      prune: true,
      suspend: true,
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await exists('from-c')).toBe(false);
    await applySync('c', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      path: './c',
      interval: '1m',
      prune: true,
      suspend: false,
    });
    await eventually(
      async () => ((await exists('from-c')) ? true : undefined),
      20_000,
      'c to apply after resume',
    );
  });
});

describe('credentials', () => {
  it('authenticates with the Secret token and never writes it to logs, events or status', async () => {
    expect(git.requests().some((r) => r.hasAuthorization)).toBe(true);
    const events = (await sb.raw('GET', '/api/v1/namespaces/default/events')).text;
    const repo = (await sb.raw('GET', '/apis/steward.dev/v1alpha1/namespaces/default/gitrepositories/repo'))
      .text;
    const logs = JSON.stringify(agent.logs);
    for (const [what, text] of [
      ['logs', logs],
      ['events', events],
      ['status', repo],
    ] as const) {
      expect(text.includes(TOKEN), `token found in ${what}`).toBe(false);
    }
  });
});
