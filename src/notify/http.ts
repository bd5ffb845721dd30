/**
 * Posting one request: the thin HTTP adapter under the dispatcher, and the pure rule for what to do with its
 * answer. Errors are reduced to a code (ECONNREFUSED, timeout): a network error's text can carry the address,
 * and the address of a webhook is a credential.
 */
import type { HttpRequest } from './payload/common.js';

/** An HTTP answer, or a request that got none. */
export type SendResult = { status: number; retryAfterMs?: number } | { error: string };

/** Posts a request; never throws. `signal` aborts it (agent stop); `timeoutMs` bounds the attempt. */
export type Sender = (req: HttpRequest, timeoutMs: number, signal: AbortSignal) => Promise<SendResult>;

export type Verdict = 'sent' | 'retry' | 'fail';

/**
 * 2xx is delivered. 429, 5xx and requests without an answer (refused, reset, timed out) are retried: the
 * service may be back soon. Any other status will not change by asking again (a 404 is a deleted webhook, a
 * 400 a payload the service refuses), so it fails at once.
 */
export function verdictOf(result: SendResult): Verdict {
  if ('error' in result) return 'retry';
  if (result.status >= 200 && result.status < 300) return 'sent';
  if (result.status === 429 || result.status >= 500) return 'retry';
  return 'fail';
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from `nowMs`; undefined when absent or bad. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The Sender over the platform's fetch. */
export const httpSend: Sender = async (req, timeoutMs, signal) => {
  const attempt = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: attempt,
    });
    // The answer is not needed; cancelling its body frees the connection without reading a large reply.
    await res.body?.cancel().catch(() => undefined);
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
    return { status: res.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (err) {
    return { error: errorCode(err, signal) };
  }
};

function errorCode(err: unknown, stop: AbortSignal): string {
  if (stop.aborted) return 'aborted';
  const name = (err as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return 'network error';
}
