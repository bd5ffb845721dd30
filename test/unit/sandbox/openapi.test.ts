// What kubectl needs from /openapi/v3: cli-runtime pkg/resource/query_param_verifier_v3.go (fieldValidation
// on the PATCH operation carrying the GVK), kubectl pkg/cmd/apply/patcher.go (strategic merge patch from
// the component schema with the GVK list extension), client-go openapi/client.go and kube-openapi handler3
// (root paths, serverRelativeURL with a SHA-512 hash); kube-api-facts §3.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES, crdResourceDefs } from '../../../src/sandbox/builtins.js';
import { openapiV3Doc, openapiV3Hash, openapiV3Root } from '../../../src/sandbox/openapi.js';
import type { Obj, ResourceDef } from '../../../src/sandbox/types.js';
import { isObj } from '../../../src/sandbox/types.js';

const crd: Obj = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'A widget.',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer', description: 'How big.' } } },
            },
          },
        },
        subresources: {
          status: {},
          scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' },
        },
      },
    ],
  },
  status: { conditions: [{ type: 'Established', status: 'True' }] },
};

const defs: ResourceDef[] = [...BUILTIN_RESOURCES, ...crdResourceDefs(crd)];

function doc(path: string): Obj {
  const d = openapiV3Doc(defs, path);
  if (!d) throw new Error(`no document for ${path}`);
  return d;
}

function operations(d: Obj): [string, string, Obj][] {
  const out: [string, string, Obj][] = [];
  for (const [path, item] of Object.entries(d.paths as Obj)) {
    for (const [method, op] of Object.entries(item as Obj))
      if (method !== 'parameters' && isObj(op)) out.push([path, method, op]);
  }
  return out;
}

/** A port of supportsQueryParamV3: the first PATCH with the GVK decides; its own query parameters count. */
function supportsQueryParam(d: Obj, gvk: Obj, param: string): boolean | 'path not found' {
  for (const [, method, op] of operations(d)) {
    if (method !== 'patch') continue;
    const ext = op['x-kubernetes-group-version-kind'];
    if (!isObj(ext) || ext.group !== gvk.group || ext.version !== gvk.version || ext.kind !== gvk.kind)
      continue;
    return (op.parameters as Obj[]).some((p) => p.name === param && p.in === 'query');
  }
  return 'path not found';
}

function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refs(x, out);
  else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refs(x, out);
    }
  }
  return out;
}

const served = [...new Map(defs.map((d) => [`${d.group}/${d.version}`, d])).values()].map(
  (d) => [d.group === '' ? `api/${d.version}` : `apis/${d.group}/${d.version}`, d.group, d.version] as const,
);

describe('/openapi/v3 root', () => {
  it('lists every served group version with a URL carrying the SHA-512 of the document', () => {
    const root = openapiV3Root(defs);
    const paths = root.paths as Obj;
    expect(Object.keys(paths)).toEqual(served.map(([p]) => p).sort());
    for (const [p] of served) {
      const hash = createHash('sha512')
        .update(JSON.stringify(doc(p)))
        .digest('hex')
        .toUpperCase();
      expect(paths[p]).toEqual({ serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` });
      expect(openapiV3Hash(doc(p))).toBe(hash);
    }
  });

  it('keeps the hash stable across calls and changes it when the served kinds change', () => {
    const a = (openapiV3Root(defs).paths as Obj)['apis/example.com/v1'];
    expect((openapiV3Root(defs).paths as Obj)['apis/example.com/v1']).toEqual(a);
    const more = crdResourceDefs({ ...crd, spec: { ...(crd.spec as Obj), scope: 'Cluster' } });
    expect((openapiV3Root([...BUILTIN_RESOURCES, ...more]).paths as Obj)['apis/example.com/v1']).not.toEqual(
      a,
    );
  });

  it.each([['apis/nope.io/v1'], ['apis/apps/v2'], ['api/v2'], ['bogus'], ['apis/apps']])(
    'has no document at %s',
    (p) => {
      expect(openapiV3Doc(defs, p)).toBeUndefined();
    },
  );

  it('accepts a group and version as well as a path', () => {
    expect(openapiV3Doc(defs, 'apps', 'v1')).toEqual(doc('apis/apps/v1'));
    expect(openapiV3Doc(defs, '', 'v1')).toEqual(doc('/api/v1/'));
  });
});

describe('per group version documents', () => {
  it.each(served)('%s: PATCH of every kind declares fieldValidation and the GVK', (path, group, version) => {
    const d = doc(path);
    expect(d.openapi).toBe('3.0.0');
    for (const def of defs.filter((x) => x.group === group && x.version === version)) {
      const gvk = { group: def.group, version: def.version, kind: def.kind };
      if (def.verbs.includes('patch')) {
        expect(supportsQueryParam(d, gvk, 'fieldValidation')).toBe(true);
        expect(supportsQueryParam(d, gvk, 'fieldManager')).toBe(true);
      } else {
        expect(supportsQueryParam(d, gvk, 'fieldValidation')).toBe('path not found');
      }
    }
  });

  it.each(served)('%s: every PATCH declares dryRun, fieldManager, fieldValidation and force', (path) => {
    for (const [, method, op] of operations(doc(path))) {
      if (method !== 'patch') continue;
      expect((op.parameters as Obj[]).map((p) => [p.name, p.in])).toEqual([
        ['dryRun', 'query'],
        ['fieldManager', 'query'],
        ['fieldValidation', 'query'],
        ['force', 'query'],
      ]);
      expect(isObj(op['x-kubernetes-group-version-kind'])).toBe(true);
    }
  });

  it.each(served)(
    '%s: every $ref resolves and every kind has a schema with the GVK list',
    (path, group, version) => {
      const d = doc(path);
      const schemas = (d.components as Obj).schemas as Obj;
      for (const r of refs(d)) expect(schemas[r.replace('#/components/schemas/', '')], r).toBeDefined();
      for (const def of defs.filter((x) => x.group === group && x.version === version)) {
        for (const kind of [def.kind, def.listKind]) {
          const withGvk = Object.values(schemas).filter((s) =>
            ((s as Obj)['x-kubernetes-group-version-kind'] as Obj[] | undefined)?.some(
              (g) => g.kind === kind && g.group === group && g.version === version,
            ),
          );
          expect(withGvk).toHaveLength(1);
        }
      }
    },
  );

  it('gives apps/v1 collection, object, status and scale paths with the operations the verbs allow', () => {
    const paths = doc('apis/apps/v1').paths as Obj;
    const methods = (p: string) => Object.keys(paths[p] as Obj).filter((k) => k !== 'parameters');
    expect(methods('/apis/apps/v1/namespaces/{namespace}/deployments')).toEqual(['get', 'post', 'delete']);
    expect(methods('/apis/apps/v1/namespaces/{namespace}/deployments/{name}')).toEqual([
      'get',
      'put',
      'patch',
      'delete',
    ]);
    expect(methods('/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status')).toEqual([
      'get',
      'put',
      'patch',
    ]);
    expect(methods('/apis/apps/v1/deployments')).toEqual(['get']);
    const scale = (paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'] as Obj)
      .patch as Obj;
    expect(scale['x-kubernetes-group-version-kind']).toEqual({
      group: 'autoscaling',
      kind: 'Scale',
      version: 'v1',
    });
    expect(scale.operationId).toBe('patchAppsV1NamespacedDeploymentScale');
    const patch = (paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'] as Obj).patch as Obj;
    expect(patch).toMatchObject({
      operationId: 'patchAppsV1NamespacedDeployment',
      tags: ['apps_v1'],
      'x-kubernetes-action': 'patch',
    });
    expect(Object.keys((patch.requestBody as Obj).content as Obj)).toEqual([
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
  });

  it('serves namespaces/finalize as PUT only and reviews as POST only', () => {
    const core = doc('api/v1').paths as Obj;
    expect(Object.keys(core['/api/v1/namespaces/{name}/finalize'] as Obj)).toEqual(['put', 'parameters']);
    expect(Object.keys(core['/api/v1/namespaces'] as Obj)).toEqual(['get', 'post', 'parameters']);
    const authz = doc('apis/authorization.k8s.io/v1').paths as Obj;
    expect(Object.keys(authz)).toEqual([
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
    ]);
  });

  it('embeds the CRD schema with metadata, GVK and no strategic merge patch', () => {
    const d = doc('apis/example.com/v1');
    const schemas = (d.components as Obj).schemas as Obj;
    const widget = schemas['com.example.v1.Widget'] as Obj;
    expect(widget.description).toBe('A widget.');
    expect(((widget.properties as Obj).spec as Obj).properties).toEqual({
      size: { type: 'integer', description: 'How big.' },
    });
    expect((widget.properties as Obj).metadata).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
    });
    expect(widget['x-kubernetes-group-version-kind']).toEqual([
      { group: 'example.com', kind: 'Widget', version: 'v1' },
    ]);
    expect(schemas['com.example.v1.WidgetList']).toBeDefined();
    const patch = ((d.paths as Obj)['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'] as Obj)
      .patch as Obj;
    expect(Object.keys((patch.requestBody as Obj).content as Obj)).not.toContain(
      'application/strategic-merge-patch+json',
    );
    expect(patch.operationId).toBe('patchExampleComV1NamespacedWidget');
    // The CRD object itself is untouched.
    expect(((crd.spec as Obj).versions as Obj[])[0]).not.toHaveProperty(
      'schema.openAPIV3Schema.properties.metadata',
    );
  });

  it('describes built-in merge semantics with list-type and strategic-merge extensions', () => {
    const schemas = (doc('api/v1').components as Obj).schemas as Obj;
    const meta = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'] as Obj;
    expect((meta.properties as Obj).ownerReferences).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      'x-kubernetes-patch-merge-key': 'uid',
      'x-kubernetes-patch-strategy': 'merge',
    });
    const cm = schemas['io.k8s.api.core.v1.ConfigMap'] as Obj;
    expect(cm).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(cm['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'ConfigMap', version: 'v1' }]);
  });
});
