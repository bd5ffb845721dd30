/**
 * The exit codes of the commands that talk to a cluster (get, reconcile, suspend, resume, events, tree), and
 * the one error type that carries one. Scripts rely on these numbers: never change their meaning.
 */
import { KubeError } from '../kube/index.js';

/** Exit codes of the cluster commands. */
export const ClusterExit = {
  /** It worked (and for reconcile and resume: the object is Ready). */
  Ok: 0,
  /** It ran, but the object is not Ready, its reconcile failed or timed out, or the API server refused. */
  Failed: 1,
  /** A usage error, an unknown kind, or an object that does not exist. */
  Usage: 2,
  /** The cluster cannot be reached: connection, TLS, timeout, credentials. */
  Unreachable: 3,
} as const;
export type ClusterExitCode = (typeof ClusterExit)[keyof typeof ClusterExit];

/** The exit codes as `--help` shows them. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  it ran, but the object is not Ready, its reconcile failed or timed out,
     or the API server refused the request
  2  usage error, unknown kind, or object not found
  3  cannot reach the cluster (connection, TLS, timeout, credentials)
`;

/** An error the command reports on stderr and ends with `code`; the message names the object. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: ClusterExitCode,
    message: string,
  ) {
    super(message);
  }
}

/** The exit code and one-line message of any error a cluster command ran into, naming `subject` if given. */
export function describeFailure(err: unknown, server: string, subject?: string): CliError {
  if (err instanceof CliError) return err;
  const about = subject ? `${subject}: ` : '';
  if (err instanceof KubeError) {
    if (err.code === 0 || err.code === 401) {
      const during = subject ? ` (${subject})` : '';
      return new CliError(
        ClusterExit.Unreachable,
        `cannot reach the cluster at ${server}${during}: ${err.message}`,
      );
    }
    if (err.code === 404) return new CliError(ClusterExit.Usage, `${about}${err.message}`);
    return new CliError(ClusterExit.Failed, `${about}${err.message} (${err.reason})`);
  }
  return new CliError(ClusterExit.Failed, `${about}${err instanceof Error ? err.message : String(err)}`);
}
