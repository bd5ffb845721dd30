import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { create } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { ReconcileError } from '../../../src/core/types.js';
import { checkChartDir, DEFAULT_CHART_LIMITS } from '../../../src/render/helm/chart-check.js';

type Entry = string | { link: string };

const made: string[] = [];

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'steward-chart-check-')));
  made.push(dir);
  return dir;
}

async function writeTree(root: string, entries: Record<string, Entry>): Promise<void> {
  for (const [path, entry] of Object.entries(entries)) {
    const at = join(root, path);
    await mkdir(dirname(at), { recursive: true });
    if (typeof entry === 'string') await writeFile(at, entry);
    else await symlink(entry.link, at);
  }
}

/** A chart archive (gzipped tar) of `entries`, as `helm package` lays it out: everything under `<name>/`. */
async function archive(name: string, entries: Record<string, Entry>): Promise<Buffer> {
  const src = await tempDir();
  await writeTree(join(src, name), entries);
  const file = join(src, `${name}.tgz`);
  await create({ gzip: true, cwd: src, file, portable: true }, [name]);
  return readFile(file);
}

async function chart(entries: Record<string, Entry | Buffer>): Promise<string> {
  const dir = join(await tempDir(), 'app');
  await mkdir(dir);
  for (const [path, entry] of Object.entries(entries)) {
    if (Buffer.isBuffer(entry)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), entry);
    } else await writeTree(dir, { [path]: entry });
  }
  return dir;
}

const BASE = {
  'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
  'values.yaml': 'a: 1\n',
  'templates/cm.yaml': 'kind: ConfigMap\n',
};

async function refusal(dir: string, limits = DEFAULT_CHART_LIMITS): Promise<ReconcileError> {
  const e = await checkChartDir(dir, limits, 'app 1.0.0').then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ReconcileError);
  expect((e as ReconcileError).reason).toBe('BuildFailed');
  expect((e as ReconcileError).retry).toBe('terminal');
  return e as ReconcileError;
}

describe('checkChartDir', () => {
  it('accepts a plain chart and counts its files and bytes', async () => {
    const dir = await chart({
      ...BASE,
      'values.schema.json': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}',
    });
    const stats = await checkChartDir(dir, DEFAULT_CHART_LIMITS, 'app 1.0.0');
    expect(stats.files).toBe(4);
    expect(stats.bytes).toBeGreaterThan(80);
  });

  it('refuses a symlink out of the chart and names it', async () => {
    const dir = await chart(BASE);
    await writeFile(join(dir, '..', 'token'), 'secret-token');
    await symlink(join(dir, '..', 'token'), join(dir, 'templates', 'token.yaml'));
    const e = await refusal(dir);
    expect(e.message).toBe(
      'chart app 1.0.0: templates/token.yaml is a symlink; charts must not hold symlinks',
    );
    expect(e.subject).toBe('templates/token.yaml');
  });

  it('refuses a symlink even inside the chart, and to a directory', async () => {
    expect(
      (await refusal(await chart({ ...BASE, 'templates/alias.yaml': { link: 'cm.yaml' } }))).message,
    ).toMatch(/templates\/alias\.yaml is a symlink/);
    expect((await refusal(await chart({ ...BASE, 'charts/sub': { link: '/' } }))).message).toMatch(
      /charts\/sub is a symlink/,
    );
  });

  it('refuses a special file', async () => {
    const dir = await chart(BASE);
    await execa('mkfifo', [join(dir, 'templates', 'pipe.yaml')]);
    expect((await refusal(dir)).message).toBe('chart app 1.0.0: templates/pipe.yaml is not a regular file');
  });

  it('refuses a values.schema.json reference outside the document, naming the file and the reference', async () => {
    const dir = await chart({
      ...BASE,
      'values.schema.json': JSON.stringify({
        properties: { image: { $ref: 'https://schemas.example.com/image.json' } },
      }),
    });
    expect((await refusal(dir)).message).toBe(
      'chart app 1.0.0: values.schema.json at #/properties/image: $ref "https://schemas.example.com/image.json" is not a reference inside the schema (#/...)',
    );
  });

  it('checks the schemas of vendored subchart directories', async () => {
    const dir = await chart({
      ...BASE,
      'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 2.0.0\n',
      'charts/db/values.schema.json': '{"$schema":"http://127.0.0.1:9/meta.json"}',
    });
    expect((await refusal(dir)).message).toMatch(
      /^chart app 1\.0\.0: charts\/db\/values\.schema\.json at #: \$schema "http:\/\/127\.0\.0\.1:9\/meta\.json" is not a JSON Schema draft/,
    );
  });

  it('refuses a schema that is not JSON', async () => {
    expect((await refusal(await chart({ ...BASE, 'values.schema.json': '{nope' }))).message).toBe(
      'chart app 1.0.0: values.schema.json is not valid JSON',
    );
  });

  it('reads vendored archives in memory: schemas, links and nested archives', async () => {
    const good = await archive('db', {
      'Chart.yaml': 'name: db\n',
      'values.schema.json': '{"properties":{"a":{"$ref":"#/definitions/a"}}}',
    });
    const ok = await chart({ ...BASE, 'charts/db-1.0.0.tgz': good });
    expect((await checkChartDir(ok, DEFAULT_CHART_LIMITS)).files).toBe(3 + 1 + 2);

    const badSchema = await archive('db', {
      'Chart.yaml': 'name: db\n',
      'values.schema.json': '{"properties":{"a":{"$ref":"file:///etc/passwd"}}}',
    });
    expect((await refusal(await chart({ ...BASE, 'charts/db-1.0.0.tgz': badSchema }))).message).toBe(
      'chart app 1.0.0: charts/db-1.0.0.tgz: db/values.schema.json at #/properties/a: $ref "file:///etc/passwd" is not a reference inside the schema (#/...)',
    );

    const withLink = await archive('db', {
      'Chart.yaml': 'name: db\n',
      'templates/x.yaml': { link: '/etc/passwd' },
    });
    expect((await refusal(await chart({ ...BASE, 'charts/db-1.0.0.tgz': withLink }))).message).toBe(
      'chart app 1.0.0: charts/db-1.0.0.tgz: db/templates/x.yaml is a link; charts must not hold links',
    );

    // An archive inside an archive: mid/charts/deep-1.0.0.tgz.
    const inner = await archive('deep', {
      'Chart.yaml': 'name: deep\n',
      'values.schema.json': '{"$ref":"http://example.com/x"}',
    });
    const src = await tempDir();
    await writeTree(join(src, 'mid'), { 'Chart.yaml': 'name: mid\n' });
    await mkdir(join(src, 'mid', 'charts'));
    await writeFile(join(src, 'mid', 'charts', 'deep-1.0.0.tgz'), inner);
    await create({ gzip: true, cwd: src, file: join(src, 'mid.tgz'), portable: true }, ['mid']);
    const nested = await chart({ ...BASE, 'charts/mid-1.0.0.tgz': await readFile(join(src, 'mid.tgz')) });
    expect((await refusal(nested)).message).toBe(
      'chart app 1.0.0: charts/mid-1.0.0.tgz: mid/charts/deep-1.0.0.tgz: deep/values.schema.json at #: $ref "http://example.com/x" is not a reference inside the schema (#/...)',
    );
  });

  it('refuses an archive that is not one', async () => {
    const dir = await chart({ ...BASE, 'charts/db-1.0.0.tgz': 'not gzip at all' });
    expect((await refusal(dir)).message).toBe(
      'chart app 1.0.0: charts/db-1.0.0.tgz is not a readable chart archive (gzipped tar)',
    );
  });

  it('leaves archives helm does not load alone', async () => {
    const dir = await chart({ ...BASE, 'charts/_skip.tgz': 'x', 'files/data.tgz': 'y' });
    expect((await checkChartDir(dir, DEFAULT_CHART_LIMITS)).files).toBe(5);
  });

  it('caps files and bytes, archives counted expanded', async () => {
    const dir = await chart({ ...BASE, 'templates/more.yaml': 'kind: X\n' });
    expect((await refusal(dir, { maxFiles: 3, maxBytes: 1e6 })).message).toMatch(
      /makes the chart more than 3 files; refusing it$/,
    );
    const big = await chart({ ...BASE, 'files/big.txt': 'x'.repeat(5000) });
    expect((await refusal(big, { maxFiles: 100, maxBytes: 4000 })).message).toBe(
      'chart app 1.0.0: files/big.txt makes the chart more than 4000 bytes (expanded); refusing it',
    );
    const bomb = await archive('db', { 'Chart.yaml': 'name: db\n', 'files/zeros.txt': '0'.repeat(200_000) });
    expect(bomb.length).toBeLessThan(2000);
    const withBomb = await chart({ ...BASE, 'charts/db-1.0.0.tgz': bomb });
    expect((await refusal(withBomb, { maxFiles: 100, maxBytes: 100_000 })).message).toBe(
      'chart app 1.0.0: charts/db-1.0.0.tgz: db/files/zeros.txt makes the chart more than 100000 bytes (expanded); refusing it',
    );
  });
});
