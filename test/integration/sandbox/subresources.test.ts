/**
 * Area 4: status and scale subresources.
 * Sources: kubernetes pkg/registry/apps/deployment/strategy.go (status strategy resets spec; main endpoint
 * keeps status), pkg/registry/apps/statefulset/storage (scale), autoscaling/v1 Scale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
const ns = 'subres';
const dep = `/apis/apps/v1/namespaces/${ns}/deployments`;

beforeAll(async () => {
  sb = await startSandbox({ simulator: { enabled: false, settleMs: 0, failImagePatterns: [] } });
  await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
  await sb.raw('POST', dep, { body: deployment('web', 'nginx:1.27', 2) });
});
afterAll(async () => sb.stop());

describe('status subresource', () => {
  it('ignores spec changes sent to /status and status changes sent to the main endpoint', async () => {
    const viaStatus = await sb.raw('PATCH', `${dep}/web/status`, {
      body: { spec: { replicas: 9 }, status: { replicas: 2, observedGeneration: 1 } },
      contentType: 'application/merge-patch+json',
    });
    expect(viaStatus.status).toBe(200);
    const a = viaStatus.json() as {
      spec: { replicas: number };
      status: { replicas: number };
      metadata: { generation: number };
    };
    expect(a.spec.replicas).toBe(2);
    expect(a.status.replicas).toBe(2);
    expect(a.metadata.generation).toBe(1);
    const viaMain = await sb.raw('PATCH', `${dep}/web`, {
      body: { status: { replicas: 7 } },
      contentType: 'application/merge-patch+json',
    });
    expect((viaMain.json() as { status: { replicas: number } }).status.replicas).toBe(2);
  });

  it('answers a subresource the kind does not have with 404', async () => {
    const r = await sb.raw('GET', `/api/v1/namespaces/${ns}/configmaps/x/status`);
    expect(r.status).toBe(404);
  });
});

describe('scale subresource', () => {
  it('reads and writes replicas through an autoscaling/v1 Scale', async () => {
    const get = (await sb.raw('GET', `${dep}/web/scale`)).json();
    expect(get).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: ns },
      spec: { replicas: 2 },
      status: { selector: 'app=web' },
    });
    const put = await sb.raw('PUT', `${dep}/web/scale`, {
      body: {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: 'web', namespace: ns },
        spec: { replicas: 4 },
      },
    });
    expect(put.status).toBe(200);
    const live = (await sb.raw('GET', `${dep}/web`)).json() as {
      spec: { replicas: number };
      metadata: { generation: number };
    };
    expect(live.spec.replicas).toBe(4);
    expect(live.metadata.generation).toBe(2);
  });

  it('serves /scale for StatefulSets too', async () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        replicas: 1,
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
        },
      },
    };
    expect((await sb.raw('POST', `/apis/apps/v1/namespaces/${ns}/statefulsets`, { body: sts })).status).toBe(
      201,
    );
    const r = await sb.raw('PATCH', `/apis/apps/v1/namespaces/${ns}/statefulsets/db/scale`, {
      body: { spec: { replicas: 3 } },
      contentType: 'application/merge-patch+json',
    });
    expect(r.json()).toMatchObject({ spec: { replicas: 3 } });
  });
});
