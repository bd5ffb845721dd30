import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HelmSourceError } from '../../../src/sources/helm/errors.js';
import { extractChart } from '../../../src/sources/helm/extract.js';
import type { ChartLimits } from '../../../src/sources/helm/types.js';
import { chartEntries, type TarEntry, tarball } from './tarball.js';

const limits: ChartLimits = {
  maxChartBytes: 1024 * 1024,
  maxChartExpandedBytes: 4 * 1024 * 1024,
  maxExpansionRatio: 200,
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steward-extract-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(tgz: Buffer, l: ChartLimits = limits): Promise<HelmSourceError> {
  const dest = join(dir, 'chart');
  const err = await extractChart(tgz, dest, l, 'chart demo 1.0.0').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HelmSourceError);
  // Nothing is left behind: no destination, no temporary directory.
  expect(await readdir(dir)).toEqual([]);
  return err as HelmSourceError;
}

describe('extractChart', () => {
  it('extracts a chart so that the destination is its root', async () => {
    const dest = join(dir, 'chart');
    const out = await extractChart(tarball(chartEntries()), dest, limits, 'chart demo 1.0.0');
    expect(out).toMatchObject({ dir: dest, topLevel: 'demo', files: 3 });
    expect(out.bytes).toBe(chartEntries().reduce((n, e) => n + Buffer.byteLength(e.body ?? ''), 0));
    expect(await readFile(join(dest, 'Chart.yaml'), 'utf8')).toContain('name: demo');
    expect(await readFile(join(dest, 'templates', 'cm.yaml'), 'utf8')).toContain('kind: ConfigMap');
    expect(await readdir(dir)).toEqual(['chart']);
  });

  it('creates parent directories that have no entry of their own', async () => {
    const entries = chartEntries().filter((e) => e.type !== 'Directory');
    const out = await extractChart(tarball(entries), join(dir, 'c'), limits);
    expect((await lstat(join(out.dir, 'templates'))).isDirectory()).toBe(true);
  });

  it.each<[string, TarEntry, RegExp]>([
    ['a traversal entry', { path: 'demo/../../evil.yaml', body: 'x' }, /leads out of the chart directory/],
    ['a traversal at the top', { path: '../evil.yaml', body: 'x' }, /leads out of the chart directory/],
    ['an absolute path', { path: '/etc/cron.d/evil', body: 'x' }, /absolute path/],
    [
      'a symlink',
      { path: 'demo/templates/link.yaml', type: 'SymbolicLink', linkpath: '/etc/passwd' },
      /symbolic link/,
    ],
    [
      'a relative symlink',
      { path: 'demo/values2.yaml', type: 'SymbolicLink', linkpath: 'values.yaml' },
      /symbolic link/,
    ],
    [
      'a hard link',
      { path: 'demo/templates/hard.yaml', type: 'Link', linkpath: 'demo/values.yaml' },
      /hard link/,
    ],
    ['a device', { path: 'demo/dev', type: 'CharacterDevice' }, /a device/],
    ['a FIFO', { path: 'demo/fifo', type: 'FIFO' }, /a FIFO/],
  ])('refuses the whole chart for %s, naming the entry', async (_, bad, message) => {
    const err = await refusal(tarball([...chartEntries(), bad]));
    expect(err.code).toBe('UnsafeArchive');
    expect(err.message).toMatch(message);
    expect(err.message).toContain('chart demo 1.0.0');
    expect(err.data.entry).toBe(bad.path);
  });

  it('refuses a decompression bomb by ratio while extracting', async () => {
    // 3 MiB of zeros compress to a few KiB: far more than 200 times the archive.
    const tgz = tarball(
      [...chartEntries(), { path: 'demo/zeros.bin', body: Buffer.alloc(3 * 1024 * 1024) }],
      9,
    );
    expect(tgz.byteLength).toBeLessThan(10 * 1024);
    const err = await refusal(tgz);
    expect(err.code).toBe('UnsafeArchive');
    expect(err.message).toMatch(/more than 200 times its \d+ bytes \(helm.maxExpansionRatio\)/);
    expect(err.message).toContain('"demo/zeros.bin"');
  });

  it('refuses an archive that expands past maxChartExpandedBytes', async () => {
    const random = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919) % 251));
    const entries = [...chartEntries(), ...[1, 2, 3].map((n) => ({ path: `demo/f${n}.bin`, body: random }))];
    const err = await refusal(tarball(entries), { ...limits, maxChartExpandedBytes: 150 * 1024 });
    expect(err.message).toMatch(
      /more than 153600 bytes \(helm.maxChartExpandedBytes\), at entry "demo\/f3.bin"/,
    );
  });

  it('refuses an oversize archive before reading it', async () => {
    const tgz = tarball(chartEntries());
    const err = await refusal(tgz, { ...limits, maxChartBytes: tgz.byteLength - 1 });
    expect(err.code).toBe('UnsafeArchive');
    expect(err.message).toContain(
      `the archive is ${tgz.byteLength} bytes, over the ${tgz.byteLength - 1} byte limit`,
    );
  });

  it('refuses two top-level directories', async () => {
    const err = await refusal(tarball([...chartEntries('demo'), ...chartEntries('other')]));
    expect(err.message).toMatch(/more than one top-level directory \('demo' and 'other'\)/);
  });

  it('refuses a file at the top level', async () => {
    const err = await refusal(tarball([{ path: 'Chart.yaml', body: 'name: x\n' }, ...chartEntries()]));
    expect(err.message).toMatch(/"Chart.yaml" is outside the chart's top-level directory/);
  });

  it('refuses an archive without Chart.yaml', async () => {
    const err = await refusal(tarball(chartEntries().filter((e) => !e.path.endsWith('Chart.yaml'))));
    expect(err.code).toBe('InvalidChart');
    expect(err.message).toMatch(/no Chart.yaml in the top-level directory 'demo'/);
  });

  it('refuses an entry that names a path twice instead of overwriting it', async () => {
    const err = await refusal(
      tarball([...chartEntries(), { path: 'demo/values.yaml', body: 'evil: true\n' }]),
    );
    expect(err.code).toBe('UnsafeArchive');
    expect(err.message).toMatch(/entry "demo\/values.yaml" names a path already extracted/);
  });

  it('refuses more entries than allowed', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ path: `demo/f${i}.yaml`, body: 'a: 1\n' }));
    const err = await refusal(tarball([...chartEntries(), ...many]), { ...limits, maxEntries: 10 });
    expect(err.message).toMatch(/more than 10 entries/);
  });

  it.each([
    ['not gzip', Buffer.from('just some text, not an archive at all')],
    ['truncated', tarball(chartEntries()).subarray(0, 60)],
    ['an empty archive', tarball([])],
  ])('reports %s as an invalid chart', async (_, tgz) => {
    const err = await refusal(tgz);
    expect(err.code).toBe('InvalidChart');
    expect(err.message).toMatch(/^chart demo 1.0.0: /);
  });

  it('refuses a destination that already exists, keeping it', async () => {
    const dest = join(dir, 'chart');
    await extractChart(tarball(chartEntries()), dest, limits);
    const err = await extractChart(tarball(chartEntries()), dest, limits).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'Storage',
      message: expect.stringMatching(/destination directory already exists/),
    });
    expect(await readdir(dir)).toEqual(['chart']);
    expect(await readFile(join(dest, 'values.yaml'), 'utf8')).toBe('replicas: 1\n');
  });
});
