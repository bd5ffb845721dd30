/**
 * Area 9: validation: names, immutable fields, unknown kinds, malformed bodies.
 * Sources: apimachinery pkg/util/validation/validation.go (RFC 1123 messages), pkg/api/validation/objectmeta.go
 * (field is immutable), kubernetes pkg/registry/apps/deployment/strategy.go, pkg/apis/core/validation,
 * pkg/apis/batch/validation; apiserver handlers/rest.go (400 texts). Message formats of 1.34+ (JSON values).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
const ns = 'valid';

beforeAll(async () => {
  sb = await startSandbox();
  await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
});
afterAll(async () => sb.stop());

describe('names', () => {
  it('rejects a name that is not an RFC 1123 subdomain', async () => {
    const r = await sb.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, {
      body: { metadata: { name: 'Bad_Name' } },
    });
    expect(r.status).toBe(422);
    expect(r.json().message).toBe(
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  });

  it('requires a name or generateName, and generates one from generateName', async () => {
    const r = await sb.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { metadata: {} } });
    expect(r.status).toBe(422);
    expect(r.json().message).toContain('metadata.name: Required value: name or generateName is required');
    const g = await sb.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, {
      body: { metadata: { generateName: 'gen-' } },
    });
    expect(g.status).toBe(201);
    expect((g.json().metadata as { name: string }).name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});

describe('immutable fields', () => {
  it('rejects a Deployment selector change with the exact 422 (kube-api-facts §1.1)', async () => {
    // Created by the same field manager: a change by another manager would be a 409 conflict first.
    await sb.raw('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/web?fieldManager=steward`, {
      body: deployment('web'),
      contentType: 'application/apply-patch+yaml',
    });
    const changed = deployment('web');
    changed.spec.selector = { matchLabels: { app: 'web2' } };
    changed.spec.template.metadata.labels = { app: 'web2' };
    const r = await sb.raw('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/web?fieldManager=steward`, {
      body: changed,
      contentType: 'application/apply-patch+yaml',
    });
    expect(r.status).toBe(422);
    expect(r.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable',
      reason: 'Invalid',
      details: {
        name: 'web',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable',
            field: 'spec.selector',
          },
        ],
      },
      code: 422,
    });
  });

  it('rejects a Job template change as immutable', async () => {
    const job = (image: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image }] } } },
    });
    const created = await sb.raw('PATCH', `/apis/batch/v1/namespaces/${ns}/jobs/once?fieldManager=steward`, {
      body: job('busybox:1'),
      contentType: 'application/apply-patch+yaml',
    });
    expect(created.status).toBe(201);
    const r = await sb.raw('PATCH', `/apis/batch/v1/namespaces/${ns}/jobs/once?fieldManager=steward`, {
      body: job('busybox:2'),
      contentType: 'application/apply-patch+yaml',
    });
    expect(r.status).toBe(422);
    expect(r.json().message).toMatch(
      /^Job\.batch "once" is invalid: spec\.template: Invalid value: .*field is immutable/,
    );
  });

  it('rejects a Service clusterIP change', async () => {
    const svc = { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }], selector: { app: 'x' } } };
    const created = (await sb.raw('POST', `/api/v1/namespaces/${ns}/services`, { body: svc })).json() as {
      spec: { clusterIP: string };
    };
    expect(created.spec.clusterIP).toMatch(/^10\.96\./);
    const r = await sb.raw('PATCH', `/api/v1/namespaces/${ns}/services/svc`, {
      body: { spec: { clusterIP: '10.96.200.200', clusterIPs: ['10.96.200.200'] } },
      contentType: 'application/merge-patch+json',
    });
    expect(r.status).toBe(422);
    expect(r.json().message).toBe(
      'Service "svc" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.200.200"]: may not change once set',
    );
  });
});

describe('bad requests', () => {
  it('answers an unknown kind (resource) with 404', async () => {
    const r = await sb.raw('GET', `/apis/apps/v1/namespaces/${ns}/gizmos`);
    expect(r.status).toBe(404);
  });

  it('answers a malformed JSON body with 400', async () => {
    const r = await sb.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, {
      body: '{"metadata": ',
      contentType: 'application/json',
    });
    expect(r.status).toBe(400);
    expect(r.json().reason).toBe('BadRequest');
  });

  it('answers a name mismatch between body and URL with 400', async () => {
    const r = await sb.raw('PUT', `/api/v1/namespaces/${ns}/configmaps/a`, {
      body: { metadata: { name: 'b' } },
    });
    expect(r.status).toBe(400);
    expect(r.json().message).toBe('the name of the object (b) does not match the name on the URL (a)');
  });

  it('answers a namespace mismatch with 400', async () => {
    const r = await sb.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, {
      body: { metadata: { name: 'x', namespace: 'other' } },
    });
    expect(r.status).toBe(400);
    expect(r.json().message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  });
});
