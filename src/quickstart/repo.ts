/**
 * The quick start's repositories: a bare repository served over HTTP, rebuilt at every start, and the user's
 * working clone, created once from examples/ and kept across restarts. The clone is the source of truth: at
 * start its branches are pushed to the fresh bare repository, so the user's commits survive a restart.
 */
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { QuickstartError } from './errors.js';
import type { GitRunner } from './git-cli.js';
import { initBareRepo } from './git-http.js';

/** The branch the GitRepository follows. */
export const BRANCH = 'main';

/** Committer identity set in the clone when the machine's git config has none. */
const IDENTITY = { 'user.name': 'Steward Quick Start', 'user.email': 'quickstart@steward.invalid' };

/** Inputs of {@link prepareRepository}. */
export interface RepoOptions {
  git: GitRunner;
  /** What a new clone starts with (examples/). */
  examplesDir: string;
  /** Where the bare repository goes; it is deleted and recreated. */
  barePath: string;
  /** The working clone. */
  clonePath: string;
  /** The HTTP URL the clone pushes to (its `origin`). */
  url: string;
}

/** What {@link prepareRepository} did. */
export interface PreparedRepo {
  /** Whether the clone was created now (false: an existing clone was reused). */
  created: boolean;
  /** The commit at the tip of main. */
  head: string;
}

/** Rebuilds the bare repository, creates or reuses the clone, and pushes the clone's branches to it. */
export async function prepareRepository(opts: RepoOptions): Promise<PreparedRepo> {
  const { git, clonePath } = opts;
  await rm(opts.barePath, { recursive: true, force: true });
  await initBareRepo(git, opts.barePath, BRANCH);
  const created = !(await isRepository(clonePath));
  if (created) await createClone(opts);
  await setIdentity(git, clonePath);
  const remotes = (await git(['remote'], clonePath)).split('\n');
  // The server's port changes between runs, so origin is pointed at it every time.
  await git(['remote', remotes.includes('origin') ? 'set-url' : 'add', 'origin', opts.url], clonePath);
  await git(['push', '--quiet', '--all', '--set-upstream', 'origin'], clonePath);
  await git(['push', '--quiet', '--tags', 'origin'], clonePath);
  let head: string;
  try {
    head = await git(['--git-dir', opts.barePath, 'rev-parse', '--verify', `refs/heads/${BRANCH}^{commit}`]);
  } catch (err) {
    throw new QuickstartError(
      'NoMainBranch',
      `the working clone ${clonePath} has no ${BRANCH} branch, which the quick start's GitRepository follows; ` +
        `create it there (git branch ${BRANCH}) or remove the clone to start over`,
      { cause: err },
    );
  }
  return { created, head };
}

async function isRepository(path: string): Promise<boolean> {
  const entries = await readdir(path).catch((err: unknown) => {
    if (isMissing(err)) return undefined;
    throw err;
  });
  if (entries === undefined || entries.length === 0) return false;
  const dotGit = await stat(join(path, '.git')).catch(() => undefined);
  if (dotGit === undefined) {
    throw new QuickstartError(
      'CloneInvalid',
      `${path} exists but is not a Git working copy; move it away and start again`,
    );
  }
  return true;
}

async function createClone(opts: RepoOptions): Promise<void> {
  const { git, clonePath } = opts;
  await mkdir(clonePath, { recursive: true });
  await git(['init', '--quiet', `--initial-branch=${BRANCH}`, clonePath]);
  await cp(opts.examplesDir, clonePath, { recursive: true });
  await setIdentity(git, clonePath);
  await git(['add', '--all'], clonePath);
  await git(['commit', '--quiet', '-m', 'The quick start example: hello'], clonePath);
}

/** Sets user.name and user.email in the clone only where no config (global or local) provides them. */
async function setIdentity(git: GitRunner, clonePath: string): Promise<void> {
  for (const [key, value] of Object.entries(IDENTITY)) {
    const current = await git(['config', '--get', key], clonePath).catch(() => '');
    if (current === '') await git(['config', '--local', key, value], clonePath);
  }
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
}
