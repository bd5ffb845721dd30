/** Failures of the remote: errors, a server that is gone, a server that hangs. The last artifact survives. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifact, ResolvedRevision } from '../../../src/sources/git/index.js';
import {
  fetchArtifact,
  GitSourceError,
  lastArtifact,
  resolveRevision,
} from '../../../src/sources/git/index.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';

const remote = { timeoutMs: 10_000, allowInsecureHttp: true };

let server: GitServer;
let tmp: string;
let url: string;

beforeAll(async () => {
  server = await startGitServer();
  url = (await server.createRepo('app', { 'app.yaml': 'v: 1\n' })).url;
  tmp = await mkdtemp(join(tmpdir(), 'steward-git-outage-'));
});
afterAll(async () => {
  await server.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<GitSourceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GitSourceError)) throw new Error(`expected a GitSourceError, got ${String(err)}`);
  return err;
}

/** A directory holding a good artifact of the current tip, and the next revision to fetch. */
async function withArtifact(name: string): Promise<{ dir: string; good: Artifact; next: ResolvedRevision }> {
  const dir = join(tmp, name);
  const good = await fetchArtifact(url, await resolveRevision(url, {}, undefined, remote), undefined, {
    ...remote,
    dir,
  });
  await server.commit('app', { 'app.yaml': `v: ${name}\n` }, `change for ${name}`);
  return { dir, good, next: await resolveRevision(url, {}, undefined, remote) };
}

async function expectIntact(dir: string, good: Artifact): Promise<void> {
  expect(await lastArtifact(dir)).toEqual(good);
  expect(await readFile(join(good.path, 'app.yaml'), 'utf8')).toMatch(/^v: /);
}

describe('a failing remote', () => {
  it.each([500, 502, 503])('reports Network on HTTP %i and keeps the last artifact', async (status) => {
    const { dir, good, next } = await withArtifact(`status-${status}`);
    server.failNext(1, status);
    const err = await failure(fetchArtifact(url, next, undefined, { ...remote, dir }));
    expect(err.code).toBe('Network');
    expect(err.data.statusCode).toBe(status);
    expect(err.retry).toBe('transient');
    await expectIntact(dir, good);

    server.failNext(1, status);
    expect((await failure(resolveRevision(url, {}, undefined, remote))).code).toBe('Network');
    // The next attempt goes through.
    const art = await fetchArtifact(url, next, undefined, { ...remote, dir });
    expect(art.revision).toBe(next.revision);
  });

  it('fails the pack request after discovery without leaving a partial artifact', async () => {
    const { dir, good, next } = await withArtifact('post-fails');
    const start = server.requests().length;
    server.failNext(1, 500, 'POST');
    const err = await failure(fetchArtifact(url, next, undefined, { ...remote, dir }));
    expect(err.code).toBe('Network');
    expect(
      server
        .requests()
        .slice(start)
        .map((r) => `${r.method} ${r.status}`),
    ).toEqual(['GET 200', 'POST 500']);
    await expectIntact(dir, good);
    expect((await readdir(dir)).sort()).toEqual(['current', good.path.split('/').at(-2)]);
  });

  it('times out on a server that does not answer', async () => {
    const { dir, good, next } = await withArtifact('stalled');
    server.stallNext(1, 3_000);
    const t0 = Date.now();
    const err = await failure(resolveRevision(url, {}, undefined, { ...remote, timeoutMs: 300 }));
    expect(err.code).toBe('Timeout');
    expect(Date.now() - t0).toBeLessThan(2_000);

    server.stallNext(2, 3_000);
    const fetchErr = await failure(fetchArtifact(url, next, undefined, { ...remote, timeoutMs: 300, dir }));
    expect(fetchErr.code).toBe('Timeout');
    await expectIntact(dir, good);
  });

  it('reports Network when the server is gone, and keeps the last artifact', async () => {
    const gone = await startGitServer();
    const goneUrl = (await gone.createRepo('app', { 'app.yaml': 'v: gone\n' })).url;
    const dir = join(tmp, 'gone');
    const resolved = await resolveRevision(goneUrl, {}, undefined, remote);
    const good = await fetchArtifact(goneUrl, resolved, undefined, { ...remote, dir });
    await gone.stop();
    const err = await failure(resolveRevision(goneUrl, {}, undefined, remote));
    expect(err.code).toBe('Network');
    expect(err.data.causeCode).toBe('ECONNREFUSED');
    const fetchErr = await failure(fetchArtifact(goneUrl, resolved, undefined, { ...remote, dir }));
    expect(fetchErr.code).toBe('Network');
    await expectIntact(dir, good);
  });
});
