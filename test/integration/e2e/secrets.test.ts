/**
 * Secrets never appear in logs, events, status, metrics or error messages. Canary tokens are planted in every
 * Secret and credential Steward touches: the Git token, Secrets applied from Git (a valid one and one the API
 * server refuses), and a Secret used by postBuild.substituteFrom; then everything Steward outputs is scanned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

const CANARIES = {
  gitToken: 'canary-git-7c1d93a0f2',
  appliedSecret: 'canary-applied-44be19d7',
  refusedSecret: 'canary-refused-0b6e2ac5',
  substituted: 'canary-subst-9f30d1c8',
};
const b64 = (s: string) => Buffer.from(s).toString('base64');

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer({ token: CANARIES.gitToken });
  await git.createRepo('secrets', {
    'app/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: default}\ntype: Opaque\ndata: {password: ${b64(CANARIES.appliedSecret)}}\n`,
    'broken/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: bad, namespace: default}\ntype: kubernetes.io/basic-auth\nstringData: {password: ${CANARIES.refusedSecret}, "bad key!": x}\n`,
    'subst/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: uses-var, namespace: default}\ndata: {mode: "${'$'}{MODE}"}\n`,
  });
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1/gitrepositories')).status === 200 ? true : undefined,
  );
  await sb.raw('POST', '/api/v1/namespaces/default/secrets', {
    body: { metadata: { name: 'git-auth' }, stringData: { bearerToken: CANARIES.gitToken } },
  });
  await sb.raw('POST', '/api/v1/namespaces/default/secrets', {
    body: { metadata: { name: 'vars' }, stringData: { MODE: 'fast', UNUSED_SECRET: CANARIES.substituted } },
  });
  const apply = (kind: string, name: string, spec: object) =>
    sb.raw(
      'PATCH',
      `/apis/steward.dev/v1alpha1/namespaces/default/${kind === 'Sync' ? 'syncs' : 'gitrepositories'}/${name}?fieldManager=test`,
      {
        body: { apiVersion: 'steward.dev/v1alpha1', kind, metadata: { name, namespace: 'default' }, spec },
        contentType: 'application/apply-patch+yaml',
      },
    );
  await apply('GitRepository', 'secrets', {
    url: git.url('secrets'),
    insecure: true,
    interval: '1s',
    secretRef: { name: 'git-auth' },
  });
  const sync = (path: string, extra = {}) => ({
    sourceRef: { kind: 'GitRepository', name: 'secrets' },
    path,
    interval: '1m',
    prune: true,
    ...extra,
  });
  await apply('Sync', 'app', sync('./app'));
  await apply('Sync', 'broken', sync('./broken'));
  await apply(
    'Sync',
    'subst',
    sync('./subst', { postBuild: { substituteFrom: [{ kind: 'Secret', name: 'vars' }] } }),
  );
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

async function ready(name: string) {
  const r = await sb.raw('GET', `/apis/steward.dev/v1alpha1/namespaces/default/syncs/${name}`);
  const conds =
    (r.json().status as { conditions?: { type: string; status: string; message: string }[] } | undefined)
      ?.conditions ?? [];
  return conds.find((c) => c.type === 'Ready');
}

describe('secrets', () => {
  it('applies, fails and substitutes with secret material, and leaks none of it', async () => {
    await eventually(
      async () => ((await ready('app'))?.status === 'True' ? true : undefined),
      30_000,
      'the Secret to apply',
    );
    await eventually(
      async () => ((await ready('subst'))?.status === 'True' ? true : undefined),
      30_000,
      'the substitution',
    );
    const refused = await eventually(
      async () => {
        const r = await ready('broken');
        return r?.status === 'False' ? r : undefined;
      },
      30_000,
      'the refused Secret',
    );
    expect(refused.message).toContain('Secret/default/bad');
    // Let a few more reconciles and polls happen, so retries are scanned too.
    await new Promise((r) => setTimeout(r, 1500));
    const outputs: Record<string, string> = {
      logs: JSON.stringify(agent.logs),
      events: (await sb.raw('GET', '/api/v1/namespaces/default/events')).text,
      syncs: (await sb.raw('GET', '/apis/steward.dev/v1alpha1/namespaces/default/syncs')).text,
      gitrepositories: (await sb.raw('GET', '/apis/steward.dev/v1alpha1/namespaces/default/gitrepositories'))
        .text,
      metrics: await (await fetch(`http://127.0.0.1:${agent.agent.port}/metrics`)).text(),
    };
    for (const [where, text] of Object.entries(outputs)) {
      for (const [canary, value] of Object.entries(CANARIES)) {
        expect(text.includes(value), `${canary} found in ${where}`).toBe(false);
        expect(text.includes(b64(value)), `${canary} (base64) found in ${where}`).toBe(false);
      }
    }
  });
});
