/**
 * The adapter under API server trouble (sandbox fault injection): throttling and 5xx retried, dropped
 * connections retried, persistent failures reported as transient, Secret values kept out of messages.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApplyError, applyPlan } from '../../../src/apply/index.js';
import { FIELD_MANAGER } from '../../../src/core/constants.js';
import type { Manifest } from '../../../src/core/types.js';
import { type KubeClient, KubeError, kubeClient } from '../../../src/kube/index.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';
import { addFault, configMap, countsByVerb, planned, resetCounters } from './helpers.js';

let sb: SandboxHandle;
let client: KubeClient;

beforeAll(async () => {
  sb = await startSandbox();
  client = kubeClient(sb.kc, { retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 } });
});
afterEach(async () => {
  await sb.raw('DELETE', '/sandbox/v1/faults');
});
afterAll(async () => sb.stop());

const opts = { fieldManager: FIELD_MANAGER, force: false, knownControllers: [], waitTimeoutMs: 10_000 };

describe('retries', () => {
  it('honours Retry-After on a plain-text 429 and retries a bare 503', async () => {
    await addFault(sb, {
      verb: 'patch',
      resource: 'configmaps',
      action: { type: 'throttle', retryAfterSeconds: 1, form: 'plain' },
      times: 1,
    });
    await addFault(sb, {
      verb: 'get',
      resource: 'configmaps',
      action: { type: 'status', code: 503 },
      times: 2,
    });
    await resetCounters(sb);
    const t0 = Date.now();
    const cs = await applyPlan(client, [planned(configMap('retried', 'default', { a: '1' }))], opts);
    expect(cs.changes.map((c) => c.action)).toEqual(['created']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const counts = await countsByVerb(sb, 'configmaps');
    // get: 2 injected 503s + 1 answer; patch: 1 injected 429 + dry-run + apply.
    expect(counts).toMatchObject({ get: 3, patch: 3 });
  });

  it('retries a Status 429 without Retry-After and a dropped connection', async () => {
    await addFault(sb, {
      verb: 'get',
      resource: 'configmaps',
      action: { type: 'status', code: 429 },
      times: 1,
    });
    await addFault(sb, { verb: 'patch', resource: 'configmaps', action: { type: 'drop' }, times: 1 });
    const cs = await applyPlan(client, [planned(configMap('dropped', 'default', { a: '1' }))], opts);
    expect(cs.changes.map((c) => c.action)).toEqual(['created']);
  });

  it('reports a 503 that does not go away as a transient failure naming the object', async () => {
    await addFault(sb, { verb: 'patch', resource: 'configmaps', action: { type: 'status', code: 503 } });
    const err = await applyPlan(client, [planned(configMap('down', 'default', { a: '1' }))], opts).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplyError);
    expect((err as ApplyError).retry).toBe('transient');
    expect((err as ApplyError).message).toMatch(/^ConfigMap\/default\/down dry-run failed: /);
  });

  it('does not retry a validation error', async () => {
    await addFault(sb, {
      verb: 'patch',
      resource: 'configmaps',
      action: { type: 'status', code: 422 },
      times: 5,
    });
    await resetCounters(sb);
    await expect(
      client.apply(configMap('invalid', 'default', { a: '1' }) as Manifest, {
        fieldManager: FIELD_MANAGER,
        force: true,
      }),
    ).rejects.toMatchObject({ code: 422, reason: 'Invalid' });
    expect((await countsByVerb(sb, 'configmaps')).patch).toBe(1);
  });
});

describe('Secret values in errors', () => {
  const value = 'hunter2-correct-horse';
  const encoded = Buffer.from(value).toString('base64');
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds', namespace: 'default' },
    data: { password: encoded },
    stringData: { token: 's3cr3t-token-value' },
  };

  it('never appear in an apply error, even when the server echoes them', async () => {
    // What kube-apiserver and admission webhooks do: quote the offending value back in the message.
    await addFault(sb, {
      verb: 'patch',
      resource: 'secrets',
      action: {
        type: 'status',
        code: 422,
        message: `Secret "creds" is invalid: data[password]: Invalid value: "${encoded}": bad (${value}); stringData: s3cr3t-token-value`,
      },
    });
    const err = await applyPlan(client, [planned(secret)], opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplyError);
    const text = JSON.stringify({
      message: (err as Error).message,
      failures: (err as ApplyError).failures.map((f) => f.message),
    });
    expect(text).not.toContain(value);
    expect(text).not.toContain(encoded);
    expect(text).not.toContain('s3cr3t-token-value');
    expect((err as Error).message).toMatch(
      /^Secret\/default\/creds dry-run failed: Secret "creds" is invalid: data\[password\]/,
    );

    const direct = await client
      .apply(planned(secret).manifest, { fieldManager: FIELD_MANAGER, force: true })
      .catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(KubeError);
    expect(
      JSON.stringify({ m: (direct as KubeError).message, c: (direct as KubeError).causes }),
    ).not.toContain(value);
  });

  it('are applied and reported unchanged the second time', async () => {
    const plan = [planned(secret)];
    expect((await applyPlan(client, plan, opts)).changes.map((c) => c.action)).toEqual(['created']);
    expect((await applyPlan(client, plan, opts)).changes.map((c) => c.action)).toEqual(['unchanged']);
  });
});
