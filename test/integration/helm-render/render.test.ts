import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconcileError } from '../../../src/core/types.js';
import type { KubeClient } from '../../../src/kube/index.js';
import { parseManifests } from '../../../src/plan/parse.js';
import { classifyHooks } from '../../../src/render/helm/hooks.js';
import { renderChart } from '../../../src/render/helm/render-chart.js';
import { resolveValues } from '../../../src/render/helm/values-resolve.js';
import { helmTemplate, leftovers, names, objects, renderInput, seenValues, workspace } from './helm.js';

let ws: Awaited<ReturnType<typeof workspace>>;

beforeAll(async () => {
  ws = await workspace();
});

afterAll(async () => {
  await ws.cleanup();
});

const LIMITS = { maxObjects: 1000, maxAliases: 100, maxDepth: 64 };

/** No valuesFrom here: a client that is never called. */
const NO_CLIENT = {} as KubeClient;

async function failure(promise: Promise<unknown>): Promise<ReconcileError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ReconcileError);
  return e as ReconcileError;
}

describe('renderChart with the real helm', () => {
  it('renders exactly what helm template renders with the same flags and values files', async () => {
    const a = [
      'replicaCount: 3',
      'image: &img',
      '  repository: registry.example.com/web',
      '  tag: "2.0"',
      'sidecar: {<<: *img, tag: "3.0"}',
      'features:',
      '  on: yes',
      '  mode: 0755',
      '  n: 1.0',
      '  list: [a, b]',
      '  big: 1e400',
      'service:',
      '  annotations:',
      '    drop: null',
      '    added: "yes"',
      '---',
      'features: {list: [c]}',
      '',
    ].join('\n');
    const b = 'image: {tag: "2.1"}\nservice: {port: 8080}\nfeatures: {y: n}\n';
    const inline = { replicaCount: 4, features: { mode: null, inline: true } };
    await mkdir(join(ws.dir, 'envs'), { recursive: true });
    await writeFile(join(ws.dir, 'envs', 'a.yaml'), a);
    await writeFile(join(ws.dir, 'envs', 'b.yaml'), b);
    await writeFile(join(ws.dir, 'envs', 'inline.json'), JSON.stringify(inline));

    const values = await resolveValues(
      NO_CLIENT,
      'team-a',
      { chart: './charts/webapp', valuesFiles: ['envs/a.yaml', 'envs/b.yaml'], values: inline },
      ws.chartDir,
      ws.dir,
    );
    const ours = await renderChart(renderInput(ws.chartDir, ws.tmp, { values }));
    const direct = await helmTemplate([
      'rel',
      ws.chartDir,
      '--namespace',
      'team-a',
      '--kube-version',
      '1.31.2',
      '--include-crds',
      '--skip-tests',
      '-f',
      join(ws.dir, 'envs', 'a.yaml'),
      '-f',
      join(ws.dir, 'envs', 'b.yaml'),
      '-f',
      join(ws.dir, 'envs', 'inline.json'),
    ]);
    expect(ours.renderer).toBe('helm');
    expect(ours.yaml).toBe(direct);
    // The values took effect (the comparison alone would pass if both ignored them).
    expect(seenValues(ours.yaml)).toMatchObject({
      replicaCount: 4,
      image: { repository: 'registry.example.com/web', tag: '2.1' },
      sidecar: { repository: 'registry.example.com/web', tag: '3.0' },
      features: { true: false, false: 1, list: ['c'], big: '1e400', inline: true },
      service: { port: 8080, annotations: { keep: 'me', added: 'yes' } },
    });
    expect((seenValues(ours.yaml).service as { annotations: object }).annotations).not.toHaveProperty('drop');
    expect(await leftovers(ws.tmp)).toEqual([]);
  });

  it('gives the templates the namespace and the kube version', async () => {
    const { yaml } = await renderChart(
      renderInput(ws.chartDir, ws.tmp, { namespace: 'shop', kubeVersion: 'v1.29.4' }),
    );
    const deployment = objects(yaml).find((o) => o.kind === 'Deployment');
    expect(deployment?.metadata.annotations).toEqual({
      'webapp.example.com/namespace': 'shop',
      'webapp.example.com/kube-version': 'v1.29.4',
    });
  });

  it('leaves test hooks out by default, keeps them with skipTests false, and the hook policy sorts them', async () => {
    const skipped = await renderChart(renderInput(ws.chartDir, ws.tmp));
    expect(names(skipped.yaml)).not.toContain('Pod/rel-webapp-test');
    const kept = await renderChart(renderInput(ws.chartDir, ws.tmp, { skipTests: false }));
    expect(names(kept.yaml)).toContain('Pod/rel-webapp-test');

    const hooks = classifyHooks(parseManifests(kept.yaml, { files: kept.files }, LIMITS));
    expect(hooks.pre.map((g) => g.map((m) => m.manifest.metadata.name))).toEqual([['rel-webapp-migrate']]);
    expect(hooks.post.map((g) => g.map((m) => m.manifest.metadata.name))).toEqual([['rel-webapp-notify']]);
    expect(
      hooks.skipped.map((s) => [s.manifest.manifest.metadata.name, s.reason, s.manifest.source.file]),
    ).toEqual([
      [
        'rel-webapp-test',
        'test hook: Steward does not run helm tests',
        'webapp/templates/tests/test-connection.yaml',
      ],
    ]);
    expect(hooks.main.map((m) => `${m.manifest.kind}/${m.manifest.metadata.name}`).sort()).toEqual([
      'ConfigMap/rel-cache',
      'ConfigMap/rel-webapp-values',
      'CustomResourceDefinition/widgets.example.com',
      'Deployment/rel-webapp',
      'Service/rel-webapp',
    ]);
  });

  it("renders the chart's CRDs only when asked", async () => {
    const withCrds = await renderChart(renderInput(ws.chartDir, ws.tmp));
    expect(names(withCrds.yaml)).toContain('CustomResourceDefinition/widgets.example.com');
    const without = await renderChart(renderInput(ws.chartDir, ws.tmp, { includeCRDs: false }));
    expect(names(without.yaml)).not.toContain('CustomResourceDefinition/widgets.example.com');
  });

  it('names each template in files, so parsed objects know where they came from', async () => {
    const rendered = await renderChart(renderInput(ws.chartDir, ws.tmp));
    expect(rendered.files.map((f) => f.file)).toEqual([
      'webapp/crds/widgets.yaml',
      'webapp/charts/cache/templates/configmap.yaml',
      'webapp/templates/values.yaml',
      'webapp/templates/service.yaml',
      'webapp/templates/deployment.yaml',
      'webapp/templates/hooks.yaml',
      'webapp/templates/hooks.yaml',
    ]);
    const parsed = parseManifests(rendered.yaml, { files: rendered.files }, LIMITS);
    expect(parsed.find((p) => p.manifest.kind === 'Service')?.source).toEqual({
      file: 'webapp/templates/service.yaml',
      document: 0,
    });
    expect(parsed.find((p) => p.manifest.metadata.name === 'rel-webapp-notify')?.source).toEqual({
      file: 'webapp/templates/hooks.yaml',
      document: 1,
    });
  });

  it("reports a broken template with the chart, its version and helm's message", async () => {
    const e = await failure(renderChart(renderInput(ws.chartDir, ws.tmp, { values: { broken: true } })));
    expect(e.message).toBe(
      'chart webapp 1.2.0: helm template failed: webapp/templates/failures.yaml:3:10: executing "webapp/templates/failures.yaml" at <.Values.missing.field.deeper>: nil pointer evaluating interface {}.field',
    );
    expect(e.retry).toBe('terminal');
    expect(e.reason).toBe('BuildFailed');
    expect(e.message).not.toContain(ws.dir);
  });

  it('masks values that helm quotes, and the strings it is told to redact', async () => {
    const schema = await failure(
      renderChart(renderInput(ws.chartDir, ws.tmp, { values: { password: 'Hunter2Secret' } })),
    );
    expect(schema.message).toMatch(
      /^chart webapp 1\.2\.0: helm template failed: values don't meet the specifications/,
    );
    expect(schema.message).toContain("- at '/password': the value does not match pattern '^[a-z]*$'");
    expect(schema.message).not.toContain('Hunter2Secret');

    const failed = await failure(
      renderChart(
        renderInput(ws.chartDir, ws.tmp, { values: { failWith: 'token-abc123' }, redact: ['token-abc123'] }),
      ),
    );
    expect(failed.message).toBe(
      'chart webapp 1.2.0: helm template failed: execution error at (webapp/templates/failures.yaml:6:4): refusing ***',
    );
  });

  it('stops helm at the output cap', async () => {
    const e = await failure(
      renderChart(
        renderInput(ws.chartDir, ws.tmp, { values: { big: 3_000_000 }, maxOutputBytes: 1024 * 1024 }),
      ),
    );
    expect(e.message).toBe('chart webapp 1.2.0: helm template produced more than 1048576 bytes of output');
    expect(e.retry).toBe('terminal');
  });

  it('kills a template that loops at the time limit', async () => {
    const started = Date.now();
    const e = await failure(
      renderChart(renderInput(ws.chartDir, ws.tmp, { values: { loop: 100_000 }, timeoutMs: 1000 })),
    );
    const elapsed = Date.now() - started;
    expect(e.message).toBe('chart webapp 1.2.0: helm template timed out after 1000 ms');
    expect(e.retry).toBe('transient');
    expect(elapsed).toBeLessThan(5000);
    expect(await leftovers(ws.tmp)).toEqual([]);
  });

  it('refuses a chart whose dependency is not vendored, naming it', async () => {
    const other = await workspace();
    try {
      await rm(join(other.chartDir, 'charts', 'cache'), { recursive: true });
      const e = await failure(renderChart(renderInput(other.chartDir, other.tmp)));
      expect(e.message).toBe(
        'chart webapp 1.2.0: helm template failed: dependencies listed in Chart.yaml but not vendored in charts/: cache (charts are rendered offline: vendor subcharts with helm dependency build before packaging)',
      );
    } finally {
      await other.cleanup();
    }
  });

  it('refuses a symlink helm would follow before helm runs', async () => {
    const other = await workspace();
    try {
      await writeFile(
        join(other.dir, 'token'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leaked}\n',
      );
      await symlink(join(other.dir, 'token'), join(other.chartDir, 'templates', 'token.yaml'));
      const e = await failure(renderChart(renderInput(other.chartDir, other.tmp)));
      expect(e.message).toBe(
        'chart webapp 1.2.0: templates/token.yaml is a symlink; charts must not hold symlinks',
      );
      expect(await leftovers(other.tmp)).toEqual([]);
    } finally {
      await other.cleanup();
    }
  });

  it('refuses bad inputs before running helm', async () => {
    expect(
      (await failure(renderChart(renderInput(ws.chartDir, ws.tmp, { releaseName: '--debug' })))).message,
    ).toMatch(/release name "--debug" must be a DNS-1123 label/);
    expect(
      (await failure(renderChart(renderInput(ws.chartDir, ws.tmp, { kubeVersion: '1.x' })))).message,
    ).toMatch(/kube version "1.x" must look like/);
  });
});
