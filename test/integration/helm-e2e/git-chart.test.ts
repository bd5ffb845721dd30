/**
 * A chart that lives in a Git repository (spec.helm.chart is its path), end to end: the real Git server, the
 * real helm, the sandbox and the agent. A commit that changes the chart is a new revision: its new objects are
 * applied and the ones it dropped are pruned. A path out of the repository is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';
import { apply, chartFiles, crdsServed, get, helmSync, namespaces, waitFailed, waitSync } from './helpers.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;

const NS = 'default';
const cm = (name: string) => `/api/v1/namespaces/web/configmaps/${name}`;

beforeAll(async () => {
  [sb, git] = await Promise.all([startSandbox(), startGitServer()]);
  await git.createRepo('fleet', {
    ...(await chartFiles('webapp-1.0.0', 'charts/webapp')),
    'README.md': 'charts\n',
  });
  agent = await startTestAgent(sb);
  await crdsServed(sb);
  await namespaces(sb, 'web');
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'fleet', namespace: NS },
    spec: { url: git.url('fleet'), insecure: true, interval: '1s', ref: { branch: 'main' } },
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

/** A Sync of a chart in the `fleet` repository into namespace web. */
const gitChartSync = (name: string, helm: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
  helmSync(NS, name, { kind: 'GitRepository', name: 'fleet' }, helm, {
    interval: '1m',
    targetNamespace: 'web',
    ...spec,
  });

describe('a chart in a GitRepository', () => {
  it('renders the chart at the path and reports the Git revision and the chart', async () => {
    const started = Date.now();
    await apply(
      sb,
      gitChartSync(
        'webapp',
        { chart: './charts/webapp', values: { greeting: 'from-git' } },
        { timeout: '20s' },
      ),
    );
    const v = await waitSync(sb, NS, 'webapp', (s) => s.applied !== undefined);
    const elapsed = Date.now() - started;
    expect(v.applied).toMatch(/^main@sha1:[0-9a-f]{40}$/);
    expect(v.helm).toMatchObject({ chart: 'webapp', version: '1.0.0' });
    expect(v.helm?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(v.helm?.releaseDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const config = await get(sb, cm('webapp-config'));
    expect(config?.data).toEqual({ greeting: 'from-git', namespace: 'web', chartVersion: '1.0.0' });
    expect(config?.metadata?.labels).toMatchObject({
      'steward.dev/name': 'webapp',
      'helm.sh/chart': 'webapp-1.0.0',
    });
    expect(await get(sb, cm('webapp-legacy'))).toBeDefined();
    expect(v.inventory).toEqual([
      'web_webapp-config__ConfigMap',
      'web_webapp-legacy__ConfigMap',
      'web_webapp_apps_Deployment',
    ]);
    console.info(`git chart: first apply ${elapsed} ms after the Sync was created`);
  });

  it('applies a commit that changes the chart, and prunes what the chart dropped', async () => {
    const before = (await waitSync(sb, NS, 'webapp')).helm?.digest;
    const changes: Record<string, string | null> = {
      ...(await chartFiles('webapp-1.1.0', 'charts/webapp')),
      'charts/webapp/templates/legacy.yaml': null,
    };
    const sha = await git.commit('fleet', changes, 'webapp 1.1.0');
    const v = await waitSync(sb, NS, 'webapp', (s) => s.applied?.endsWith(sha) === true, 'the new commit');
    expect(v.helm?.version).toBe('1.1.0');
    expect(v.helm?.digest).not.toBe(before);
    expect((await get(sb, cm('webapp-config')))?.data?.chartVersion).toBe('1.1.0');
    expect(await get(sb, '/api/v1/namespaces/web/services/webapp')).toBeDefined();
    expect(await get(sb, cm('webapp-legacy'))).toBeUndefined();
    expect(v.inventory).toEqual([
      'web_webapp-config__ConfigMap',
      'web_webapp__Service',
      'web_webapp_apps_Deployment',
    ]);
  });

  it('keeps the chart digest when only other files of the repository change', async () => {
    const before = await waitSync(sb, NS, 'webapp');
    const sha = await git.commit('fleet', { 'README.md': 'charts, again\n' }, 'docs');
    const v = await waitSync(sb, NS, 'webapp', (s) => s.applied?.endsWith(sha) === true, 'the docs commit');
    expect(v.helm?.digest).toBe(before.helm?.digest);
    expect(v.helm?.releaseDigest).toBe(before.helm?.releaseDigest);
  });

  it('refuses a chart path outside the repository, and a chart holding a symlink', async () => {
    await apply(sb, gitChartSync('escape', { chart: '../../etc' }));
    const v = await waitFailed(sb, NS, 'escape', /spec\.helm\.chart: must stay inside the source artifact/);
    expect(v.inventory).toEqual([]);
    // helm follows symlinks in a chart: one in a template must not render whatever it points at.
    await git.commit(
      'fleet',
      {
        'charts/linked/Chart.yaml': 'apiVersion: v2\nname: linked\nversion: 0.1.0\n',
        'charts/linked/templates/cm.yaml': { symlink: '../../../README.md' },
      },
      'a linked template',
    );
    await apply(sb, gitChartSync('linked', { chart: './charts/linked' }));
    const linked = await waitFailed(
      sb,
      NS,
      'linked',
      /chart linked 0\.1\.0: .*templates\/cm\.yaml.*symlink/i,
    );
    expect(linked.inventory).toEqual([]);
  });
});
