/**
 * A real Git smart-HTTP server for tests: the product's `git http-backend` CGI server (src/quickstart/git-http.ts)
 * over bare repositories in a temp dir, with optional bearer or basic auth, fault injection and a request log.
 * Commits are made with the git CLI in throwaway clones and pushed over the file transport, so they never show
 * up in the request log.
 */
import { timingSafeEqual } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { initBareRepo, startGitHttpServer } from '../../src/quickstart/git-http.js';

export interface GitServerOptions {
  /** Accept `Authorization: Bearer <token>`. */
  token?: string;
  /** Accept `Authorization: Basic` with these credentials. */
  basic?: { username: string; password: string };
}

/** A file change: content, `null` to delete, a symlink, or an executable file. */
export type FileChange = string | null | { symlink: string } | { content: string; executable: true };

export interface RequestRecord {
  method: string;
  /** Path and query, e.g. `/app.git/info/refs?service=git-upload-pack`. */
  url: string;
  /** The `git-protocol` header (`version=2` for protocol v2 requests). */
  gitProtocol: string | undefined;
  /** Whether the request carried an Authorization header (to check credentials are not leaked). */
  hasAuthorization: boolean;
  status: number;
}

export interface GitServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** The directory holding the bare repositories (`<name>.git`). */
  root: string;
  createRepo(
    name: string,
    files: Record<string, FileChange>,
    branch?: string,
  ): Promise<{ url: string; head: string }>;
  /** Commits the changes on `branch` (default: the repo's default branch; created from it if missing). */
  commit(
    name: string,
    changes: Record<string, FileChange>,
    message: string,
    branch?: string,
  ): Promise<string>;
  /** Tags `ref` (default HEAD); annotated when a message is given. */
  tag(name: string, tag: string, ref?: string, message?: string): Promise<void>;
  url(name: string): string;
  /** Answers the next `n` requests (only those with `method`, when given) with `status`, without running git. */
  failNext(n: number, status: number, method?: string): void;
  /** Holds the next `n` requests for `ms` before answering (for timeout tests). */
  stallNext(n: number, ms: number): void;
  /** Every request served so far, in order. */
  requests(): readonly RequestRecord[];
  /** Runs the git CLI with a test identity and no global config; returns trimmed stdout. */
  git(args: readonly string[], cwd?: string, input?: string): Promise<string>;
  stop(): Promise<void>;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Steward Test',
  GIT_AUTHOR_EMAIL: 'test@steward.invalid',
  GIT_COMMITTER_NAME: 'Steward Test',
  GIT_COMMITTER_EMAIL: 'test@steward.invalid',
};

export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const base = await mkdtemp(join(tmpdir(), 'steward-git-'));
  const root = join(base, 'repos');
  const home = join(base, 'home');
  await mkdir(root);
  await mkdir(home);
  // Isolate every git run from the machine's global and system config.
  const gitEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...IDENTITY,
  };
  const log: RequestRecord[] = [];
  const faults = { fail: 0, failStatus: 500, failMethod: '', stall: 0, stallMs: 0 };
  let counter = 0;

  const git = async (args: readonly string[], cwd?: string, input?: string): Promise<string> => {
    const res = await execa('git', args, {
      cwd: cwd ?? base,
      env: gitEnv,
      extendEnv: false,
      ...(input === undefined ? {} : { input }),
    });
    return res.stdout.trim();
  };
  const bare = (name: string) => join(root, `${name}.git`);

  const server = await startGitHttpServer({
    root,
    env: gitEnv,
    gate(req, res) {
      const record: RequestRecord = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        gitProtocol: header(req, 'git-protocol'),
        hasAuthorization: req.headers.authorization !== undefined,
        status: 0,
      };
      log.push(record);
      res.on('finish', () => {
        record.status = res.statusCode;
      });
      return admit(req, res);
    },
  });

  /** Applies injected faults and auth; returns the user, or false when the request was answered here. */
  async function admit(req: IncomingMessage, res: ServerResponse): Promise<string | false> {
    if (faults.stall > 0) {
      faults.stall--;
      await new Promise((r) => setTimeout(r, faults.stallMs));
      if (res.destroyed) return false;
    }
    if (faults.fail > 0 && (faults.failMethod === '' || faults.failMethod === req.method)) {
      faults.fail--;
      req.resume();
      res.writeHead(faults.failStatus, { 'content-type': 'text/plain' }).end('injected failure\n');
      return false;
    }
    const user = authenticate(req, opts);
    if (user === undefined) {
      req.resume();
      const scheme = opts.token !== undefined ? 'Bearer' : 'Basic';
      res.writeHead(401, { 'www-authenticate': `${scheme} realm="git"` }).end('authentication required\n');
      return false;
    }
    return user;
  }

  const { baseUrl, url } = server;

  async function defaultBranch(name: string): Promise<string> {
    const ref = await git(['--git-dir', bare(name), 'symbolic-ref', 'HEAD']);
    return ref.replace(/^refs\/heads\//, '');
  }

  async function commitIn(
    name: string,
    changes: Record<string, FileChange>,
    message: string,
    branch: string,
  ) {
    const work = join(base, `work-${++counter}`);
    try {
      await git(['clone', '--quiet', bare(name), work]);
      const branches = await git(['branch', '--remotes', '--format=%(refname:lstrip=3)'], work);
      if (branches.split('\n').includes(branch)) await git(['checkout', '--quiet', branch], work);
      else if (branches === '') await git(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], work);
      else await git(['checkout', '--quiet', '-b', branch], work);
      await applyChanges(work, changes, git);
      await git(['add', '--all'], work);
      await git(['commit', '--quiet', '--allow-empty', '-m', message], work);
      await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], work);
      return await git(['rev-parse', 'HEAD'], work);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  return {
    baseUrl,
    root,
    async createRepo(name, files, branch = 'main') {
      await initBareRepo(git, bare(name), branch);
      const head = await commitIn(name, files, 'initial commit', branch);
      return { url: url(name), head };
    },
    async commit(name, changes, message, branch) {
      return commitIn(name, changes, message, branch ?? (await defaultBranch(name)));
    },
    async tag(name, tag, ref = 'HEAD', message) {
      const args = message === undefined ? ['tag', tag, ref] : ['tag', '-a', '-m', message, tag, ref];
      await git(['--git-dir', bare(name), ...args]);
    },
    url,
    failNext(n, status, method = '') {
      faults.fail = n;
      faults.failStatus = status;
      faults.failMethod = method;
    },
    stallNext(n, ms) {
      faults.stall = n;
      faults.stallMs = ms;
    },
    requests: () => log,
    git,
    async stop() {
      await server.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

async function applyChanges(
  work: string,
  changes: Record<string, FileChange>,
  git: (args: readonly string[], cwd?: string) => Promise<string>,
): Promise<void> {
  for (const [path, change] of Object.entries(changes)) {
    const target = join(work, path);
    if (change === null) {
      await git(['rm', '--quiet', '-r', '--', path], work);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { force: true });
    if (typeof change === 'string') await writeFile(target, change);
    else if ('symlink' in change) await symlink(change.symlink, target);
    else await writeFile(target, change.content, { mode: 0o755 });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Returns the user name ('' when the server has no auth), or undefined when the request is not allowed. */
function authenticate(req: IncomingMessage, opts: GitServerOptions): string | undefined {
  if (opts.token === undefined && opts.basic === undefined) return '';
  const auth = header(req, 'authorization') ?? '';
  const [scheme = '', value = ''] = auth.split(' ', 2);
  if (opts.token !== undefined && scheme.toLowerCase() === 'bearer' && safeEqual(value, opts.token)) {
    return 'token';
  }
  if (opts.basic !== undefined && scheme.toLowerCase() === 'basic') {
    const expected = `${opts.basic.username}:${opts.basic.password}`;
    if (safeEqual(Buffer.from(value, 'base64').toString('utf8'), expected)) return opts.basic.username;
  }
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
