/** fetchArtifact and syncArtifact against a real `git http-backend`: contents, digests, storage, symlinks. */
import { randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  fetchArtifact,
  GitSourceError,
  lastArtifact,
  resolveRevision,
  syncArtifact,
} from '../../../src/sources/git/index.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';

let server: GitServer;
let tmp: string;
let dir: string;
let n = 0;
const remote = { timeoutMs: 10_000, allowInsecureHttp: true };

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(join(tmpdir(), 'steward-git-artifacts-'));
});
afterAll(async () => {
  await server.stop();
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  dir = join(tmp, `repo-${++n}`);
});

async function fetchRef(url: string, ref: { branch?: string; commit?: string; tag?: string } = {}) {
  const resolved = await resolveRevision(url, ref, undefined, remote);
  return fetchArtifact(url, resolved, undefined, { ...remote, dir });
}

describe('fetchArtifact', () => {
  it('checks out the tree without .git and records it as current', async () => {
    const repo = await server.createRepo('basic', {
      'deploy/app.yaml': 'kind: ConfigMap\n',
      'README.md': '# app\n',
      'bin/run.sh': { content: '#!/bin/sh\necho hi\n', executable: true },
    });
    const art = await fetchRef(repo.url);
    expect(art.revision).toBe(`main@sha1:${repo.head}`);
    expect(art.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(art.size).toBe('kind: ConfigMap\n'.length + '# app\n'.length + '#!/bin/sh\necho hi\n'.length);
    expect(Number.isNaN(Date.parse(art.lastUpdateTime))).toBe(false);
    expect((await readdir(art.path)).sort()).toEqual(['README.md', 'bin', 'deploy']);
    expect(await readFile(join(art.path, 'deploy/app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    expect((await lstat(join(art.path, 'bin/run.sh'))).mode & 0o777).toBe(0o755);
    expect((await lstat(join(art.path, 'README.md'))).mode & 0o777).toBe(0o644);
    expect(await readlink(join(dir, 'current'))).toMatch(/^gen-/);
    expect(await lastArtifact(dir)).toEqual(art);
  });

  it('changes revision and digest on a new commit, keeps the digest for the same tree', async () => {
    const repo = await server.createRepo('digest', { 'a.yaml': 'a: 1\n' });
    const first = await fetchRef(repo.url);
    await server.commit('digest', { 'a.yaml': 'a: 2\n' }, 'change');
    const second = await fetchRef(repo.url);
    expect(second.revision).not.toBe(first.revision);
    expect(second.digest).not.toBe(first.digest);
    expect(await readFile(join(second.path, 'a.yaml'), 'utf8')).toBe('a: 2\n');
    // The previous generation is gone once the switch is done.
    expect((await readdir(dir)).filter((e) => e.startsWith('gen-'))).toHaveLength(1);
    await server.commit('digest', { 'a.yaml': 'a: 1\n' }, 'revert');
    const third = await fetchRef(repo.url);
    expect(third.revision).not.toBe(first.revision);
    expect(third.digest).toBe(first.digest);
    // A different directory and a fresh fetch of the same tree agree too.
    dir = join(tmp, 'digest-again');
    expect((await fetchRef(repo.url)).digest).toBe(first.digest);
  });

  it('fetches a pinned commit that is no longer the tip, and the polled commit after the branch moved', async () => {
    const repo = await server.createRepo('pinned', { 'v.txt': 'one' });
    await server.commit('pinned', { 'v.txt': 'two' }, 'two');
    const pinned = await fetchRef(repo.url, { commit: repo.head });
    expect(pinned.revision).toBe(`sha1:${repo.head}`);
    expect(await readFile(join(pinned.path, 'v.txt'), 'utf8')).toBe('one');

    const polled = await resolveRevision(repo.url, { branch: 'main' }, undefined, remote);
    await server.commit('pinned', { 'v.txt': 'three' }, 'three');
    const art = await fetchArtifact(repo.url, polled, undefined, { ...remote, dir });
    expect(art.revision).toBe(polled.revision);
    expect(await readFile(join(art.path, 'v.txt'), 'utf8')).toBe('two');
  });

  it('fetches an annotated tag as its commit', async () => {
    const repo = await server.createRepo('tagged', { 't.txt': 'tagged' });
    await server.tag('tagged', 'v1.0.0', 'HEAD', 'release');
    await server.commit('tagged', { 't.txt': 'later' }, 'later');
    const art = await fetchRef(repo.url, { tag: 'v1.0.0' });
    expect(art.revision).toBe(`v1.0.0@sha1:${repo.head}`);
    expect(await readFile(join(art.path, 't.txt'), 'utf8')).toBe('tagged');
  });

  it('reports RefNotFound for a commit the server does not have, keeping the last artifact', async () => {
    const repo = await server.createRepo('nocommit', { 'x.txt': 'x' });
    const good = await fetchRef(repo.url);
    const missing = { ref: 'HEAD', sha: 'b'.repeat(40), revision: `sha1:${'b'.repeat(40)}` };
    const err = await fetchArtifact(repo.url, missing, undefined, { ...remote, dir }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GitSourceError);
    expect((err as GitSourceError).code).toBe('RefNotFound');
    expect(await lastArtifact(dir)).toEqual(good);
    expect(await readdir(dir)).toEqual(['current', good.path.split('/').at(-2)]);
  });

  it('keeps symlinks inside the checkout and leaves out those that escape it', async () => {
    const repo = await server.createRepo('links', {
      'base/app.yaml': 'kind: Service\n',
      'overlay/app.yaml': { symlink: '../base/app.yaml' },
      'overlay/base': { symlink: '../base' },
      passwd: { symlink: '/etc/passwd' },
      up: { symlink: '../../..' },
      'via/up': { symlink: '../overlay/base/../../..' },
      dangling: { symlink: 'nowhere.yaml' },
    });
    const art = await fetchRef(repo.url);
    expect(await readFile(join(art.path, 'overlay/app.yaml'), 'utf8')).toBe('kind: Service\n');
    expect((await lstat(join(art.path, 'overlay/app.yaml'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(art.path, 'overlay/base/app.yaml'), 'utf8')).toBe('kind: Service\n');
    for (const escaping of ['passwd', 'up', 'via/up', 'dangling']) {
      await expect(lstat(join(art.path, escaping))).rejects.toMatchObject({ code: 'ENOENT' });
    }
    const stored = await lastArtifact(dir);
    expect(stored?.skippedSymlinks?.sort()).toEqual(['dangling', 'passwd', 'up', 'via/up']);

    // The links are part of the digest: retargeting one changes it even though it is not on disk.
    await server.commit('links', { passwd: { symlink: '/etc/shadow' } }, 'retarget');
    expect((await fetchRef(repo.url)).digest).not.toBe(art.digest);
  });

  it.each(['.git', '.GIT', '..'])(
    'refuses a tree holding an entry named %s, keeping the last artifact',
    async (name) => {
      const repoName = `unsafe-${name.replace(/\./g, 'dot')}`;
      const repo = await server.createRepo(repoName, { 'ok.txt': 'ok' });
      const good = await fetchRef(repo.url);
      // git mktree writes what git checkout would refuse; a hostile server can serve the same.
      const gitDir = ['--git-dir', join(server.root, `${repoName}.git`)];
      const blob = await server.git([...gitDir, 'hash-object', '-w', '--stdin'], undefined, '[core]\n');
      const tree = await server.git([...gitDir, 'mktree'], undefined, `100644 blob ${blob}\t${name}\n`);
      const commit = await server.git([...gitDir, 'commit-tree', tree, '-p', repo.head, '-m', 'unsafe']);
      await server.git([...gitDir, 'update-ref', 'refs/heads/main', commit]);
      const resolved = await resolveRevision(repo.url, {}, undefined, remote);
      const err = await fetchArtifact(repo.url, resolved, undefined, { ...remote, dir }).catch(
        (e: unknown) => e,
      );
      expect((err as GitSourceError).code).toBe('InvalidTree');
      expect(await lastArtifact(dir)).toEqual(good);
    },
  );

  it('refuses a checkout over maxBytes with TooLarge, keeping the last artifact', async () => {
    const repo = await server.createRepo('large', { 'small.txt': 'small' });
    const good = await fetchRef(repo.url);
    await server.commit('large', { 'big.bin': 'x'.repeat(200_000) }, 'big');
    const resolved = await resolveRevision(repo.url, {}, undefined, remote);
    const err = await fetchArtifact(repo.url, resolved, undefined, {
      ...remote,
      dir,
      maxBytes: 100_000,
    }).catch((e: unknown) => e);
    expect((err as GitSourceError).code).toBe('TooLarge');
    expect(await lastArtifact(dir)).toEqual(good);
    expect(await readFile(join(good.path, 'small.txt'), 'utf8')).toBe('small');
  });

  it('stops a transfer over twice maxBytes before it is all in memory', async () => {
    const repo = await server.createRepo('noise', { 'small.txt': 'small' });
    const good = await fetchRef(repo.url);
    // Random bytes do not compress, so the pack itself is over the transfer cap.
    await server.commit('noise', { 'noise.b64': randomBytes(600_000).toString('base64') }, 'noise');
    const resolved = await resolveRevision(repo.url, {}, undefined, remote);
    const err = await fetchArtifact(repo.url, resolved, undefined, {
      ...remote,
      dir,
      maxBytes: 200_000,
    }).catch((e: unknown) => e);
    expect((err as GitSourceError).code).toBe('TooLarge');
    expect((err as GitSourceError).message).toMatch(/^transfer exceeded/);
    expect(await lastArtifact(dir)).toEqual(good);
  });
});

describe('syncArtifact', () => {
  it('does not fetch when the stored artifact already has the revision', async () => {
    const repo = await server.createRepo('poll', { 'p.txt': 'p' });
    const opts = { ...remote, dir };
    const first = await syncArtifact(repo.url, { branch: 'main' }, undefined, opts);
    expect(first.fetched).toBe(true);

    const start = server.requests().length;
    const again = await syncArtifact(repo.url, { branch: 'main' }, undefined, opts);
    expect(again).toEqual({ ...first, fetched: false });
    // Only the v2 ls-refs pair: a fetch would add a protocol v1 discovery and an upload-pack POST.
    const seen = server.requests().slice(start);
    expect(seen).toHaveLength(2);
    expect(seen.every((r) => r.gitProtocol === 'version=2')).toBe(true);

    await server.commit('poll', { 'p.txt': 'q' }, 'change');
    const changed = await syncArtifact(repo.url, { branch: 'main' }, undefined, opts);
    expect(changed.fetched).toBe(true);
    expect(await readFile(join(changed.artifact.path, 'p.txt'), 'utf8')).toBe('q');
  });
});
