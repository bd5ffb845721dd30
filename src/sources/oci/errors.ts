/**
 * The one error type the OCI client throws. Messages name the registry, the repository and what was asked,
 * never credentials, tokens, token-service query strings or redirect targets (storage redirects carry signed
 * URLs). Only safe, structured fields go beside the message.
 */

export const OciErrorCodes = [
  'unauthorized',
  'denied',
  'not_found',
  'rate_limited',
  'too_large',
  'digest_mismatch',
  'protocol',
  'network',
  'timeout',
  'invalid',
] as const;

/**
 * `unauthorized`: no or wrong credentials; `denied`: authenticated but not allowed; `rate_limited`: HTTP 429, or
 * 503 (see `retryAfterMs`); `protocol`: the registry answered something this client cannot use (or refused the
 * request as malformed); `network`: connection failures and 5xx answers; `invalid`: the caller's input is wrong
 * (an `oci://` URL, a repository name, a reference, a docker config Secret) and will stay wrong until it changes.
 */
export type OciErrorCode = (typeof OciErrorCodes)[number];

export interface OciErrorDetails {
  /** The HTTP status that caused the error, when there was one. */
  status?: number;
  /** How long the registry asked to wait (Retry-After), for `rate_limited`. */
  retryAfterMs?: number;
  /** The underlying error's code, e.g. `ECONNREFUSED`. */
  causeCode?: string;
}

export class OciError extends Error {
  override readonly name = 'OciError';
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly causeCode?: string;

  constructor(
    readonly code: OciErrorCode,
    message: string,
    details: OciErrorDetails = {},
  ) {
    super(message);
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.causeCode !== undefined) this.causeCode = details.causeCode;
  }
}
