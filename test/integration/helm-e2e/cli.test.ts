/**
 * `steward build` and `steward diff` for helm Syncs: a Sync file, a local chart (or a chart path in the
 * repository), valuesFrom objects from a local file (build) or the cluster (diff), the real helm, and for diff
 * the sandbox API server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { applyPlan } from '../../../src/apply/index.js';
import { buildCommand, runBuild } from '../../../src/cli/build.js';
import { runDiff } from '../../../src/cli/diff.js';
import { parseConfig } from '../../../src/config/index.js';
import { type KubeClient, kubeClient } from '../../../src/kube/index.js';
import {
  buildHelmLocal,
  loadObjects,
  loadSyncFile,
  objectsClient,
} from '../../../src/reconcile/helm-local.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';
import { captureIO, PATH_ENV, runCommandLine } from '../cli/helpers.js';
import { CHARTS, helmSync } from './helpers.js';

let work: string;
let sb: SandboxHandle;
let client: KubeClient;

const webSync = (helm: Record<string, unknown>) =>
  helmSync(
    'shop',
    'web',
    { kind: 'HelmRepository', name: 'charts' },
    { chart: 'webapp', version: '1.1.0', ...helm },
    {
      interval: '5m',
    },
  );

async function file(name: string, content: unknown): Promise<string> {
  const path = join(work, name);
  await writeFile(path, typeof content === 'string' ? content : stringify(content));
  return path;
}

const docsOf = (yaml: string) =>
  parseAllDocuments(yaml).map(
    (d) =>
      d.toJS() as {
        kind: string;
        metadata: { name: string; namespace?: string; labels?: Record<string, string> };
      } & Record<string, unknown>,
  );

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'steward-helm-cli-'));
  sb = await startSandbox({ simulator: { enabled: false, settleMs: 0, failImagePatterns: [] } });
  client = kubeClient(sb.kc);
  await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: 'shop' } } });
});
afterAll(async () => {
  await sb?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('steward build --sync', () => {
  it('renders a HelmRepository chart from a local copy, with valuesFrom objects from a file', async () => {
    const sync = await file(
      'web.yaml',
      webSync({
        valuesFrom: [
          { kind: 'ConfigMap', name: 'web-values' },
          { kind: 'Secret', name: 'web-image', valuesKey: 'tag', targetPath: 'image.tag' },
        ],
        values: { greeting: 'inline' },
      }),
    );
    const objects = await file(
      'objects.yaml',
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-values, namespace: shop}\ndata:\n  values.yaml: "replicaCount: 3"\n',
        'apiVersion: v1\nkind: Secret\nmetadata: {name: web-image, namespace: shop}\nstringData: {tag: "1.28"}\n',
      ].join('---\n'),
    );
    const io = captureIO();
    const code = await runBuild(
      {
        dir: '',
        path: './',
        substitute: {},
        syncFile: sync,
        chart: join(CHARTS, 'webapp-1.1.0'),
        objects: [objects],
      },
      io,
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const docs = docsOf(io.out);
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
      'ConfigMap/shop/web-config',
      'Service/shop/web',
      'Deployment/shop/web',
    ]);
    const deploy = docs[2] as unknown as {
      spec: {
        replicas: number;
        template: { spec: { containers: { image: string; env: { value: string }[] }[] } };
      };
    };
    expect(deploy.spec.replicas).toBe(3);
    expect(deploy.spec.template.spec.containers[0]?.image).toBe('nginx:1.28');
    expect(deploy.spec.template.spec.containers[0]?.env[0]?.value).toBe('inline');
    expect(docs.every((d) => d.metadata.labels?.['steward.dev/name'] === 'web')).toBe(true);
    // The same plan the agent's code path makes from the same inputs.
    const again = await buildHelmLocal({
      sync: await loadSyncFile(sync),
      chartDir: join(CHARTS, 'webapp-1.1.0'),
      client: objectsClient(await loadObjects([objects])),
      config: parseConfig('', 'defaults'),
      pathEnv: PATH_ENV,
      vars: {},
    });
    expect(again.plan.main.map((p) => p.manifest)).toEqual(docs);
  });

  it('prints a chart in the repository with its hooks in the order they run', async () => {
    const sync = await file(
      'hooked.yaml',
      helmSync(
        'jobs',
        'hooked',
        { kind: 'GitRepository', name: 'repo' },
        { chart: './hooked' },
        { interval: '5m' },
      ),
    );
    const io = captureIO();
    const r = await runCommandLine(buildCommand(io), ['--sync', sync, CHARTS], io);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(docsOf(r.out).map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Job/hooked-migrate',
      'ConfigMap/hooked-schema',
      'ConfigMap/hooked-app',
      'ConfigMap/hooked-notify',
      'ConfigMap/hooked-done',
    ]);
  });

  it('exits 1 naming the chart, the version and helm message for a chart that does not render', async () => {
    const sync = await file('broken.yaml', webSync({ version: '1.2.0' }));
    const io = captureIO();
    const r = await runCommandLine(
      buildCommand(io),
      ['--sync', sync, '--chart', join(CHARTS, 'webapp-1.2.0')],
      io,
    );
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: chart webapp 1\.2\.0: .*function "nosuchfunction" not defined/);
  });

  it('says how to get a HelmRepository chart when none is given', async () => {
    const sync = await file('nochart.yaml', webSync({}));
    const io = captureIO();
    const r = await runCommandLine(buildCommand(io), ['--sync', sync, work], io);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--chart <dir>/);
  });

  it('exits 1 naming a valuesFrom object that is not in the objects files', async () => {
    const sync = await file('missing.yaml', webSync({ valuesFrom: [{ kind: 'ConfigMap', name: 'nope' }] }));
    const io = captureIO();
    const r = await runCommandLine(
      buildCommand(io),
      ['--sync', sync, '--chart', join(CHARTS, 'webapp-1.1.0')],
      io,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("ConfigMap 'shop/nope' not found");
  });

  it.each([
    [['--path', './x'], /--sync gives --path/],
    [['--sync-name', 'a', '--sync-namespace', 'b'], /--sync gives --sync-name, --sync-namespace/],
  ])('refuses %j next to --sync (usage, exit 2)', async (extra, message) => {
    const sync = await file('usage.yaml', webSync({}));
    const io = captureIO();
    const r = await runCommandLine(buildCommand(io), ['--sync', sync, ...extra, work], io);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('refuses --chart without --sync (usage, exit 2)', async () => {
    const io = captureIO();
    const r = await runCommandLine(buildCommand(io), ['--chart', work], io);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--chart and --objects go with --sync/);
  });
});

describe('steward diff --sync', () => {
  const diff = async (sync: string, chart: string) => {
    const io = captureIO();
    const code = await runDiff(
      { dir: '', path: './', substitute: {}, syncFile: sync, chart },
      { ...io, connect: () => client },
    );
    return { code, out: io.out, err: io.err };
  };

  it('shows the release as created, then nothing once applied, then a values change read from the cluster', async () => {
    const chart = join(CHARTS, 'webapp-1.1.0');
    const sync = await file(
      'diff.yaml',
      webSync({ valuesFrom: [{ kind: 'ConfigMap', name: 'web-values', optional: true }] }),
    );
    const first = await diff(sync, chart);
    expect(first.code).toBe(1);
    expect(first.out).toBe(
      [
        'ConfigMap/shop/web-config created',
        'Service/shop/web created',
        'Deployment/shop/web created',
        '',
      ].join('\n'),
    );
    const config = parseConfig('', 'defaults');
    const built = await buildHelmLocal({
      sync: await loadSyncFile(sync),
      chartDir: chart,
      client,
      config,
      pathEnv: PATH_ENV,
      vars: {},
    });
    await applyPlan(client, built.plan.main, {
      fieldManager: config.fieldManager,
      force: false,
      knownControllers: config.knownControllers,
      waitTimeoutMs: 10_000,
    });
    const same = await diff(sync, chart);
    expect(same.out).toBe('');
    expect(same.code).toBe(0);
    await sb.raw('POST', '/api/v1/namespaces/shop/configmaps', {
      body: { metadata: { name: 'web-values' }, data: { 'values.yaml': 'replicaCount: 4\n' } },
    });
    const changed = await diff(sync, chart);
    expect(changed.code).toBe(1);
    expect(changed.out).toContain('-  replicas: 1\n+  replicas: 4\n');
    expect(changed.out).not.toContain('web-config');
  });
});
