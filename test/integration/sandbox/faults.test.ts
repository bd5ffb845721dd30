/**
 * Area 11: fault injection and request counters, switched at run time through the sandbox admin API.
 * Sources for the injected shapes: apiserver server/filters/priority-and-fairness.go (plain 429 with
 * Retry-After), apimachinery pkg/api/errors/errors.go (Status bodies), client-go rest/with_retry.go.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox();
});
afterEach(async () => {
  await sb.raw('DELETE', '/sandbox/v1/faults');
});
afterAll(async () => sb.stop());

const addFault = (rule: object) => sb.raw('POST', '/sandbox/v1/faults', { body: rule });

describe('fault injection', () => {
  it('answers a matching request with an injected 503 Status, then stops after `times`', async () => {
    expect(
      (
        await addFault({
          verb: 'list',
          path: '/api/v1/namespaces',
          action: { type: 'status', code: 503 },
          times: 1,
        })
      ).status,
    ).toBe(201);
    const first = await sb.raw('GET', '/api/v1/namespaces');
    expect(first.status).toBe(503);
    expect(first.json()).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
    expect((await sb.raw('GET', '/api/v1/namespaces')).status).toBe(200);
  });

  it('throttles with the plain-text APF 429 and Retry-After', async () => {
    await addFault({
      verb: '*',
      path: '/api/v1/namespaces/default/configmaps',
      action: { type: 'throttle', retryAfterSeconds: 2, form: 'plain' },
    });
    const r = await sb.raw('GET', '/api/v1/namespaces/default/configmaps');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.text.trim()).toBe('Too many requests, please try again later.');
  });

  it('adds latency', async () => {
    await addFault({ verb: 'get', path: '/api/v1/namespaces/default', action: { type: 'latency', ms: 300 } });
    const t0 = Date.now();
    const r = await sb.raw('GET', '/api/v1/namespaces/default');
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('drops connections, which clients see as a network error', async () => {
    await addFault({ verb: 'get', path: '/api/v1/namespaces/kube-system', action: { type: 'drop' } });
    const core = sb.kc.makeApiClient(CoreV1Api);
    await expect(core.readNamespace({ name: 'kube-system' })).rejects.toThrow();
  });

  it('is refused to non-admin users', async () => {
    const other = await startSandbox({ users: [{ name: 'eve', token: 'eve-token', groups: [] }] });
    try {
      const r = await other.raw('GET', '/sandbox/v1/faults', { token: 'eve-token' });
      expect(r.status).toBe(403);
    } finally {
      await other.stop();
    }
  });
});

describe('request counters', () => {
  it('counts requests by verb and resource, and resets', async () => {
    await sb.raw('DELETE', '/sandbox/v1/counters');
    await sb.raw('GET', '/api/v1/namespaces');
    await sb.raw('GET', '/api/v1/namespaces');
    await sb.raw('GET', '/api/v1/namespaces/default');
    const snap = (await sb.raw('GET', '/sandbox/v1/counters')).json() as {
      counters: { verb: string; group: string; resource: string; count: number }[];
    };
    const find = (verb: string) =>
      snap.counters.find((c) => c.verb === verb && c.resource === 'namespaces')?.count;
    expect(find('list')).toBe(2);
    expect(find('get')).toBe(1);
  });
});
