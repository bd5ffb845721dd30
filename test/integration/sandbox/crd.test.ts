/**
 * Area 6: CustomResourceDefinitions: served once Established, schema validation (422), pruning and defaults,
 * and instance cleanup when the CRD goes.
 * Sources: apiextensions-apiserver pkg/controller/establish, pkg/controller/finalizer/crd_finalizer.go,
 * pkg/apiserver/schema/{pruning,defaulting}, kube-openapi pkg/validation/validate (messages).
 */
import { ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetCrd } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
const ns = 'crd';
const widgets = `/apis/example.com/v1/namespaces/${ns}/widgets`;

beforeAll(async () => {
  sb = await startSandbox();
  await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
});
afterAll(async () => sb.stop());

describe('custom resources', () => {
  it('serves the kind once the CRD is Established', async () => {
    const ext = sb.kc.makeApiClient(ApiextensionsV1Api);
    // Raw POST: client-node's generated models drop schema keywords such as `default` (see DESIGN gotchas).
    expect(
      (await sb.raw('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: widgetCrd() }))
        .status,
    ).toBe(201);
    const crd = await eventually(async () => {
      const c = await ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
      return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True')
        ? c
        : undefined;
    });
    expect(crd.status?.acceptedNames?.kind).toBe('Widget');
    const disc = (await sb.raw('GET', '/apis/example.com/v1')).json() as {
      resources: { name: string; shortNames?: string[] }[];
    };
    expect(disc.resources.find((r) => r.name === 'widgets')?.shortNames).toEqual(['wd']);
  });

  it('creates a valid custom resource, applying defaults and pruning unknown fields', async () => {
    const co = sb.kc.makeApiClient(CustomObjectsApi);
    const created = (await co.createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: ns,
      plural: 'widgets',
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: { size: 2, extra: 'x' },
      },
    })) as { spec: Record<string, unknown>; metadata: { generation: number } };
    expect(created.spec).toEqual({ size: 2, color: 'blue' });
    expect(created.metadata.generation).toBe(1);
  });

  it.each([
    [{ size: 'big' }, 'spec.size', 'FieldValueTypeInvalid'],
    [{}, 'spec.size', 'FieldValueRequired'],
    [{ size: 1, mode: 'warp' }, 'spec.mode', 'FieldValueNotSupported'],
    [{ size: 0 }, 'spec.size', 'FieldValueInvalid'],
  ])('rejects spec %j with 422 on %s (%s)', async (spec, field, reason) => {
    const r = await sb.raw('POST', widgets, {
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec },
    });
    expect(r.status).toBe(422);
    const body = r.json() as {
      reason: string;
      message: string;
      details: { kind: string; group: string; causes: { field: string; reason: string }[] };
    };
    expect(body.reason).toBe('Invalid');
    expect(body.message.startsWith('Widget.example.com "bad" is invalid: ')).toBe(true);
    expect(body.details.kind).toBe('Widget');
    expect(body.details.group).toBe('example.com');
    expect(body.details.causes).toContainEqual(expect.objectContaining({ field, reason }));
  });

  it('rejects strict-validation unknown fields with 400 when fieldValidation=Strict', async () => {
    const r = await sb.raw('POST', `${widgets}?fieldValidation=Strict`, {
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'strict' },
        spec: { size: 1, bogus: true },
      },
    });
    expect(r.status).toBe(400);
    expect(r.json().message).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"',
    );
  });

  it('requires a resourceVersion on PUT of a custom resource', async () => {
    const r = await sb.raw('PUT', `${widgets}/w1`, {
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } },
    });
    expect(r.status).toBe(422);
    expect(r.json().message).toBe(
      'widgets.example.com "w1" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update',
    );
  });

  it('refuses a strategic merge patch on a custom resource with 415', async () => {
    const r = await sb.raw('PATCH', `${widgets}/w1`, {
      body: { spec: { size: 3 } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(r.status).toBe(415);
    expect(r.json().message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('keeps status out of the main endpoint and writes it through /status', async () => {
    await sb.raw('PATCH', `${widgets}/w1`, {
      body: { status: { phase: 'Nope' } },
      contentType: 'application/merge-patch+json',
    });
    const r = await sb.raw('PATCH', `${widgets}/w1/status`, {
      body: { status: { phase: 'Ready' } },
      contentType: 'application/merge-patch+json',
    });
    expect(r.status).toBe(200);
    const got = (await sb.raw('GET', `${widgets}/w1`)).json() as {
      status: { phase: string };
      metadata: { generation: number };
    };
    expect(got.status.phase).toBe('Ready');
    expect(got.metadata.generation).toBe(1);
  });

  it('prints the CRD printer columns in Table output', async () => {
    const r = await sb.raw('GET', widgets, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = r.json() as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(expect.arrayContaining(['Name', 'Size']));
    expect(table.rows[0]?.cells).toContain(2);
  });

  it('deletes every instance when the CRD is deleted, then stops serving the kind', async () => {
    await sb.raw('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    await eventually(
      async () => ((await sb.raw('GET', widgets)).status === 404 ? true : undefined),
      10_000,
      'the kind to go',
    );
    const crd = await sb.raw(
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
    );
    expect(crd.status).toBe(404);
  });
});
