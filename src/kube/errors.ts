/**
 * The one error the Kubernetes adapter throws. It is built from the metav1.Status body only: response headers
 * and non-Status bodies never reach it, because client errors that embed them end up in logs and conditions.
 */

/** One `details.causes` entry of a Status: which field failed and why. */
export interface KubeErrorCause {
  field?: string;
  message?: string;
  reason?: string;
}

/** Longest message kept from a Status; the API server can echo whole objects in some messages. */
const MAX_MESSAGE = 1024;

/**
 * An API or transport failure. `code` is the HTTP status, or 0 when no response arrived (network error,
 * timeout); `reason` is the Status reason (`Invalid`, `NotFound`, ...) or `NetworkError` / `Timeout`.
 */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  readonly code: number;
  readonly reason: string;
  readonly retryAfterSeconds?: number;
  readonly causes?: KubeErrorCause[];

  constructor(
    code: number,
    reason: string,
    message: string,
    extra: { retryAfterSeconds?: number | undefined; causes?: KubeErrorCause[] | undefined } = {},
  ) {
    super(truncate(message));
    this.code = code;
    this.reason = reason;
    if (extra.retryAfterSeconds !== undefined) this.retryAfterSeconds = extra.retryAfterSeconds;
    if (extra.causes !== undefined && extra.causes.length > 0) this.causes = extra.causes;
  }

  /** The same error with every message passed through `fn` (used to redact Secret values). */
  mapMessages(fn: (s: string) => string): KubeError {
    const causes = this.causes?.map((c) => (c.message === undefined ? c : { ...c, message: fn(c.message) }));
    return new KubeError(this.code, this.reason, fn(this.message), {
      retryAfterSeconds: this.retryAfterSeconds,
      causes,
    });
  }
}

function truncate(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}...` : s;
}

// What client-go says when a response carries no Status body (apimachinery pkg/api/errors NewGenericServerResponse).
const GENERIC_MESSAGES: Readonly<Record<number, readonly [string, string]>> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  403: ['Forbidden', 'the server does not allow access to the requested resource'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  409: ['Conflict', 'the server reported a conflict'],
  410: ['Expired', 'the resource version is too old'],
  413: ['RequestEntityTooLarge', 'the server rejected our request because the request entity is too large'],
  415: ['UnsupportedMediaType', 'the server does not support the media type of the request'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  500: ['InternalError', 'an error on the server has prevented the request from succeeding'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted'],
};

/**
 * Builds the error for a non-2xx response from its status code and body. Only a JSON metav1.Status body is
 * read; anything else (APF's plain-text 429, an HTML proxy page) gives the generic message for the code.
 */
export function errorFromResponse(code: number, body: string, retryAfterHeader?: string): KubeError {
  const generic = GENERIC_MESSAGES[code] ?? [code >= 500 ? 'InternalError' : 'Unknown', `HTTP ${code}`];
  const headerRetry = parseRetryAfter(retryAfterHeader);
  let status: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && parsed.kind === 'Status') status = parsed;
  } catch {
    // Not JSON: fall through to the generic message.
  }
  if (!status) return new KubeError(code, generic[0], generic[1], { retryAfterSeconds: headerRetry });
  const details = isRecord(status.details) ? status.details : {};
  const retry = typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : headerRetry;
  const causes = Array.isArray(details.causes) ? details.causes.filter(isRecord).map(toCause) : undefined;
  const message = typeof status.message === 'string' && status.message !== '' ? status.message : generic[1];
  const reason = typeof status.reason === 'string' && status.reason !== '' ? status.reason : generic[0];
  return new KubeError(code, reason, message, { retryAfterSeconds: retry, causes });
}

function toCause(c: Record<string, unknown>): KubeErrorCause {
  const out: KubeErrorCause = {};
  if (typeof c.field === 'string') out.field = c.field;
  if (typeof c.message === 'string') out.message = truncate(c.message);
  if (typeof c.reason === 'string') out.reason = c.reason;
  return out;
}

/** Seconds from a Retry-After header (delta-seconds form only, as the API server sends). */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for errors a later attempt may not repeat: throttling, 5xx, timeouts and dropped connections. */
export function isTransientKubeError(err: KubeError): boolean {
  return err.code === 0 || err.code === 429 || err.code >= 500;
}
