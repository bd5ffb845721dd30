/**
 * valuesFrom against a real API server (the sandbox): ConfigMaps and Secrets read with the Sync's identity,
 * merged in order, targetPath and optional, and the result rendered by the real helm exactly as `helm -f ...
 * --set` would render it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmSpec } from '../../../src/api/index.js';
import type { Manifest } from '../../../src/core/types.js';
import { ReconcileError } from '../../../src/core/types.js';
import type { KubeClient } from '../../../src/kube/index.js';
import { kubeClient } from '../../../src/kube/index.js';
import { renderChart } from '../../../src/render/helm/render-chart.js';
import { resolveHelmValues } from '../../../src/render/helm/values-resolve.js';
import { type SandboxHandle, startSandbox } from '../../harness/sandbox.js';
import { helmTemplate, renderInput, seenValues, workspace } from './helm.js';

const NS = 'team-a';
const CM_VALUES =
  'image:\n  tag: "2.2"\nservice:\n  annotations:\n    drop: null\nfeatures: {on: yes, list: [x]}\n';
const SECRET_VALUES = 'password: s3cretvalue\nfeatures: {list: [z], secret: true}\n';

let sb: SandboxHandle;
let admin: KubeClient;
let ws: Awaited<ReturnType<typeof workspace>>;

const b64 = (s: string) => Buffer.from(s).toString('base64');

beforeAll(async () => {
  sb = await startSandbox();
  admin = kubeClient(sb.kc);
  ws = await workspace();
  const objects: Manifest[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-values', namespace: NS },
      data: { 'values.yaml': CM_VALUES, replicas: '5\n', quoted: '"007"' },
      binaryData: { 'extra.yaml': b64('features: {binary: true}\n') },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-secret', namespace: NS },
      data: {
        'values.yaml': b64(SECRET_VALUES),
        token: b64('tok-Zx81Qq'),
        broken: b64('password: s3cretvalue: oops\n'),
      },
    },
  ];
  for (const o of objects) await admin.apply(o, { fieldManager: 'test', force: true });
});

afterAll(async () => {
  await ws?.cleanup();
  await sb?.stop();
});

async function failure(promise: Promise<unknown>): Promise<ReconcileError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ReconcileError);
  return e as ReconcileError;
}

describe('valuesFrom with a real API server', () => {
  it('merges ConfigMaps and Secrets in order, with targetPath and optional, and renders as helm -f / --set would', async () => {
    const helm: HelmSpec = {
      chart: './charts/webapp',
      valuesFrom: [
        { kind: 'ConfigMap', name: 'web-values' },
        { kind: 'ConfigMap', name: 'web-values', valuesKey: 'extra.yaml' },
        { kind: 'Secret', name: 'web-secret' },
        { kind: 'ConfigMap', name: 'not-there', optional: true },
        { kind: 'Secret', name: 'web-secret', valuesKey: 'not-there', optional: true },
        { kind: 'ConfigMap', name: 'web-values', valuesKey: 'replicas', targetPath: 'replicaCount' },
        {
          kind: 'ConfigMap',
          name: 'web-values',
          valuesKey: 'quoted',
          targetPath: 'service.annotations.build',
        },
        { kind: 'Secret', name: 'web-secret', valuesKey: 'token', targetPath: 'features.tokens[1]' },
      ],
    };
    const { values, secrets } = await resolveHelmValues(admin, NS, helm, ws.chartDir, ws.dir);
    expect(values).toEqual({
      image: { tag: '2.2' },
      service: { annotations: { drop: null, build: '007' } },
      features: { true: true, list: ['z'], binary: true, secret: true, tokens: [null, 'tok-Zx81Qq'] },
      password: 's3cretvalue',
      replicaCount: 5,
    });
    expect(secrets).toContain('s3cretvalue');
    expect(secrets).toContain('tok-Zx81Qq');

    const ours = await renderChart(
      renderInput(ws.chartDir, ws.tmp, { values: { ...values, password: 'lower' } }),
    );
    await writeFile(join(ws.tmp, '..', 'cm.yaml'), CM_VALUES);
    await writeFile(join(ws.tmp, '..', 'extra.yaml'), 'features: {binary: true}\n');
    await writeFile(join(ws.tmp, '..', 'secret.yaml'), SECRET_VALUES);
    const direct = await helmTemplate([
      'rel',
      ws.chartDir,
      '--namespace=team-a',
      '--kube-version=1.31.2',
      '--include-crds',
      '--skip-tests',
      '-f',
      join(ws.dir, 'cm.yaml'),
      '-f',
      join(ws.dir, 'extra.yaml'),
      '-f',
      join(ws.dir, 'secret.yaml'),
      // A targetPath number reaches the templates as a float64, as every number of a values file does;
      // `--set` would make it an int64 (docs/helm.md).
      '--set-json',
      'replicaCount=5',
      '--set-string',
      'service.annotations.build=007',
      '--set',
      'features.tokens[1]=tok-Zx81Qq',
      '--set',
      'password=lower',
    ]);
    expect(ours.yaml).toBe(direct);
    expect(seenValues(ours.yaml)).toMatchObject({
      replicaCount: 5,
      service: { annotations: { keep: 'me', build: '007' } },
    });
  });

  it('reports a missing object or key by name, and Secret YAML errors without the content', async () => {
    const missing = await failure(
      resolveHelmValues(
        admin,
        NS,
        { chart: 'x', valuesFrom: [{ kind: 'Secret', name: 'nope' }] },
        ws.chartDir,
        ws.dir,
      ),
    );
    expect(missing.message).toBe("valuesFrom Secret 'team-a/nope' not found");
    expect(missing.retry).toBe('transient');
    const key = await failure(
      resolveHelmValues(
        admin,
        NS,
        { chart: 'x', valuesFrom: [{ kind: 'ConfigMap', name: 'web-values', valuesKey: 'nope' }] },
        ws.chartDir,
        ws.dir,
      ),
    );
    expect(key.message).toBe("valuesFrom ConfigMap 'team-a/web-values' has no key 'nope'");
    const yaml = await failure(
      resolveHelmValues(
        admin,
        NS,
        { chart: 'x', valuesFrom: [{ kind: 'Secret', name: 'web-secret', valuesKey: 'broken' }] },
        ws.chartDir,
        ws.dir,
      ),
    );
    expect(yaml.message).toMatch(
      /^valuesFrom Secret 'team-a\/web-secret' key 'broken': line 1: values invalid YAML \(/,
    );
    expect(yaml.message).not.toContain('s3cretvalue');
  });

  it("reads with the Sync's identity: a tenant without access gets the API server's refusal", async () => {
    const tenant = kubeClient(sb.kc, { impersonate: { user: 'system:serviceaccount:team-a:default' } });
    const e = await failure(
      resolveHelmValues(
        tenant,
        NS,
        { chart: 'x', valuesFrom: [{ kind: 'Secret', name: 'web-secret' }] },
        ws.chartDir,
        ws.dir,
      ),
    );
    expect(e.message).toMatch(/^valuesFrom Secret 'team-a\/web-secret' could not be read: .*forbidden/);
    expect(e.message).not.toContain('s3cretvalue');
  });

  it("keeps a Secret's value out of helm's error message", async () => {
    const { values, secrets } = await resolveHelmValues(
      admin,
      NS,
      {
        chart: 'x',
        valuesFrom: [{ kind: 'Secret', name: 'web-secret', valuesKey: 'token', targetPath: 'failWith' }],
      },
      ws.chartDir,
      ws.dir,
    );
    const e = await failure(renderChart(renderInput(ws.chartDir, ws.tmp, { values, redact: secrets })));
    expect(e.message).toBe(
      'chart webapp 1.2.0: helm template failed: execution error at (webapp/templates/failures.yaml:6:4): refusing ***',
    );
  });
});
