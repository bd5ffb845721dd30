/** The git CLI, run with an environment passed in, its failures turned into readable QuickstartErrors. */
import { ExecaError, execa } from 'execa';
import { QuickstartError } from './errors.js';

/** Runs `git args` in `cwd`; resolves with trimmed stdout. */
export type GitRunner = (args: readonly string[], cwd?: string) => Promise<string>;

/** Longest stretch of git's stderr quoted in an error. */
const MAX_STDERR = 600;

/**
 * A runner with `env` as git's whole environment. Prompts are turned off (a push to the local server must
 * never wait for a password) and loopback bypasses any proxy the environment names.
 */
export function gitRunner(env: Readonly<Record<string, string>>, defaultCwd: string): GitRunner {
  const noProxy = [env.NO_PROXY ?? env.no_proxy, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
  const fullEnv = { ...env, GIT_TERMINAL_PROMPT: '0', NO_PROXY: noProxy, no_proxy: noProxy };
  return async (args, cwd) => {
    try {
      const res = await execa('git', args, { cwd: cwd ?? defaultCwd, env: fullEnv, extendEnv: false });
      return res.stdout.trim();
    } catch (err) {
      if (err instanceof ExecaError && err.code === 'ENOENT') {
        throw new QuickstartError('ToolMissing', 'git is not on PATH; install it (apt-get install git)', {
          cause: err,
        });
      }
      const stderr = err instanceof ExecaError ? String(err.stderr ?? '').trim() : String(err);
      throw new QuickstartError(
        'GitFailed',
        `git ${args[0] ?? ''} failed${stderr ? `: ${stderr.slice(-MAX_STDERR)}` : ''}`,
        { cause: err },
      );
    }
  };
}
