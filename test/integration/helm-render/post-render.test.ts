import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconcileError } from '../../../src/core/types.js';
import { parseManifests } from '../../../src/plan/parse.js';
import { postRender } from '../../../src/render/helm/post-render.js';
import { renderChart } from '../../../src/render/helm/render-chart.js';
import type { RenderResult } from '../../../src/render/render.js';
import type { Obj } from './helm.js';
import { KUSTOMIZE, leftovers, objects, renderInput, workspace } from './helm.js';

let ws: Awaited<ReturnType<typeof workspace>>;
let rendered: RenderResult;

beforeAll(async () => {
  ws = await workspace();
  rendered = await renderChart(renderInput(ws.chartDir, ws.tmp));
});

afterAll(async () => {
  await ws.cleanup();
});

const LIMITS = { maxObjects: 1000, maxAliases: 100, maxDepth: 64 };

function limits(extra: Record<string, unknown> = {}) {
  return {
    timeoutMs: 30_000,
    maxOutputBytes: 4 * 1024 * 1024,
    tmpDir: ws.tmp,
    chartLabel: 'webapp 1.2.0',
    ...extra,
  };
}

function image(o: Obj | undefined): string | undefined {
  const spec = o?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
  return spec?.template?.spec?.containers?.[0]?.image;
}

async function failure(promise: Promise<unknown>): Promise<ReconcileError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ReconcileError);
  return e as ReconcileError;
}

describe('postRender with the real kustomize', () => {
  it('applies a patch and an image override, and keeps naming the templates', async () => {
    const result = await postRender(
      rendered.yaml,
      [
        {
          kustomize: {
            patches: [
              {
                patch: '- op: add\n  path: /metadata/labels/team\n  value: payments\n',
                target: { kind: 'Deployment', name: 'rel-webapp' },
              },
              {
                patch:
                  'apiVersion: v1\nkind: Service\nmetadata:\n  name: rel-webapp\nspec:\n  type: NodePort\n',
              },
            ],
            images: [{ name: 'nginx', newName: 'registry.example.com/nginx', newTag: '1.27' }],
          },
        },
      ],
      KUSTOMIZE,
      limits(),
    );
    expect(result.renderer).toBe('helm');
    const objs = objects(result.yaml);
    const deployment = objs.find((o) => o.kind === 'Deployment');
    expect(deployment?.metadata.labels?.team).toBe('payments');
    expect(image(deployment)).toBe('registry.example.com/nginx:1.27');
    // Hooks go through too, annotations intact.
    const migrate = objs.find((o) => o.metadata.name === 'rel-webapp-migrate');
    expect(image(migrate)).toBe('registry.example.com/nginx:1.27');
    expect(migrate?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(objs.find((o) => o.kind === 'Service')?.spec).toMatchObject({ type: 'NodePort' });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      objects(rendered.yaml)
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    );

    const parsed = parseManifests(result.yaml, { files: result.files }, LIMITS);
    expect(parsed.find((p) => p.manifest.kind === 'Deployment')?.source.file).toBe(
      'webapp/templates/deployment.yaml (post-rendered)',
    );
    expect(parsed.find((p) => p.manifest.metadata.name === 'rel-cache')?.source.file).toBe(
      'webapp/charts/cache/templates/configmap.yaml (post-rendered)',
    );
    expect(await leftovers(ws.tmp)).toEqual([]);
  });

  it('runs post-renderers in order', async () => {
    const result = await postRender(
      rendered.yaml,
      [
        { kustomize: { images: [{ name: 'nginx', newTag: '1.26' }] } },
        { kustomize: { images: [{ name: 'nginx', newName: 'mirror.example.com/nginx' }] } },
      ],
      KUSTOMIZE,
      limits(),
    );
    expect(image(objects(result.yaml).find((o) => o.kind === 'Deployment'))).toBe(
      'mirror.example.com/nginx:1.26',
    );
    expect(result.files.find((f) => f.file.startsWith('webapp/templates/deployment.yaml'))).toBeDefined();
  });

  it("names the post-renderer in kustomize's errors, without the agent's paths", async () => {
    const e = await failure(
      postRender(
        rendered.yaml,
        [
          { kustomize: {} },
          {
            kustomize: {
              patches: [
                {
                  patch: '- op: replace\n  path: /spec/nope/deeper\n  value: 1\n',
                  target: { kind: 'Deployment' },
                },
              ],
            },
          },
        ],
        KUSTOMIZE,
        limits(),
      ),
    );
    expect(e.message).toMatch(/^chart webapp 1\.2\.0: postRenderers\[1\]: kustomize failed: /);
    expect(e.message).not.toContain(ws.tmp);
    expect(e.retry).toBe('terminal');
    expect(await leftovers(ws.tmp)).toEqual([]);
  });

  it('refuses an alias bomb in a patch before kustomize sees it', async () => {
    const lines = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: rel-webapp}',
      'x:',
      '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`  ${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const e = await failure(
      postRender(
        rendered.yaml,
        [{ kustomize: { patches: [{ patch: lines.join('\n') }] } }],
        KUSTOMIZE,
        limits(),
      ),
    );
    expect(e.message).toMatch(
      /^chart webapp 1\.2\.0: postRenderers\[0\]\.kustomize\.patches\[0\]: a document expands too many YAML aliases/,
    );
  });
});
