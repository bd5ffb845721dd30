// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${var}` here is substitution syntax under test, not a template.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ReconcileError, refString } from '../../../src/core/types.js';
import type { BuildLocalOptions } from '../../../src/render/build.js';
import { buildLocal, ownerLabels } from '../../../src/render/build.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/render/repo');
const PATH_ENV = [resolve(import.meta.dirname, '../../../.tools/bin'), process.env.PATH ?? ''].join(
  delimiter,
);
const kustomize = { command: 'kubectl', args: ['kustomize'], pathEnv: PATH_ENV };

let work: string;
let root: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'steward-build-'));
  root = join(work, 'repo');
  await cp(FIXTURE, root, { recursive: true });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function options(extra: Partial<BuildLocalOptions>): BuildLocalOptions {
  return { kustomize, tmpDir: work, ...extra };
}

describe('buildLocal', () => {
  it('renders an overlay, substitutes, and plans into the target namespace with owner labels', async () => {
    const { yaml, objects } = await buildLocal(
      root,
      options({
        path: './overlays/prod',
        vars: { REPLICAS: '5' },
        targetNamespace: 'team-a',
        ownerLabels: ownerLabels({ name: 'web', namespace: 'team-a' }),
      }),
    );
    expect(objects.map((o) => refString(o.ref))).toEqual([
      expect.stringMatching(/^ConfigMap\/team-a\/settings-[a-z0-9]{10}$/),
      'Service/team-a/web',
      'Deployment/team-a/web',
    ]);
    expect(objects[0]?.manifest.data).toEqual({ greeting: 'hello-world' });
    // Substitution happens on the YAML text, so the number stays a number.
    expect(objects[2]?.manifest.spec).toMatchObject({ replicas: 5 });
    expect(objects[2]?.manifest.metadata.labels).toEqual({
      'steward.dev/name': 'web',
      'steward.dev/namespace': 'team-a',
    });
    expect(objects.every((o) => o.source.file === 'kustomize build ./overlays/prod')).toBe(true);
    const docs = parseAllDocuments(yaml).map((d) => d.toJS());
    expect(docs).toEqual(objects.map((o) => o.manifest));
  });

  it('plans a plain directory whose CRD defines a kind the built-in table does not know', async () => {
    const { objects } = await buildLocal(
      root,
      options({ path: 'crds', vars: { SIZE: '3' }, targetNamespace: 'team-a' }),
    );
    expect(objects.map((o) => `${o.stage} ${refString(o.ref)} ${o.source.file}`)).toEqual([
      '0 CustomResourceDefinition/widgets.example.com crds/00-crd.yaml',
      '1 Namespace/team-a crds/namespace.yaml',
      '2 Widget/team-a/gizmo crds/widget.yaml',
    ]);
    expect(objects[2]?.manifest.spec).toEqual({ size: 3 });
  });

  it('fails in strict mode on a variable without a value, naming the file, line and object', async () => {
    const e = await buildLocal(
      root,
      options({ path: 'crds', vars: { OTHER: 'x' }, strictSubstitution: true }),
    ).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ReconcileError);
    expect((e as ReconcileError).message).toBe(
      'crds/widget.yaml:6: postBuild substitution failed in Widget/${WIDGET_NAME:=gizmo}: variable "SIZE" is not set (strict mode)',
    );
  });

  it('names the file and line of a YAML error in a plain directory', async () => {
    await writeFile(
      join(root, 'crds', 'zz-broken.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\n',
    );
    try {
      const e = await buildLocal(root, options({ path: 'crds' })).catch((err: unknown) => err);
      expect((e as ReconcileError).message).toBe(
        'crds/zz-broken.yaml:5: invalid YAML: Map keys must be unique',
      );
      expect((e as ReconcileError).subject).toBe('crds/zz-broken.yaml');
    } finally {
      await rm(join(root, 'crds', 'zz-broken.yaml'));
    }
  });
});
