/**
 * The one error type the Helm source adapter throws. Messages name the repository, the chart and the reason;
 * they never carry credentials, response bodies or URLs with userinfo or query strings.
 */
import { Reasons, ReconcileError } from '../../core/types.js';

export const HelmErrorCodes = [
  /** The server refused the credentials (401/403), or the Secret is missing. */
  'Unauthorized',
  /** The index or chart URL answered 404. */
  'NotFound',
  'Timeout',
  'Network',
  /** A download exceeded its size cap. */
  'TooLarge',
  /** index.yaml is not YAML, or not an index. */
  'InvalidIndex',
  /** The chart is not in the index, or no version matches the range. */
  'ChartNotFound',
  /** The downloaded archive does not match the digest the index or registry gave. */
  'DigestMismatch',
  /** The archive would escape its directory, holds links or devices, or is a decompression bomb. */
  'UnsafeArchive',
  /** The archive is not a chart: no single top-level directory with Chart.yaml, or another chart. */
  'InvalidChart',
  /** A URL that cannot be used: bad syntax, credentials in it, or plain http without insecure. */
  'InvalidURL',
  'Storage',
] as const;
export type HelmErrorCode = (typeof HelmErrorCodes)[number];

/** Codes that fail the same way until the spec changes; everything else may heal on the remote side. */
const TERMINAL: ReadonlySet<HelmErrorCode> = new Set(['InvalidURL']);

export class HelmSourceError extends Error {
  override readonly name = 'HelmSourceError';
  readonly retry: 'transient' | 'terminal';
  constructor(
    readonly code: HelmErrorCode,
    message: string,
    /** Safe structured details: an HTTP status, an archive entry name, the closest versions. */
    readonly data: { statusCode?: number; entry?: string; available?: string[] } = {},
  ) {
    super(message);
    this.retry = TERMINAL.has(code) ? 'terminal' : 'transient';
  }
}

/** Wraps a Helm source error for the reconcile pipeline; `subject` names the HelmRepository or Sync. */
export function toReconcileError(err: HelmSourceError, subject?: string): ReconcileError {
  const reason =
    err.code === 'Unauthorized'
      ? Reasons.AuthenticationFailed
      : err.code === 'InvalidURL'
        ? Reasons.ValidationFailed
        : Reasons.ArtifactFailed;
  return new ReconcileError(reason, err.retry, err.message, subject);
}

/** The URL as it may appear in messages: origin and path, no userinfo or query. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '<invalid URL>';
  }
}
