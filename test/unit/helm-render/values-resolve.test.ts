import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HelmSpec } from '../../../src/api/index.js';
import type { ObjectRef } from '../../../src/core/types.js';
import { ReconcileError } from '../../../src/core/types.js';
import type { KubeClient, Obj } from '../../../src/kube/index.js';
import { KubeError } from '../../../src/kube/index.js';
import { resolveHelmValues, resolveValues } from '../../../src/render/helm/values-resolve.js';

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A repository with a chart at charts/app. */
async function repo(files: Record<string, string | { link: string }>): Promise<string> {
  const root = join(await realpath(await mkdtemp(join(tmpdir(), 'steward-values-'))), 'repo');
  made.push(dirname(root));
  for (const [path, entry] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    if (typeof entry === 'string') await writeFile(join(root, path), entry);
    else await symlink(entry.link, join(root, path));
  }
  return root;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The one method resolveValues uses, over a fixed set of objects; anything else is not expected. */
function fakeClient(objects: Obj[], fail?: KubeError): KubeClient & { reads: string[] } {
  const reads: string[] = [];
  const get = async (ref: ObjectRef) => {
    reads.push(`${ref.kind}/${ref.namespace}/${ref.name}`);
    if (fail) throw fail;
    return objects.find((o) => {
      const meta = o.metadata as { name: string; namespace: string };
      return o.kind === ref.kind && meta.name === ref.name && meta.namespace === ref.namespace;
    });
  };
  return new Proxy({ get, reads } as unknown as KubeClient & { reads: string[] }, {
    get: (target, prop) => {
      if (prop in target) return target[prop as keyof typeof target];
      throw new Error(`unexpected client call ${String(prop)}`);
    },
  });
}

const cm = (name: string, data: Record<string, string>, binaryData?: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'team-a' },
  data,
  ...(binaryData ? { binaryData } : {}),
});
const secret = (name: string, data: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'team-a' },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});

async function refused(p: Promise<unknown>): Promise<ReconcileError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ReconcileError);
  return e as ReconcileError;
}

describe('resolveValues', () => {
  it('merges valuesFiles, then valuesFrom in order, then inline values', async () => {
    const root = await repo({
      'charts/app/Chart.yaml': 'name: app\n',
      'charts/app/values.yaml': 'replicas: 1\nimage: {tag: chart}\n',
      'envs/base.yaml': 'replicas: 2\nimage: {repository: nginx, tag: base}\nlist: [1, 2]\nenabled: yes\n',
      'envs/prod.yaml': 'image: {tag: prod}\n',
    });
    const client = fakeClient([
      cm('shared', { 'values.yaml': 'image: {tag: from-cm}\nlist: [3]\nextra: {a: 1}\n' }),
      cm('other-key', { 'custom.yaml': 'extra: {b: 2}\n' }),
      secret('creds', { 'values.yaml': 'auth: {password: hunter2-secret}\n', token: 'tok-12345\n' }),
    ]);
    const helm: HelmSpec = {
      chart: './charts/app',
      valuesFiles: ['envs/base.yaml', './envs/prod.yaml', 'charts/app/values.yaml'],
      valuesFrom: [
        { kind: 'ConfigMap', name: 'shared' },
        { kind: 'ConfigMap', name: 'other-key', valuesKey: 'custom.yaml' },
        { kind: 'Secret', name: 'creds' },
        { kind: 'Secret', name: 'creds', valuesKey: 'token', targetPath: 'auth.token' },
        { kind: 'ConfigMap', name: 'missing', optional: true },
        { kind: 'ConfigMap', name: 'shared', valuesKey: 'nope', optional: true },
      ],
      values: { image: { tag: 'inline' }, extra: { a: null } },
    };
    const { values, secrets } = await resolveHelmValues(
      client,
      'team-a',
      helm,
      join(root, 'charts/app'),
      root,
    );
    expect(values).toEqual({
      replicas: 2,
      image: { repository: 'nginx', tag: 'inline' },
      list: [3],
      enabled: true,
      extra: { a: null, b: 2 },
      auth: { password: 'hunter2-secret', token: 'tok-12345' },
    });
    expect(secrets.sort()).toEqual(['hunter2-secret', 'tok-12345']);
    expect(client.reads).toEqual([
      'ConfigMap/team-a/shared',
      'ConfigMap/team-a/other-key',
      'Secret/team-a/creds',
      'Secret/team-a/creds',
      'ConfigMap/team-a/missing',
      'ConfigMap/team-a/shared',
    ]);
  });

  it('reads ConfigMap binaryData and sets targetPath values where the later layers can override them', async () => {
    const root = await repo({ 'Chart.yaml': 'name: app\n' });
    const client = fakeClient([cm('c', { port: '8080\n', quoted: '"8080"' }, { blob: b64('a: {b: 1}\n') })]);
    const values = await resolveValues(
      client,
      'team-a',
      {
        chart: 'app',
        valuesFrom: [
          { kind: 'ConfigMap', name: 'c', valuesKey: 'blob' },
          { kind: 'ConfigMap', name: 'c', valuesKey: 'port', targetPath: 'a.ports[1]' },
          { kind: 'ConfigMap', name: 'c', valuesKey: 'quoted', targetPath: 'svc.annotations.x\\.io/port' },
        ],
        values: { a: { c: true } },
      },
      root,
      root,
    );
    expect(values).toEqual({
      a: { b: 1, ports: [null, 8080], c: true },
      svc: { annotations: { 'x.io/port': '8080' } },
    });
  });

  it.each<[string, NonNullable<HelmSpec['valuesFrom']>, RegExp, 'transient' | 'terminal']>([
    [
      'a missing object',
      [{ kind: 'Secret', name: 'gone' }],
      /^valuesFrom Secret 'team-a\/gone' not found$/,
      'transient',
    ],
    [
      'a missing key',
      [{ kind: 'ConfigMap', name: 'c', valuesKey: 'k' }],
      /^valuesFrom ConfigMap 'team-a\/c' has no key 'k'$/,
      'transient',
    ],
    [
      'the default key missing',
      [{ kind: 'Secret', name: 's' }],
      /^valuesFrom Secret 'team-a\/s' has no key 'values\.yaml'$/,
      'transient',
    ],
    [
      'YAML that is not a mapping',
      [{ kind: 'Secret', name: 's', valuesKey: 'list' }],
      /^valuesFrom Secret 'team-a\/s' key 'list': line 1: values is a list, not a mapping$/,
      'transient',
    ],
    [
      'invalid YAML',
      [{ kind: 'Secret', name: 's', valuesKey: 'broken' }],
      /^valuesFrom Secret 'team-a\/s' key 'broken': line 2: values invalid YAML \([A-Z_]+\)$/,
      'transient',
    ],
    [
      'a bad targetPath',
      [{ kind: 'ConfigMap', name: 'c', valuesKey: 'v', targetPath: 'a..b' }],
      /^spec\.helm\.valuesFrom\[0\]\.targetPath: path "a\.\.b": has an empty key/,
      'terminal',
    ],
  ])(
    'refuses %s, naming the object and key but never the content',
    async (_name, valuesFrom, message, retry) => {
      const root = await repo({ 'Chart.yaml': 'name: app\n' });
      const client = fakeClient([
        cm('c', { v: 'x' }),
        secret('s', { list: '- hunter2\n', broken: 'a: 1\npassword: hunter2: x\n' }),
      ]);
      const e = await refused(resolveValues(client, 'team-a', { chart: 'app', valuesFrom }, root, root));
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('hunter2');
      expect(e.retry).toBe(retry);
      expect(e.reason).toBe('BuildFailed');
    },
  );

  it('wraps API errors with the object it was reading', async () => {
    const root = await repo({ 'Chart.yaml': 'name: app\n' });
    const client = fakeClient([], new KubeError(403, 'Forbidden', 'secrets "s" is forbidden'));
    const e = await refused(
      resolveValues(
        client,
        'team-a',
        { chart: 'app', valuesFrom: [{ kind: 'Secret', name: 's' }] },
        root,
        root,
      ),
    );
    expect(e.message).toBe(`valuesFrom Secret 'team-a/s' could not be read: secrets "s" is forbidden`);
    expect(e.retry).toBe('transient');
    expect(e.subject).toBe('Secret/team-a/s');
  });

  it.each<[string, string, RegExp]>([
    [
      'outside the root',
      '../outside.yaml',
      /^valuesFiles entry "\.\.\/outside\.yaml" resolves outside the source root$/,
    ],
    ['absolute', '/etc/passwd', /^valuesFiles entry "\/etc\/passwd" is an absolute path/],
    [
      'through a symlink out',
      'link.yaml',
      /^valuesFiles entry "link\.yaml" goes through a symlink that points outside the source root$/,
    ],
    ['missing', 'nope.yaml', /^valuesFiles entry "nope\.yaml" does not exist$/],
    ['a directory', 'envs', /^valuesFiles entry "envs" is a directory$/],
    [
      'too large',
      'big.yaml',
      /^valuesFiles entry "big\.yaml": file is 2000 bytes, more than the 1000 allowed$/,
    ],
    ['not a mapping', 'list.yaml', /^list\.yaml:1: values file is a list, not a mapping$/],
    ['not UTF-8', 'latin1.yaml', /^latin1\.yaml:1: invalid UTF-8/],
  ])('confines valuesFiles: refuses one %s', async (_name, entry, message) => {
    const root = await repo({
      'Chart.yaml': 'name: app\n',
      'envs/a.yaml': 'a: 1\n',
      'big.yaml': `a: "${'x'.repeat(1994)}"\n`,
      'list.yaml': '- 1\n',
      'link.yaml': { link: '/etc/hostname' },
    });
    await writeFile(join(root, 'latin1.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    await writeFile(join(root, '..', 'outside.yaml'), 'a: 1\n');
    const e = await refused(
      resolveValues(fakeClient([]), 'team-a', { chart: 'app', valuesFiles: [entry] }, root, root, {
        maxFileBytes: 1000,
      }),
    );
    expect(e.message).toMatch(message);
    expect(e.retry).toBe('terminal');
  });

  it('follows a symlink that stays inside the root', async () => {
    const root = await repo({
      'Chart.yaml': 'name: app\n',
      'envs/a.yaml': 'a: 1\n',
      'alias.yaml': { link: 'envs/a.yaml' },
    });
    expect(
      await resolveValues(
        fakeClient([]),
        'team-a',
        { chart: 'app', valuesFiles: ['alias.yaml'] },
        root,
        root,
      ),
    ).toEqual({ a: 1 });
  });
});
