/**
 * The bench's Git server: the product's smart-HTTP server (`git http-backend` as CGI, as the quick start runs
 * it) over one bare repository, filled with the git CLI over the file transport so setup is not measured.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { initBareRepo, startGitHttpServer } from '../src/quickstart/git-http.js';

export interface BenchRepo {
  /** The clone URL (plain http on 127.0.0.1). */
  url: string;
  stop(): Promise<void>;
}

const BRANCH = 'main';

/** Commits `files` (path -> content) as the one commit of `<dir>/repos/fleet.git` and serves it. */
export async function serveRepo(dir: string, files: Readonly<Record<string, string>>): Promise<BenchRepo> {
  const root = join(dir, 'repos');
  const work = join(dir, 'work');
  const bare = join(root, 'fleet.git');
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
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), text);
  }
  await git(['init', '--quiet', `--initial-branch=${BRANCH}`, work]);
  await git(['add', '--all'], work);
  await git(['commit', '--quiet', '-m', 'bench apps'], work);
  await git(['push', '--quiet', bare, `HEAD:refs/heads/${BRANCH}`], work);
  const server = await startGitHttpServer({ root, env });
  return { url: server.url('fleet'), stop: () => server.stop() };
}
