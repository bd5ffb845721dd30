/**
 * A chart pushed to the real `docker-registry` as an OCI artifact (as `helm push` stores it), behind htpasswd
 * auth, read through an oci:// HelmRepository whose credentials are a kubernetes.io/dockerconfigjson Secret.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { PackagedChart } from '../../harness/helm-repo.js';
import { packageChart } from '../../harness/helm-repo.js';
import type { RegistryHandle } from '../../harness/registry.js';
import { startRegistry } from '../../harness/registry.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';
import { apply, CHARTS, crdsServed, get, helmSync, namespaces, waitFailed, waitSync } from './helpers.js';

let sb: SandboxHandle;
let registry: RegistryHandle;
let agent: AgentHandle;
let work: string;
let chart: PackagedChart;

const NS = 'default';
const APP = 'oci-app';

function sync(name: string, repository: string, chart = 'webapp', version = '1.0.x') {
  const source = { kind: 'HelmRepository', name: repository } as const;
  return helmSync(NS, name, source, { chart, version }, { targetNamespace: APP, timeout: '20s' });
}

function ociRepository(name: string, secretRef?: string) {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'HelmRepository',
    metadata: { name, namespace: NS },
    spec: {
      url: `oci://${registry.host}/charts`,
      type: 'oci',
      insecure: true,
      interval: '1m',
      ...(secretRef ? { secretRef: { name: secretRef } } : {}),
    },
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'steward-oci-e2e-'));
  [sb, registry] = await Promise.all([startSandbox(), startRegistry({ auth: 'htpasswd' })]);
  chart = await packageChart(join(CHARTS, 'webapp-1.0.0'), work, work);
  await registry.pushHelmChart('charts/webapp', chart.bytes, {
    name: 'webapp',
    version: '1.0.0',
    apiVersion: 'v2',
  });
  const other = await packageChart(join(CHARTS, 'tenant-ok'), work, work);
  await registry.pushHelmChart('charts/tenant-ok', other.bytes, {
    name: 'tenant-ok',
    version: '0.1.0',
    apiVersion: 'v2',
  });
  agent = await startTestAgent(sb);
  await crdsServed(sb);
  await namespaces(sb, APP);
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  const dockerConfig = JSON.stringify({ auths: { [registry.host]: { auth } } });
  await sb.raw('POST', `/api/v1/namespaces/${NS}/secrets`, {
    body: {
      metadata: { name: 'registry-creds' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(dockerConfig).toString('base64') },
    },
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await registry?.stop();
  await sb?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a chart in an OCI registry', () => {
  it('pulls the chart with the docker-config credentials and applies it', async () => {
    await apply(sb, ociRepository('registry', 'registry-creds'));
    const started = Date.now();
    await apply(sb, sync('web', 'registry'));
    const v = await waitSync(sb, NS, 'web', (s) => s.applied !== undefined);
    console.info(`oci: install Ready ${Date.now() - started} ms after the Sync was created`);
    expect(v.applied).toBe(`1.0.0@${chart.digest}`);
    expect(v.helm).toMatchObject({ chart: 'webapp', version: '1.0.0', digest: chart.digest });
    expect((await get(sb, `/api/v1/namespaces/${APP}/configmaps/web-config`))?.data?.chartVersion).toBe(
      '1.0.0',
    );
    expect(await get(sb, `/apis/apps/v1/namespaces/${APP}/deployments/web`)).toBeDefined();
    // The registry saw credentials, and status and events never show them.
    expect(registry.requests().some((r) => r.authorization !== undefined)).toBe(true);
    expect(JSON.stringify(v.obj)).not.toContain(registry.password);
  });

  it('fails without credentials, naming the repository and never the password', async () => {
    await apply(sb, ociRepository('anonymous'));
    await apply(sb, sync('anon', 'anonymous', 'tenant-ok', '0.1.0'));
    const v = await waitFailed(sb, NS, 'anon', /HelmRepository\/default\/anonymous/);
    expect(v.ready?.reason).toBe('AuthenticationFailed');
    expect(v.ready?.message).toMatch(/requires credentials/);
    expect(v.inventory).toEqual([]);
    expect(JSON.stringify(v.obj)).not.toContain(registry.password);
  });

  it('never serves a chart another repository fetched with credentials to one without them', async () => {
    // webapp 1.0.0 is in the agent's cache from the first test; the anonymous repository must still be refused.
    await apply(sb, sync('anon-cached', 'anonymous'));
    const v = await waitFailed(sb, NS, 'anon-cached', /HelmRepository\/default\/anonymous/);
    expect(v.ready?.reason).toBe('AuthenticationFailed');
    expect(v.inventory).toEqual([]);
  });
});
