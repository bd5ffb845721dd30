/**
 * The one error type the Git adapter throws, and the translation of isomorphic-git and Node errors into it.
 * Client errors are never passed on as `cause`: isomorphic-git's HttpError embeds the response body, and
 * anything reaching a log or a status must be free of credentials. Only safe, structured fields go in `data`.
 */
import { SOCKET_ERROR_CODES } from '../../core/network.js';
import { Reasons, ReconcileError } from '../../core/types.js';

export const GitErrorCodes = [
  'AuthenticationFailed',
  'NotFound',
  'Timeout',
  'Network',
  'RefNotFound',
  'InvalidRef',
  'InvalidURL',
  'InvalidTree',
  'TooLarge',
  'Storage',
  /** A push the remote refused: it kept moving under us, or a hook or branch protection declined it. */
  'PushRejected',
  /** The caller's AbortSignal fired. */
  'Aborted',
] as const;
export type GitErrorCode = (typeof GitErrorCodes)[number];

/** Safe details: never URLs with userinfo, headers, or response bodies. */
export interface GitErrorData {
  statusCode?: number;
  /** The underlying error's code, e.g. `ECONNREFUSED` or isomorphic-git's `SmartHttpError`. */
  causeCode?: string;
}

/** Codes that fail the same way until the spec changes; the rest are worth retrying with backoff. */
const TERMINAL: ReadonlySet<GitErrorCode> = new Set(['InvalidRef', 'InvalidURL', 'InvalidTree']);

export class GitSourceError extends Error {
  override readonly name = 'GitSourceError';
  readonly retry: 'transient' | 'terminal';
  constructor(
    readonly code: GitErrorCode,
    message: string,
    readonly data: GitErrorData = {},
  ) {
    super(message);
    this.retry = TERMINAL.has(code) ? 'terminal' : 'transient';
  }
}

/** Wraps a Git source error for the reconcile pipeline; `subject` names the GitRepository. */
export function toReconcileError(err: GitSourceError, subject?: string): ReconcileError {
  const reason = err.code === 'AuthenticationFailed' ? Reasons.AuthenticationFailed : Reasons.FetchFailed;
  return new ReconcileError(reason, err.retry, err.message, subject);
}

const NETWORK_CODES = new Set([...SOCKET_ERROR_CODES, 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * Translates whatever a remote operation threw. `where` is the redacted URL and `what` a short phrase
 * (`listing refs`, `fetching <sha>`) for the message.
 */
export function classifyError(err: unknown, where: string, what: string): GitSourceError {
  if (err instanceof GitSourceError) return err;
  const code = errorCode(err);
  if (code === 'HttpError') {
    const statusCode = httpStatus(err);
    const data: GitErrorData = statusCode === undefined ? {} : { statusCode };
    if (statusCode === 401 || statusCode === 403 || statusCode === 203) {
      return new GitSourceError('AuthenticationFailed', `authentication failed ${what} from ${where}`, data);
    }
    if (statusCode === 404) {
      return new GitSourceError('NotFound', `repository ${where} not found (HTTP 404)`, data);
    }
    return new GitSourceError('Network', `${what} from ${where} failed: HTTP ${statusCode ?? '?'}`, data);
  }
  if (code === 'NotFoundError') {
    return new GitSourceError('RefNotFound', `${what} from ${where}: not found on the remote`, {
      causeCode: code,
    });
  }
  if (code === 'UnsafeFilepathError') {
    // isomorphic-git's tree parser refuses `.git`, `..` and friends before our own checkout checks run.
    return new GitSourceError('InvalidTree', `${what} from ${where}: the tree holds an unsafe entry name`, {
      causeCode: code,
    });
  }
  if (code === 'SmartHttpError') {
    return new GitSourceError('Network', `${where} is not a Git smart-HTTP server`, { causeCode: code });
  }
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new GitSourceError('Network', `${what} from ${where} failed: ${code}`, { causeCode: code });
  }
  if (code !== undefined && /^E[A-Z]+$/.test(code)) {
    return new GitSourceError('Storage', `${what}: writing the artifact failed (${code})`, {
      causeCode: code,
    });
  }
  const label = code ?? (err instanceof Error ? err.name : typeof err);
  return new GitSourceError('Network', `${what} from ${where} failed (${label})`, { causeCode: label });
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('data' in err)) return undefined;
  const data = err.data;
  if (typeof data !== 'object' || data === null || !('statusCode' in data)) return undefined;
  return typeof data.statusCode === 'number' ? data.statusCode : undefined;
}
