/**
 * writeBack against a real `git http-backend` that accepts pushes: what lands on the server (author, message,
 * files, parent), the base it picks, retries when the branch moves, refusals, auth, the kept clone, and a
 * side-by-side timing with the git CLI.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EditOutcome, WriteBackBase, WriteBackOptions } from '../../../src/images/git-writeback.js';
import { writeBack } from '../../../src/images/git-writeback.js';
import { GitSourceError } from '../../../src/sources/git/errors.js';
import type { FileChange, GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';

let srv: GitServer;
let tmp: string;
let n = 0;
let dir: string;
const NOW = new Date('2025-03-04T05:06:07Z');
const BOT = { name: 'Image Bot', email: 'bot@steward.invalid' };

beforeAll(async () => {
  srv = await startGitServer();
  tmp = await mkdtemp(join(tmpdir(), 'steward-writeback-'));
});
afterAll(async () => {
  await srv.stop();
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  dir = join(tmp, `clone-${++n}`);
});

function options(url: string, extra: Partial<WriteBackOptions> = {}): WriteBackOptions {
  return {
    url,
    allowInsecureHttp: true,
    timeoutMs: 20_000,
    checkoutBranch: 'main',
    pushBranch: 'main',
    dir,
    author: BOT,
    now: () => NOW,
    ...extra,
  };
}

const bare = (name: string) => join(srv.root, `${name}.git`);
const onServer = (name: string, args: readonly string[]) => srv.git(['--git-dir', bare(name), ...args]);
const tip = (name: string, branch = 'main') => onServer(name, ['rev-parse', `refs/heads/${branch}`]);
const show = (name: string, rev: string, path: string) => onServer(name, ['show', `${rev}:${path}`]);
/** `M\tpath` lines of what a commit changed against its parent, sorted. */
const changed = async (name: string, commit: string) =>
  (await onServer(name, ['diff-tree', '--no-commit-id', '--name-status', '-r', commit])).split('\n').sort();
const receivePacks = (from: number) =>
  srv
    .requests()
    .slice(from)
    .filter((r) => r.url.includes('git-receive-pack'));
/** Pack fetches: protocol v1 upload-pack POSTs (ref listings are protocol v2 `ls-refs` POSTs). */
const packFetches = (from: number) =>
  srv
    .requests()
    .slice(from)
    .filter((r) => r.method === 'POST' && r.url.includes('git-upload-pack') && r.gitProtocol !== 'version=2');

/** A callback that writes `changes` (null deletes) and returns `message`. */
function writes(changes: Record<string, string | null>, message = 'Update images') {
  const calls: { tree: string; base: WriteBackBase }[] = [];
  const edit = async (tree: string, base: WriteBackBase): Promise<EditOutcome> => {
    calls.push({ tree, base });
    for (const [path, content] of Object.entries(changes)) {
      const file = join(tree, path);
      if (content === null) await rm(file, { recursive: true });
      else {
        await mkdir(join(file, '..'), { recursive: true });
        await writeFile(file, content);
      }
    }
    return { message };
  };
  return Object.assign(edit, { calls });
}

async function caught(p: Promise<unknown>): Promise<GitSourceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GitSourceError);
  return err as GitSourceError;
}

describe('writeBack', () => {
  it('commits only the changed files, in subdirectories, with the author, time, message and parent', async () => {
    const repo = await srv.createRepo('same', {
      'README.md': '# app\n',
      'apps/web/deploy.yaml': 'image: web:1.0.0 # {"$imagepolicy": "ns:web"}\n',
      'apps/api/deploy.yaml': 'image: api:1.0.0\n',
      'bin/run.sh': { content: '#!/bin/sh\n', executable: true },
    });
    const edit = writes({
      'apps/web/deploy.yaml': 'image: web:1.1.0 # {"$imagepolicy": "ns:web"}\n',
      'apps/new/deep/er/kustomization.yaml': 'resources: []\n',
    });
    const res = await writeBack(options(repo.url), edit);

    expect(res).toEqual({
      pushed: true,
      commit: await tip('same'),
      branch: 'main',
      attempts: 1,
      parent: repo.head,
      baseBranch: 'main',
      bytesReceived: expect.any(Number),
    });
    expect(edit.calls).toHaveLength(1);
    expect(edit.calls[0]?.base).toEqual({ branch: 'main', commit: repo.head });
    // The callback saw the checked-out commit, and no Git directory in it.
    expect((await readdir(edit.calls[0]?.tree ?? '')).sort()).toEqual(['README.md', 'apps', 'bin']);
    if (!res.pushed) throw new Error('not pushed');
    const log = await onServer('same', [
      'log',
      '-1',
      '--format=%P%n%an <%ae>%n%cn <%ce>%n%at %ct%n%B',
      res.commit,
    ]);
    expect(log.split('\n')).toEqual([
      repo.head,
      'Image Bot <bot@steward.invalid>',
      'Image Bot <bot@steward.invalid>',
      `${NOW.getTime() / 1000} ${NOW.getTime() / 1000}`,
      'Update images',
    ]);
    expect(await changed('same', res.commit)).toEqual([
      'A\tapps/new/deep/er/kustomization.yaml',
      'M\tapps/web/deploy.yaml',
    ]);
    expect(await show('same', res.commit, 'apps/web/deploy.yaml')).toBe(
      'image: web:1.1.0 # {"$imagepolicy": "ns:web"}',
    );
    // The executable bit survived the round trip through the work tree.
    expect(await onServer('same', ['ls-tree', res.commit, 'bin/run.sh'])).toMatch(/^100755 /);
    // A push from a shallow clone leaves a complete, well-formed repository on the server.
    await onServer('same', ['fsck', '--strict', '--no-progress']);
  });

  it('writes trees git accepts: sort order, symlinks, modes, a file replacing a directory and back', async () => {
    const repo = await srv.createRepo('shapes', {
      'conf/a.yaml': 'a\n',
      'conf/b.yaml': 'b\n',
      single: 'will become a directory\n',
      'run.sh': '#!/bin/sh\n',
    });
    const res = await writeBack(options(repo.url), async (tree) => {
      // Git sorts `web-x` < `web.yaml` < `web/` (a directory sorts as if it ended with a slash).
      for (const path of ['apps/web/k.yaml', 'apps/web.yaml', 'apps/web-x/k.yaml']) {
        await mkdir(join(tree, path, '..'), { recursive: true });
        await writeFile(join(tree, path), `${path}\n`);
      }
      await rm(join(tree, 'conf'), { recursive: true });
      await writeFile(join(tree, 'conf'), 'now a file\n');
      await rm(join(tree, 'single'));
      await mkdir(join(tree, 'single'));
      await writeFile(join(tree, 'single', 'inner.yaml'), 'inner\n');
      await symlink('apps/web.yaml', join(tree, 'link'));
      await chmod(join(tree, 'run.sh'), 0o755);
      await writeFile(join(tree, 'run.sh'), '#!/bin/sh\necho changed\n');
      return { message: 'Reshape' };
    });
    if (!res.pushed) throw new Error('not pushed');
    await onServer('shapes', ['fsck', '--strict', '--no-progress']);
    expect(
      (await onServer('shapes', ['ls-tree', '-r', res.commit]))
        .split('\n')
        .map((l) => l.replace(/ [0-9a-f]{40}\t/, ' ')),
    ).toEqual([
      '100644 blob apps/web-x/k.yaml',
      '100644 blob apps/web.yaml',
      '100644 blob apps/web/k.yaml',
      '100644 blob conf',
      '120000 blob link',
      '100755 blob run.sh',
      '100644 blob single/inner.yaml',
    ]);
    expect(await show('shapes', res.commit, 'link')).toBe('apps/web.yaml');
    // The next run starts from a work tree that matches the new commit: nothing to commit.
    expect(await writeBack(options(repo.url), writes({}))).toMatchObject({ pushed: false, head: res.commit });
  });

  it('commits a deleted file and a deleted directory as deletions', async () => {
    const repo = await srv.createRepo('delete', {
      'keep.yaml': 'a: 1\n',
      'gone.yaml': 'b: 1\n',
      'old/x.yaml': 'x: 1\n',
      'old/y/z.yaml': 'z: 1\n',
    });
    const res = await writeBack(options(repo.url), writes({ 'gone.yaml': null, old: null }, 'Remove'));
    if (!res.pushed) throw new Error('not pushed');
    expect(await changed('delete', res.commit)).toEqual(['D\tgone.yaml', 'D\told/x.yaml', 'D\told/y/z.yaml']);
    expect(await onServer('delete', ['ls-tree', '-r', '--name-only', res.commit])).toBe('keep.yaml');
  });

  it('sees a same-size rewrite made right after the checkout', async () => {
    // isomorphic-git trusts the index's stat data; without the clock wait such an edit can look unchanged.
    const repo = await srv.createRepo('racy', { 'app.yaml': 'image: app:v1.2.3\n' });
    const res = await writeBack(options(repo.url), writes({ 'app.yaml': 'image: app:v1.2.4\n' }));
    expect(res.pushed).toBe(true);
    expect(await show('racy', 'main', 'app.yaml')).toBe('image: app:v1.2.4');
  });

  it('makes no commit and no push request when nothing changed, whatever the callback returns', async () => {
    const repo = await srv.createRepo('noop', { 'a.yaml': 'a: 1\n' });
    const from = srv.requests().length;
    // Rewrites a file with the same content and returns a message anyway.
    const same = await writeBack(options(repo.url), writes({ 'a.yaml': 'a: 1\n' }));
    expect(same).toEqual({
      pushed: false,
      head: repo.head,
      baseBranch: 'main',
      bytesReceived: expect.any(Number),
    });
    // Changes a file but says it changed nothing: not committed, and gone at the next run.
    const quiet = await writeBack(options(repo.url), async (tree) => {
      await writeFile(join(tree, 'a.yaml'), 'a: 2\n');
      return undefined;
    });
    expect(quiet).toMatchObject({ pushed: false, head: repo.head });
    expect(receivePacks(from)).toEqual([]);
    expect(await tip('noop')).toBe(repo.head);
    await writeBack(options(repo.url), async (tree) => {
      expect(await readFile(join(tree, 'a.yaml'), 'utf8')).toBe('a: 1\n');
      return undefined;
    });
  });

  it('pushes to a new branch created from the checkout branch', async () => {
    const repo = await srv.createRepo('newbranch', { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const edit = writes({ 'a.yaml': 'a: 2\n' });
    const res = await writeBack(options(repo.url, { pushBranch: 'image-updates' }), edit);
    expect(res).toMatchObject({
      pushed: true,
      branch: 'image-updates',
      parent: repo.head,
      baseBranch: 'main',
      attempts: 1,
    });
    expect(edit.calls[0]?.base).toEqual({ branch: 'main', commit: repo.head });
    if (!res.pushed) throw new Error('not pushed');
    expect(await tip('newbranch', 'image-updates')).toBe(res.commit);
    expect(await tip('newbranch')).toBe(repo.head);
    expect(await changed('newbranch', res.commit)).toEqual(['M\ta.yaml']);
    await onServer('newbranch', ['fsck', '--connectivity-only', '--no-progress']);
  });

  it('commits on top of the push branch when it already exists, so the branch accumulates commits', async () => {
    const repo = await srv.createRepo('existing', { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const branchTip = await srv.commit(
      'existing',
      { 'pr.txt': 'from the PR\n' },
      'earlier update',
      'updates',
    );
    const mainTip = await srv.commit('existing', { 'main.txt': 'main moved\n' }, 'main moves on');
    const opts = options(repo.url, { pushBranch: 'updates' });

    const edit = writes({ 'a.yaml': 'a: 2\n' });
    const first = await writeBack(opts, edit);
    expect(edit.calls[0]?.base).toEqual({ branch: 'updates', commit: branchTip });
    expect(first).toMatchObject({
      pushed: true,
      branch: 'updates',
      parent: branchTip,
      baseBranch: 'updates',
    });
    const second = await writeBack(opts, writes({ 'b.yaml': 'b: 2\n' }));
    if (!first.pushed || !second.pushed) throw new Error('not pushed');
    expect(second.parent).toBe(first.commit);
    expect(await tip('existing', 'updates')).toBe(second.commit);
    expect(await tip('existing')).toBe(mainTip);
    expect(await show('existing', 'updates', 'pr.txt')).toBe('from the PR');
    expect(await show('existing', 'updates', 'a.yaml')).toBe('a: 2');
    expect(await show('existing', 'updates', 'b.yaml')).toBe('b: 2');
  });

  it('retries on the new tip when the branch moves between fetch and push', async () => {
    const repo = await srv.createRepo('race', { 'a.yaml': 'a: 1\n', 'other.yaml': 'o: 1\n' });
    let foreign = '';
    const bases: WriteBackBase[] = [];
    const res = await writeBack(options(repo.url), async (tree, base) => {
      bases.push(base);
      if (bases.length === 1) foreign = await srv.commit('race', { 'other.yaml': 'o: 2\n' }, 'someone else');
      await writeFile(join(tree, 'a.yaml'), 'a: 2\n');
      return { message: 'Update a' };
    });
    expect(bases).toEqual([
      { branch: 'main', commit: repo.head },
      { branch: 'main', commit: foreign },
    ]);
    expect(res).toMatchObject({ pushed: true, attempts: 2, parent: foreign, commit: await tip('race') });
    // Both changes are there, and the second attempt did not carry the first attempt's commit.
    expect(await show('race', 'main', 'a.yaml')).toBe('a: 2');
    expect(await show('race', 'main', 'other.yaml')).toBe('o: 2');
    expect(await onServer('race', ['rev-list', '--count', 'main'])).toBe('3');
  });

  it('retries when receive-pack itself finds the ref moved', async () => {
    // A pre-receive hook moves the branch once, after the client read the refs: the server refuses the ref
    // update ("failed to update ref"), which isomorphic-git cannot see coming from the advertisement.
    const repo = await srv.createRepo('serverside', { 'a.yaml': 'a: 1\n' });
    const hook = join(bare('serverside'), 'hooks', 'pre-receive');
    await writeFile(
      hook,
      [
        '#!/bin/sh',
        'read old new ref',
        '[ -e "$GIT_DIR/moved-once" ] && exit 0',
        'touch "$GIT_DIR/moved-once"',
        'unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES',
        'c=$(git commit-tree -p "$old" -m "moved by the hook" "$old^{tree}")',
        'git update-ref "$ref" "$c" "$old"',
        'exit 0',
        '',
      ].join('\n'),
    );
    await chmod(hook, 0o755);
    const edit = writes({ 'a.yaml': 'a: 2\n' });
    const res = await writeBack(options(repo.url), edit);
    expect(res).toMatchObject({ pushed: true, attempts: 2 });
    expect(edit.calls).toHaveLength(2);
    expect(await onServer('serverside', ['log', '--format=%s', 'main'])).toBe(
      ['Update images', 'moved by the hook', 'initial commit'].join('\n'),
    );
  });

  it('fails with PushRejected after maxAttempts when the branch keeps moving', async () => {
    const repo = await srv.createRepo('busy', { 'a.yaml': 'a: 1\n' });
    let calls = 0;
    const err = await caught(
      writeBack(options(repo.url, { maxAttempts: 2 }), async (tree) => {
        calls++;
        await srv.commit('busy', { [`other-${calls}.txt`]: 'x\n' }, `foreign ${calls}`);
        await writeFile(join(tree, 'a.yaml'), 'a: 2\n');
        return { message: 'Update a' };
      }),
    );
    expect(err.code).toBe('PushRejected');
    expect(err.message).toContain('branch main');
    expect(err.message).toContain('rejected 2 times');
    expect(calls).toBe(2);
    expect(await onServer('busy', ['log', '--format=%s', 'main'])).not.toContain('Update a');
  });

  it('fails with AuthenticationFailed when the server allows reading but not pushing', async () => {
    const repo = await srv.createRepo('readonly', { 'a.yaml': 'a: 1\n' });
    await onServer('readonly', ['config', 'http.receivepack', 'false']);
    const err = await caught(writeBack(options(repo.url), writes({ 'a.yaml': 'a: 2\n' })));
    expect(err.code).toBe('AuthenticationFailed');
    expect(err.message).toContain('pushing branch main');
    expect(err.data.statusCode).toBe(403);
  });

  it('fails at once with PushRejected when a hook declines the push', async () => {
    const repo = await srv.createRepo('declined', { 'a.yaml': 'a: 1\n' });
    const hook = join(bare('declined'), 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const edit = writes({ 'a.yaml': 'a: 2\n' });
    const err = await caught(writeBack(options(repo.url), edit));
    expect(err.code).toBe('PushRejected');
    expect(err.message).toMatch(/refused the push to branch main: .*declined/);
    expect(edit.calls).toHaveLength(1);
    expect(await tip('declined')).toBe(repo.head);
  });

  it('leaves nothing of a failed callback for the next run', async () => {
    const repo = await srv.createRepo('leftovers', { 'a.yaml': 'a: 1\n', '.gitignore': 'tmp/\n' });
    const boom = new Error('callback failed');
    await expect(
      writeBack(options(repo.url), async (tree) => {
        await writeFile(join(tree, 'a.yaml'), 'a: 99\n');
        await writeFile(join(tree, 'junk.yaml'), 'junk\n');
        await mkdir(join(tree, 'tmp'));
        await writeFile(join(tree, 'tmp', 'ignored'), 'x\n');
        await unlink(join(tree, '.gitignore'));
        throw boom;
      }),
    ).rejects.toBe(boom);
    const res = await writeBack(options(repo.url), async (tree) => {
      expect((await readdir(tree)).sort()).toEqual(['.gitignore', 'a.yaml']);
      expect(await readFile(join(tree, 'a.yaml'), 'utf8')).toBe('a: 1\n');
      await writeFile(join(tree, 'b.yaml'), 'b: 1\n');
      return { message: 'Add b' };
    });
    if (!res.pushed) throw new Error('not pushed');
    expect(await changed('leftovers', res.commit)).toEqual(['A\tb.yaml']);
  });

  it('keeps the clone: nothing fetched when the branch did not move, only new objects when it did', async () => {
    const files: Record<string, FileChange> = {};
    // Incompressible contents, so a whole-tree transfer stands out.
    for (let i = 0; i < 100; i++)
      files[`apps/app-${i}.yaml`] = `data: ${randomBytes(1500).toString('base64')}\n`;
    const repo = await srv.createRepo('reuse', files);

    const first = await writeBack(options(repo.url), writes({ 'apps/app-1.yaml': 'changed 1\n' }));
    expect(first.pushed).toBe(true);
    const from = srv.requests().length;
    const second = await writeBack(options(repo.url), writes({ 'apps/app-2.yaml': 'changed 2\n' }));
    expect(second).toMatchObject({ pushed: true, parent: first.pushed ? first.commit : '' });
    // After our own push the tip is ours: one ref listing, no pack fetched.
    expect(packFetches(from)).toEqual([]);
    await srv.commit('reuse', { 'apps/app-3.yaml': 'changed by someone\n' }, 'foreign');
    const from3 = srv.requests().length;
    const third = await writeBack(options(repo.url), writes({ 'apps/app-4.yaml': 'changed 4\n' }));
    expect(packFetches(from3)).toHaveLength(1);
    expect(third.pushed).toBe(true);
    console.log(
      `bytes received: first run ${first.bytesReceived}, unchanged remote ${second.bytesReceived}, one foreign commit ${third.bytesReceived}`,
    );
    expect(second.bytesReceived).toBeLessThan(first.bytesReceived / 10);
    expect(third.bytesReceived).toBeLessThan(first.bytesReceived / 10);
    expect(await show('reuse', 'main', 'apps/app-3.yaml')).toBe('changed by someone');
  });

  it('starts over when the clone is damaged or belongs to another URL', async () => {
    const one = await srv.createRepo('clone-one', { 'one.yaml': 'one\n' });
    const two = await srv.createRepo('clone-two', { 'two.yaml': 'two\n' });
    await writeBack(options(one.url), writes({ 'one.yaml': 'one 2\n' }));
    // Same directory, another repository: its files, not the first one's.
    const other = await writeBack(options(two.url), async (tree) => {
      expect(await readdir(tree)).toEqual(['two.yaml']);
      await writeFile(join(tree, 'two.yaml'), 'two 2\n');
      return { message: 'two' };
    });
    expect(other).toMatchObject({ pushed: true, parent: two.head });
    // Damage: every object gone, and an index that is not one.
    await rm(join(dir, 'git', 'objects'), { recursive: true });
    await mkdir(join(dir, 'git', 'objects'));
    await writeFile(join(dir, 'git', 'index'), 'garbage');
    const again = await writeBack(options(two.url), writes({ 'two.yaml': 'two 3\n' }));
    expect(again).toMatchObject({ pushed: true, parent: other.pushed ? other.commit : '' });
    expect(await show('clone-two', 'main', 'two.yaml')).toBe('two 3');
  });

  it('pushes with basic auth, and names no password when the credentials are wrong', async () => {
    const secure = await startGitServer({ basic: { username: 'robot', password: 's3cret-pw' } });
    try {
      const repo = await secure.createRepo('private', { 'a.yaml': 'a: 1\n' });
      const good = await writeBack(
        options(repo.url, { auth: { username: 'robot', password: 's3cret-pw' } }),
        writes({ 'a.yaml': 'a: 2\n' }),
      );
      expect(good.pushed).toBe(true);
      expect(secure.requests().some((r) => r.url.includes('git-receive-pack') && r.status === 200)).toBe(
        true,
      );
      dir = join(tmp, `clone-${++n}`);
      const err = await caught(
        writeBack(
          options(repo.url, { auth: { username: 'robot', password: 'wrong-pw-123' } }),
          writes({ 'a.yaml': 'a: 3\n' }),
        ),
      );
      expect(err.code).toBe('AuthenticationFailed');
      expect(err.message).toContain(repo.url);
      expect(`${err.message} ${JSON.stringify(err.data)}`).not.toMatch(/wrong-pw-123|s3cret-pw|robot/);
    } finally {
      await secure.stop();
    }
  });

  it('refuses credentials in the URL without echoing them', async () => {
    const err = await caught(writeBack(options('http://robot:pw-in-url@127.0.0.1:1/x.git'), writes({})));
    expect(err.code).toBe('InvalidURL');
    expect(err.message).not.toContain('pw-in-url');
  });

  it('times out and aborts through one deadline for the whole run', async () => {
    const repo = await srv.createRepo('slow', { 'a.yaml': 'a: 1\n' });
    srv.stallNext(1, 2_000);
    const timeout = await caught(
      writeBack(options(repo.url, { timeoutMs: 300 }), writes({ 'a.yaml': 'a: 2\n' })),
    );
    expect(timeout.code).toBe('Timeout');
    // The deadline covers the callback too: a slow edit fails the run and nothing is pushed.
    const from = srv.requests().length;
    const slowEdit = await caught(
      writeBack(options(repo.url, { timeoutMs: 1_500 }), async (tree) => {
        await new Promise((r) => setTimeout(r, 1_700));
        await writeFile(join(tree, 'a.yaml'), 'a: 3\n');
        return { message: 'late' };
      }),
    );
    expect(slowEdit.code).toBe('Timeout');
    expect(receivePacks(from)).toEqual([]);
    const controller = new AbortController();
    const aborted = await caught(
      writeBack(options(repo.url, { signal: controller.signal }), async () => {
        controller.abort();
        return { message: 'aborted' };
      }),
    );
    expect(aborted.code).toBe('Aborted');
    expect(await tip('slow')).toBe(repo.head);
  });

  it('fails with TooLarge past maxBytes, and RefNotFound for a missing checkout branch', async () => {
    const repo = await srv.createRepo('large', { 'big.txt': 'y'.repeat(200_000), 'small.txt': 'x\n' });
    const large = await caught(writeBack(options(repo.url, { maxBytes: 100_000 }), writes({})));
    expect(large.code).toBe('TooLarge');
    // The cap holds for the whole tree, also when a run only has to write the files that changed.
    expect(await writeBack(options(repo.url), writes({}))).toMatchObject({ pushed: false });
    await srv.commit('large', { 'small.txt': 'y\n' }, 'small change');
    const grown = await caught(writeBack(options(repo.url, { maxBytes: 150_000 }), writes({})));
    expect(grown.code).toBe('TooLarge');
    const missing = await caught(
      writeBack(options(repo.url, { checkoutBranch: 'nope', pushBranch: 'nope' }), writes({})),
    );
    expect(missing.code).toBe('RefNotFound');
    expect(missing.message).toContain('branch nope');
  });

  it('times one run on a 500-file repository against the git CLI', async () => {
    const files: Record<string, FileChange> = {};
    for (let i = 0; i < 500; i++) {
      files[`apps/team-${i % 10}/app-${i}/deploy.yaml`] =
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example/app-${i}:1.0.${i} # {"$imagepolicy": "ns:app-${i}"}\n`;
    }
    const repo = await srv.createRepo('bench', files);
    const file = 'apps/team-7/app-7/deploy.yaml';
    let version = 1;
    const bump = () => writes({ [file]: `image: registry.example/app-7:2.0.${version++}\n` }, 'Bump app-7');

    let t = performance.now();
    const fresh = await writeBack(options(repo.url), bump());
    const freshMs = performance.now() - t;
    t = performance.now();
    const reused = await writeBack(options(repo.url), bump());
    const reusedMs = performance.now() - t;
    expect(fresh.pushed && reused.pushed).toBe(true);

    const work = join(tmp, 'cli-clone');
    const git = (args: readonly string[]) => srv.git(args, work);
    t = performance.now();
    await srv.git([
      'clone',
      '--quiet',
      '--depth',
      '1',
      '--single-branch',
      '--branch',
      'main',
      repo.url,
      work,
    ]);
    await writeFile(join(work, file), `image: registry.example/app-7:2.0.${version++}\n`);
    await git(['add', '--all']);
    await git(['commit', '--quiet', '-m', 'Bump app-7']);
    await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    const cliFreshMs = performance.now() - t;
    t = performance.now();
    await git(['fetch', '--quiet', '--depth', '1', 'origin', 'main']);
    await git(['reset', '--quiet', '--hard', 'FETCH_HEAD']);
    await writeFile(join(work, file), `image: registry.example/app-7:2.0.${version++}\n`);
    await git(['add', '--all']);
    await git(['commit', '--quiet', '-m', 'Bump app-7']);
    await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    const cliReusedMs = performance.now() - t;
    expect(await onServer('bench', ['rev-list', '--count', 'main'])).toBe('5');

    const rss = process.memoryUsage().rss / 2 ** 20;
    const { stdout: gitVersion } = await execa('git', ['--version']);
    console.log(
      [
        'write-back, 500 files, one file changed (fetch + commit + push):',
        `  isomorphic-git  fresh clone ${freshMs.toFixed(0)} ms, kept clone ${reusedMs.toFixed(0)} ms (process RSS ${rss.toFixed(0)} MiB)`,
        `  ${gitVersion}  clone --depth 1 ${cliFreshMs.toFixed(0)} ms, fetch + reset ${cliReusedMs.toFixed(0)} ms`,
      ].join('\n'),
    );
  });
});
