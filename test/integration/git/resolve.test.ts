/** resolveRevision against a real `git http-backend`: every ref kind, and the ways a ref can be wrong. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitRef } from '../../../src/sources/git/index.js';
import { GitSourceError, resolveRevision } from '../../../src/sources/git/index.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';

let server: GitServer;
let url: string;
const c: Record<string, string> = {};
const opts = { timeoutMs: 10_000, allowInsecureHttp: true };

beforeAll(async () => {
  server = await startGitServer();
  const repo = await server.createRepo('app', { 'deploy/app.yaml': 'kind: ConfigMap\n' });
  url = repo.url;
  c.first = repo.head;
  await server.tag('app', 'v1.0.0');
  c.second = await server.commit('app', { 'deploy/app.yaml': 'kind: Secret\n' }, 'second');
  await server.tag('app', 'v1.2.0', 'HEAD', 'release 1.2.0');
  await server.tag('app', 'v2.0.0-rc.1');
  await server.tag('app', 'not-a-version');
  c.feature = await server.commit('app', { 'feature.txt': 'x' }, 'feature work', 'feature/login');
  c.third = await server.commit('app', { 'deploy/app.yaml': 'kind: Pod\n' }, 'third');
  // A ref outside heads and tags, as forges publish pull requests.
  await server.git(['--git-dir', `${server.root}/app.git`, 'update-ref', 'refs/pull/7/head', c.feature]);
});
afterAll(async () => server.stop());

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GitSourceError) return err.code;
    throw err;
  }
  throw new Error('expected a GitSourceError');
}

describe('resolveRevision', () => {
  it.each<[string, GitRef, () => { ref: string; sha: string; revision: string }]>([
    [
      'the default branch',
      {},
      () => ({ ref: 'refs/heads/main', sha: c.third!, revision: `main@sha1:${c.third}` }),
    ],
    [
      'a branch',
      { branch: 'feature/login' },
      () => ({
        ref: 'refs/heads/feature/login',
        sha: c.feature!,
        revision: `feature/login@sha1:${c.feature}`,
      }),
    ],
    [
      'a lightweight tag',
      { tag: 'v1.0.0' },
      () => ({ ref: 'refs/tags/v1.0.0', sha: c.first!, revision: `v1.0.0@sha1:${c.first}` }),
    ],
    [
      'an annotated tag, peeled to its commit',
      { tag: 'v1.2.0' },
      () => ({ ref: 'refs/tags/v1.2.0', sha: c.second!, revision: `v1.2.0@sha1:${c.second}` }),
    ],
    [
      'the highest tag in a semver range',
      { semver: '>=1.0.0 <2.0.0' },
      () => ({ ref: 'refs/tags/v1.2.0', sha: c.second!, revision: `v1.2.0@sha1:${c.second}` }),
    ],
    [
      'a prerelease only when the range asks for one',
      { semver: '>=2.0.0-rc.0' },
      () => ({ ref: 'refs/tags/v2.0.0-rc.1', sha: c.second!, revision: `v2.0.0-rc.1@sha1:${c.second}` }),
    ],
    [
      'a full ref name',
      { name: 'refs/pull/7/head' },
      () => ({ ref: 'refs/pull/7/head', sha: c.feature!, revision: `refs/pull/7/head@sha1:${c.feature}` }),
    ],
    ['a pinned commit', { commit: '' }, () => ({ ref: 'HEAD', sha: c.first!, revision: `sha1:${c.first}` })],
    [
      'a pinned commit on a branch',
      { commit: '', branch: 'main' },
      () => ({ ref: 'refs/heads/main', sha: c.first!, revision: `main@sha1:${c.first}` }),
    ],
    [
      'commit over tag and branch (Flux precedence)',
      { commit: '', tag: 'v1.2.0' },
      () => ({ ref: 'HEAD', sha: c.first!, revision: `sha1:${c.first}` }),
    ],
  ])('resolves %s', async (_name, ref, expected) => {
    const withCommit = ref.commit === undefined ? ref : { ...ref, commit: c.first! };
    expect(await resolveRevision(url, withCommit, undefined, opts)).toEqual(expected());
  });

  it('sees a new commit on the next poll', async () => {
    const before = await resolveRevision(url, { branch: 'main' }, undefined, opts);
    const sha = await server.commit('app', { 'new.txt': 'new' }, 'fourth');
    const after = await resolveRevision(url, { branch: 'main' }, undefined, opts);
    expect(after.sha).toBe(sha);
    expect(after.revision).not.toBe(before.revision);
  });

  it('uses one protocol v2 ls-refs per poll', async () => {
    const start = server.requests().length;
    await resolveRevision(url, { branch: 'main' }, undefined, opts);
    const polled = server.requests().slice(start);
    expect(polled.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /app.git/info/refs?service=git-upload-pack',
      'POST /app.git/git-upload-pack',
    ]);
    expect(polled.every((r) => r.gitProtocol === 'version=2')).toBe(true);
  });

  it.each<[string, GitRef]>([
    ['a missing branch', { branch: 'nope' }],
    ['a branch that only prefixes another', { branch: 'feature' }],
    ['a missing tag', { tag: 'v9.9.9' }],
    ['a semver range nothing satisfies', { semver: '^3.0.0' }],
    ['a missing full ref', { name: 'refs/pull/8/head' }],
    ['a pinned commit on a missing branch', { commit: 'a'.repeat(40), branch: 'nope' }],
  ])('reports RefNotFound for %s', async (_name, ref) => {
    expect(await codeOf(resolveRevision(url, ref, undefined, opts))).toBe('RefNotFound');
  });

  it.each<[string, GitRef]>([
    ['a short commit', { commit: 'abc123' }],
    ['an invalid semver range', { semver: 'not a range' }],
    ['a branch with ..', { branch: 'a..b' }],
    ['a name outside refs/', { name: 'heads/main' }],
  ])('reports InvalidRef for %s without a request', async (_name, ref) => {
    const start = server.requests().length;
    expect(await codeOf(resolveRevision(url, ref, undefined, opts))).toBe('InvalidRef');
    expect(server.requests().length).toBe(start);
  });

  it('reports NotFound for a missing repository', async () => {
    expect(await codeOf(resolveRevision(server.url('missing'), {}, undefined, opts))).toBe('NotFound');
  });

  it('refuses plain http unless allowed, and URLs holding credentials', async () => {
    expect(await codeOf(resolveRevision(url, {}, undefined, { timeoutMs: 1000 }))).toBe('InvalidURL');
    const withUser = url.replace('http://', 'http://user:pw@');
    const err = await resolveRevision(withUser, {}, undefined, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitSourceError);
    expect((err as GitSourceError).code).toBe('InvalidURL');
    expect(String(err)).not.toContain('pw');
  });
});
