import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadIndex, saveIndex } from '../../../src/sources/helm/index-store.js';

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steward-index-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('index store', () => {
  it('keeps the index and its validators across a restart', async () => {
    const bytes = Buffer.from('apiVersion: v1\nentries: {}\n');
    const meta = {
      url: 'https://charts.example.com',
      digest: digestOf(bytes),
      size: bytes.byteLength,
      lastUpdateTime: '2024-01-01T00:00:00Z',
      etag: '"abc"',
    };
    await saveIndex(join(dir, 'ns', 'repo'), bytes, meta);
    const loaded = await loadIndex(join(dir, 'ns', 'repo'), digestOf);
    expect(loaded?.meta).toEqual(meta);
    expect(loaded?.bytes.equals(bytes)).toBe(true);
    // No temporary files left behind.
    expect((await readdir(join(dir, 'ns', 'repo'))).sort()).toEqual(['index.yaml', 'meta.json']);
  });

  it('ignores an index that does not match its metadata, or a missing one', async () => {
    const bytes = Buffer.from('apiVersion: v1\n');
    const where = join(dir, 'r');
    await saveIndex(where, bytes, { url: 'u', digest: digestOf(bytes), size: 1, lastUpdateTime: 't' });
    await writeFile(join(where, 'index.yaml'), 'apiVersion: v2\n');
    expect(await loadIndex(where, digestOf)).toBeUndefined();
    await writeFile(join(where, 'meta.json'), '{"url": 1}');
    expect(await loadIndex(where, digestOf)).toBeUndefined();
    expect(await loadIndex(join(dir, 'none'), digestOf)).toBeUndefined();
  });
});
