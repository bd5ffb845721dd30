/** config/steward.yaml can bootstrap the first objects: a GitRepository and a Sync created at start. */
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

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer();
  await git.createRepo('platform', {
    'base/kustomization.yaml': 'resources: [cm.yaml]\n',
    'base/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: platform, namespace: default}\ndata: {a: b}\n',
  });
  agent = await startTestAgent(
    sb,
    `bootstrap:
  - apiVersion: steward.dev/v1alpha1
    kind: GitRepository
    metadata: {name: platform, namespace: default}
    spec: {url: "${git.url('platform')}", insecure: true}
  - apiVersion: steward.dev/v1alpha1
    kind: Sync
    metadata: {name: platform, namespace: default}
    spec: {sourceRef: {kind: GitRepository, name: platform}, path: ./base, prune: true}
`,
  );
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('bootstrap', () => {
  it('creates the configured objects, with the default interval, and reconciles them', async () => {
    const repo = (
      await sb.raw('GET', '/apis/steward.dev/v1alpha1/namespaces/default/gitrepositories/platform')
    ).json() as {
      spec: { interval: string };
    };
    expect(repo.spec.interval).toBe('10m');
    await eventually(
      async () => {
        const r = await sb.raw('GET', '/api/v1/namespaces/default/configmaps/platform');
        return r.status === 200 ? true : undefined;
      },
      30_000,
      'the bootstrap Sync to apply its ConfigMap',
    );
  });
});
