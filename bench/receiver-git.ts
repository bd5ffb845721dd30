/**
 * The receiver bench's Git side: one bare repository served by the product's smart-HTTP server, and a working
 * clone that commits and pushes a change per round (over the file transport, before the clock starts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { initBareRepo, startGitHttpServer } from '../src/quickstart/git-http.js';

const BRANCH = 'main';

export interface ReceiverRepo {
  /** The clone URL (plain http on 127.0.0.1). */
  url: string;
  /** The first commit's SHA. */
  head: string;
  /** Writes `files` (path -> content), commits and pushes; returns the new commit's SHA. */
  commit(files: Readonly<Record<string, string>>, message: string): Promise<string>;
  stop(): Promise<void>;
}

/** Creates `<dir>/repos/app.git` holding `files` as its first commit, and serves it. */
export async function serveReceiverRepo(
  dir: string,
  files: Readonly<Record<string, string>>,
): Promise<ReceiverRepo> {
  const root = join(dir, 'repos');
  const work = join(dir, 'work');
  const bare = join(root, 'app.git');
  // No HOME, no system or global config: the machine's git settings stay out of the bench.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Steward Bench',
    GIT_AUTHOR_EMAIL: 'bench@steward.invalid',
    GIT_COMMITTER_NAME: 'Steward Bench',
    GIT_COMMITTER_EMAIL: 'bench@steward.invalid',
  };
  const git = async (args: readonly string[], cwd = dir) =>
    (await execa('git', args, { cwd, env, extendEnv: false })).stdout.trim();
  await mkdir(root, { recursive: true });
  await initBareRepo(git, bare, BRANCH);
  await git(['init', '--quiet', `--initial-branch=${BRANCH}`, work]);
  await git(['remote', 'add', 'origin', bare], work);
  const commit = async (changes: Readonly<Record<string, string>>, message: string) => {
    for (const [path, text] of Object.entries(changes)) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), text);
    }
    await git(['add', '--all'], work);
    await git(['commit', '--quiet', '-m', message], work);
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${BRANCH}`], work);
    return git(['rev-parse', 'HEAD'], work);
  };
  const head = await commit(files, 'initial commit');
  const server = await startGitHttpServer({ root, env });
  return { url: server.url('app'), head, commit, stop: () => server.stop() };
}
