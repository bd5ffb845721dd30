/**
 * A chart from a static Helm repository served by the test (index.yaml and archives built by the real
 * `helm package` and `helm repo index`), end to end through a HelmRepository and a Sync: install, upgrade by
 * spec.helm.version (new objects applied, the dropped ConfigMap pruned), values changes inline and through
 * valuesFrom, and a broken chart version that keeps the last release and says why, until a fix.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { HelmRepoServer, PackagedChart } from '../../harness/helm-repo.js';
import { startHelmRepo } from '../../harness/helm-repo.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import {
  apply,
  CHARTS,
  container,
  crdsServed,
  get,
  helmSync,
  namespaces,
  waitFailed,
  waitSync,
} from './helpers.js';

let sb: SandboxHandle;
let repo: HelmRepoServer;
let agent: AgentHandle;
const charts: Record<string, PackagedChart> = {};

const NS = 'default';
const APP = 'shop';
const cm = (name: string) => `/api/v1/namespaces/${APP}/configmaps/${name}`;
const deployment = () => get(sb, `/apis/apps/v1/namespaces/${APP}/deployments/web`);

function sync(helm: Record<string, unknown>) {
  const source = { kind: 'HelmRepository', name: 'charts' } as const;
  return helmSync(NS, 'web', source, { chart: 'webapp', ...helm }, { targetNamespace: APP, timeout: '20s' });
}

beforeAll(async () => {
  [sb, repo] = await Promise.all([startSandbox(), startHelmRepo()]);
  for (const v of ['1.0.0', '1.1.0', '1.2.0']) charts[v] = await repo.addChart(join(CHARTS, `webapp-${v}`));
  agent = await startTestAgent(sb);
  await crdsServed(sb);
  await namespaces(sb, APP);
  await apply(sb, {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'HelmRepository',
    metadata: { name: 'charts', namespace: NS },
    spec: { url: repo.url, insecure: true, interval: '1s' },
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await repo?.stop();
  await sb?.stop();
});

describe('a chart from an HTTP Helm repository', () => {
  it('installs the pinned version and reports `version@digest` as the revision', async () => {
    const started = Date.now();
    await apply(sb, sync({ version: '1.0.0' }));
    const v = await waitSync(sb, NS, 'web', (s) => s.applied !== undefined);
    console.info(`http repo: install Ready ${Date.now() - started} ms after the Sync was created`);
    expect(v.applied).toBe(`1.0.0@${charts['1.0.0']?.digest}`);
    expect(v.helm).toMatchObject({ chart: 'webapp', version: '1.0.0', digest: charts['1.0.0']?.digest });
    expect((await get(sb, cm('web-config')))?.data).toEqual({
      greeting: 'hello',
      namespace: APP,
      chartVersion: '1.0.0',
    });
    expect(await get(sb, cm('web-legacy'))).toBeDefined();
    expect(container(await deployment()).image).toBe('nginx:1.27');
  });

  it('upgrades to 1.1.0: the new Service applied, the dropped ConfigMap pruned', async () => {
    await apply(sb, sync({ version: '1.1.0' }));
    const v = await waitSync(sb, NS, 'web', (s) => s.helm?.version === '1.1.0');
    expect(v.applied).toBe(`1.1.0@${charts['1.1.0']?.digest}`);
    expect(await get(sb, `/api/v1/namespaces/${APP}/services/web`)).toBeDefined();
    expect(await get(sb, cm('web-legacy'))).toBeUndefined();
    expect(v.inventory).toEqual([
      'shop_web-config__ConfigMap',
      'shop_web__Service',
      'shop_web_apps_Deployment',
    ]);
    // Each archive was downloaded once, whatever the number of reconciles.
    const downloads = repo.requests().filter((r) => r.url.endsWith('.tgz') && r.status === 200);
    expect(downloads.map((r) => r.url).sort()).toEqual(['/webapp-1.0.0.tgz', '/webapp-1.1.0.tgz']);
  });

  it('applies an inline values change', async () => {
    await apply(sb, sync({ version: '1.1.0', values: { greeting: 'hi there', replicaCount: 2 } }));
    await waitSync(sb, NS, 'web');
    const deploy = await eventually(async () => {
      const d = await deployment();
      return container(d).env?.[0]?.value === 'hi there' ? d : undefined;
    });
    expect((deploy.spec as { replicas: number }).replicas).toBe(2);
    expect((await get(sb, cm('web-config')))?.data?.greeting).toBe('hi there');
  });

  it('applies values from a ConfigMap and a Secret, inline values last', async () => {
    await sb.raw('POST', `/api/v1/namespaces/${NS}/configmaps`, {
      body: {
        metadata: { name: 'web-values' },
        data: { 'values.yaml': 'replicaCount: 3\ngreeting: from-configmap\n' },
      },
    });
    await sb.raw('POST', `/api/v1/namespaces/${NS}/secrets`, {
      body: { metadata: { name: 'web-image' }, stringData: { tag: '1.28' } },
    });
    await apply(
      sb,
      sync({
        version: '1.1.0',
        valuesFrom: [
          { kind: 'ConfigMap', name: 'web-values' },
          { kind: 'Secret', name: 'web-image', valuesKey: 'tag', targetPath: 'image.tag' },
        ],
        values: { greeting: 'inline wins' },
      }),
    );
    const deploy = await eventually(async () => {
      const d = await deployment();
      return container(d).image === 'nginx:1.28' ? d : undefined;
    }, 30_000);
    expect((deploy.spec as { replicas: number }).replicas).toBe(3);
    expect(container(deploy).env?.[0]?.value).toBe('inline wins');
  });

  it('keeps the 1.1.0 objects when 1.2.0 does not render, and names the chart, version and helm message', async () => {
    const before = await waitSync(sb, NS, 'web');
    await apply(sb, sync({ version: '1.2.0' }));
    const v = await waitFailed(sb, NS, 'web', /webapp 1\.2\.0/);
    expect(v.ready?.reason).toBe('BuildFailed');
    expect(v.ready?.message).toMatch(/function "nosuchfunction" not defined/);
    expect(v.ready?.message).toMatch(/broken\.yaml/);
    expect(v.applied).toBe(before.applied);
    expect(v.helm?.version).toBe('1.1.0');
    expect(v.inventory).toEqual(before.inventory);
    expect(await get(sb, `/api/v1/namespaces/${APP}/services/web`)).toBeDefined();
    expect((await get(sb, cm('web-config')))?.data?.chartVersion).toBe('1.1.0');
    const events = await sb.raw('GET', `/api/v1/namespaces/${NS}/events`);
    const warnings = (
      (events.json().items ?? []) as { type: string; message: string; involvedObject: { name: string } }[]
    ).filter((e) => e.type === 'Warning' && e.involvedObject.name === 'web');
    expect(warnings.some((e) => /webapp 1\.2\.0.*nosuchfunction/.test(e.message))).toBe(true);
  });

  it('recovers when a fixed version is published and selected', async () => {
    charts['1.2.1'] = await repo.addChart(join(CHARTS, 'webapp-1.1.0'), { version: '1.2.1' });
    await apply(sb, sync({ version: '~1.2.1' }));
    const v = await waitSync(sb, NS, 'web', (s) => s.helm?.version === '1.2.1', 'the fixed version', 30_000);
    expect(v.applied).toBe(`1.2.1@${charts['1.2.1']?.digest}`);
    expect((await get(sb, cm('web-config')))?.data?.chartVersion).toBe('1.2.1');
  });
});
