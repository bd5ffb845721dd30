/**
 * `steward get` against the sandbox API server with Steward's CRDs installed, plus one Steward kind the code
 * has never heard of (it must come from discovery): the table, -A, `get all`, -o json/yaml, the namespace
 * from the kubeconfig context, and the exit codes 2 (usage, unknown kind, not found) and 3 (unreachable).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { crds } from '../../../src/api/index.js';
import { getCommand } from '../../../src/cli/get.js';
import { kubeconfigYaml } from '../../../src/sandbox/kubeconfig.js';
import { eventually, type SandboxHandle, startSandbox } from '../../harness/sandbox.js';
import { captureIO, runCommandLine } from './helpers.js';

let sb: SandboxHandle;
const BASE = '/apis/steward.dev/v1alpha1';

async function apply(path: string, body: object): Promise<void> {
  const r = await sb.raw('PATCH', `${path}?fieldManager=test&force=true`, {
    body,
    contentType: 'application/apply-patch+yaml',
  });
  if (r.status > 201) throw new Error(`apply ${path}: ${r.status} ${r.text}`);
}

/** Creates a Steward object and writes its status, as the agent would. */
async function object(
  plural: string,
  kind: string,
  namespace: string,
  name: string,
  spec: object,
  status: object,
): Promise<void> {
  const path = `${BASE}/namespaces/${namespace}/${plural}/${name}`;
  const meta = { name, namespace };
  await apply(path, { apiVersion: 'steward.dev/v1alpha1', kind, metadata: meta, spec });
  await apply(`${path}/status`, { apiVersion: 'steward.dev/v1alpha1', kind, metadata: meta, status });
}

function ready(status: 'True' | 'False', reason: string, message: string) {
  return [{ type: 'Ready', status, reason, message, lastTransitionTime: '2026-01-01T00:00:00Z' }];
}

const SYNC_SPEC = {
  sourceRef: { kind: 'GitRepository', name: 'fleet' },
  path: './',
  interval: '5m',
  prune: true,
};
const REV = `main@sha1:${'a'.repeat(40)}`;

/** A Steward kind that only exists as a CRD (a future one): get must find it through discovery. */
const FUTURE_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'ocirepositories.steward.dev' },
  spec: {
    group: 'steward.dev',
    scope: 'Namespaced',
    names: {
      plural: 'ocirepositories',
      singular: 'ocirepository',
      kind: 'OCIRepository',
      categories: ['steward'],
    },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

async function get(argv: string[], kubeconfig = sb.kubeconfigPath) {
  const io = captureIO();
  return runCommandLine(getCommand(io), [...argv, '--kubeconfig', kubeconfig], io);
}

beforeAll(async () => {
  sb = await startSandbox({ simulator: { enabled: false, settleMs: 0, failImagePatterns: [] } });
  for (const crd of [...crds(), FUTURE_CRD]) {
    await apply(
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${(crd as typeof FUTURE_CRD).metadata.name}`,
      crd,
    );
  }
  await eventually(async () => {
    const r = await sb.raw('GET', BASE);
    return r.status === 200 && r.text.includes('ocirepositories') && r.text.includes('syncs')
      ? true
      : undefined;
  });
  for (const ns of ['team-a', 'empty'])
    await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
  await object(
    'gitrepositories',
    'GitRepository',
    'default',
    'fleet',
    { url: 'https://git.example.com/fleet', interval: '1m', ref: { branch: 'main' } },
    {
      conditions: ready('True', 'Succeeded', `stored artifact for revision '${REV}'`),
      artifact: {
        revision: REV,
        path: 'x',
        digest: 'sha256:0',
        lastUpdateTime: '2026-01-01T00:00:00Z',
        size: 1,
      },
    },
  );
  await object('syncs', 'Sync', 'default', 'app', SYNC_SPEC, {
    conditions: ready('True', 'ReconciliationSucceeded', `Applied revision: ${REV}`),
    lastAppliedRevision: REV,
  });
  await object('syncs', 'Sync', 'default', 'broken', SYNC_SPEC, {
    conditions: ready(
      'False',
      'BuildFailed',
      "kustomize build failed:\naccumulating resources: 'nope' not found",
    ),
  });
  await object(
    'syncs',
    'Sync',
    'team-a',
    'web',
    { ...SYNC_SPEC, suspend: true },
    {
      conditions: ready('True', 'ReconciliationSucceeded', `Applied revision: ${REV}`),
      lastAppliedRevision: REV,
    },
  );
  await object(
    'ocirepositories',
    'OCIRepository',
    'default',
    'app-image',
    { url: 'oci://ghcr.io/x/app', futureField: 42 },
    {
      conditions: ready('True', 'Succeeded', 'stored artifact for digest 1.2.3@sha256:ab'),
      artifact: { revision: '1.2.3@sha256:ab' },
    },
  );
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

/** The rows of a table, each split on its column gaps. */
function rows(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/ {2,}/));
}

describe('steward get', () => {
  it('lists the namespace of the kubeconfig context as a table', async () => {
    const r = await get(['syncs']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    // Ages are a few seconds: AGE stays at its minimum width, so only the digits vary.
    const out = r.out.replace(/(?<= )\d{1,2}s(?= )/g, (m) => 'Ns'.padEnd(m.length));
    const line = (name: string, ready: string, rev: string, suspended: string, age: string, status: string) =>
      `${name.padEnd(9)}${ready.padEnd(8)}${rev.padEnd(53)}${suspended.padEnd(12)}${age.padEnd(6)}${status}`;
    expect(out).toBe(
      [
        line('NAME', 'READY', 'REVISION', 'SUSPENDED', 'AGE', 'STATUS'),
        line('app', 'True', REV, 'False', 'Ns', `Applied revision: ${REV}`),
        line(
          'broken',
          'False',
          '',
          'False',
          'Ns',
          "kustomize build failed: accumulating resources: 'nope' not found",
        ),
        '',
      ].join('\n'),
    );
  });

  it('takes kubectl spellings of the kind, and -A adds NAMESPACE', async () => {
    const r = await get(['sync.steward.dev', '-A']);
    expect(r.code).toBe(0);
    const table = rows(r.out);
    expect(table[0]?.slice(0, 3)).toEqual(['NAMESPACE', 'NAME', 'READY']);
    expect(table.slice(1).map((row) => `${row[0]}/${row[1]}`)).toEqual([
      'default/app',
      'default/broken',
      'team-a/web',
    ]);
    expect(table[3]?.[4]).toBe('True'); // team-a/web is suspended
  });

  it('shows one object, and -o json gives it whole, unknown fields kept', async () => {
    const t = await get(['gitrepo', 'fleet']);
    expect(t.code).toBe(0);
    expect(rows(t.out)[1]?.slice(0, 4)).toEqual(['fleet', 'True', REV, 'False']);
    const j = await get(['ocirepository', 'app-image', '-o', 'json']);
    expect(j.code).toBe(0);
    const obj = JSON.parse(j.out) as {
      kind: string;
      spec: { futureField: number };
      status: { artifact: { revision: string } };
    };
    expect(obj.kind).toBe('OCIRepository');
    expect(obj.spec.futureField).toBe(42);
    expect(obj.status.artifact.revision).toBe('1.2.3@sha256:ab');
  });

  it('lists every Steward kind with `get all`, including kinds only discovery knows', async () => {
    const r = await get(['all', '-A']);
    expect(r.code).toBe(0);
    const sections = r.out.trimEnd().split('\n\n').map(rows);
    expect(sections.map((s) => s.slice(1).map((row) => `${row[0]}/${row[1]}`))).toEqual([
      ['default/gitrepository/fleet'],
      ['default/ocirepository/app-image'],
      ['default/sync/app', 'default/sync/broken', 'team-a/sync/web'],
    ]);
    expect(sections[1]?.[1]?.[3]).toBe('1.2.3@sha256:ab');
  });

  it('prints a List for -o yaml and -o json listings', async () => {
    const y = await get(['all', '-o', 'yaml']);
    expect(y.code).toBe(0);
    const list = parseYaml(y.out) as {
      apiVersion: string;
      kind: string;
      items: { kind: string; metadata: { name: string } }[];
    };
    expect(list.kind).toBe('List');
    expect(list.apiVersion).toBe('v1');
    expect(list.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual([
      'GitRepository/fleet',
      'OCIRepository/app-image',
      'Sync/app',
      'Sync/broken',
    ]);
    const j = await get(['syncs', '-n', 'team-a', '-o', 'json']);
    expect(
      (JSON.parse(j.out) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name),
    ).toEqual(['web']);
  });

  it("defaults to the context's namespace, and --context picks another context", async () => {
    const config = parseYaml(await readFile(sb.kubeconfigPath, 'utf8')) as {
      contexts: { name: string; context: Record<string, string> }[];
    };
    const first = config.contexts[0];
    if (!first) throw new Error('the sandbox kubeconfig has no context');
    config.contexts.push({ name: 'team-a', context: { ...first.context, namespace: 'team-a' } });
    const path = join(sb.dir, 'two-contexts.kubeconfig');
    await writeFile(path, stringify(config));
    const inTeamA = await get(['syncs', '--context', 'team-a'], path);
    expect(
      rows(inTeamA.out)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(['web']);
    const overridden = await get(['syncs', '--context', 'team-a', '-n', 'default'], path);
    expect(
      rows(overridden.out)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(['app', 'broken']);
    const wrong = await get(['syncs', '--context', 'nope'], path);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toBe('error: context "nope" does not exist in the kubeconfig\n');
  });

  it('says so when there is nothing, and exits 0', async () => {
    const r = await get(['gitrepositories', '-n', 'empty']);
    expect(r).toEqual({ code: 0, out: '', err: 'No resources found in empty namespace.\n' });
  });

  it('exits 2 for an object that does not exist, an unknown kind, and bad usage', async () => {
    const missing = await get(['sync', 'nope']);
    expect(missing).toEqual({ code: 2, out: '', err: 'error: Sync/default/nope not found\n' });
    const unknown = await get(['pods']);
    expect(unknown.code).toBe(2);
    // Other kinds may be served too (every CRD of group steward.dev is listed); these three must be.
    expect(unknown.err).toMatch(
      /^error: the server has no Steward resource type "pods" \(Steward kinds served: (\w+, )*gitrepositories, (\w+, )*imagepolicies, (\w+, )*syncs(, \w+)*\)\n$/,
    );
    const badOutput = await get(['syncs', '-o', 'wide']);
    expect(badOutput.code).toBe(2);
    expect(badOutput.err).toMatch(/argument 'wide' is invalid/);
    const byNameEverywhere = await get(['sync', 'app', '-A']);
    expect(byNameEverywhere.code).toBe(2);
  });

  it('exits 3 when the API server cannot be reached, naming the server', async () => {
    const port = await closedPort();
    const path = join(sb.dir, 'unreachable.kubeconfig');
    await writeFile(
      path,
      kubeconfigYaml({ server: `https://127.0.0.1:${port}`, caPem: sb.ep.caPem, token: 'not-used' }),
    );
    const started = Date.now();
    const r = await get(['syncs'], path);
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      new RegExp(
        `^error: cannot reach the cluster at https://127\\.0\\.0\\.1:${port} \\(discovery of Steward kinds\\): .*ECONNREFUSED`,
      ),
    );
    expect(r.err).not.toContain('not-used');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
