/**
 * Verifying a webhook call, per Receiver type, as Flux's notification-controller does (receiver_handlers.go
 * `validate`). Pure: the token, headers and raw body come in, a verdict goes out. Every comparison of something
 * the caller sent with something derived from the token runs in constant time, and a missing, malformed or
 * wrong signature all take the same path, so neither the answer nor its timing says which part failed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReceiverType } from '../api/index.js';

/** Request headers as node:http gives them: lower-case names. */
export type CallHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The outcome of verifying one call; `event` is the Git host's event type when it sends one. */
export type Verdict = { ok: false } | { ok: true; event: string | undefined };

/** HMAC algorithms generic-hmac accepts in `X-Signature: <algorithm>=<hex>`, as Flux's validateSignature does. */
export const HMAC_ALGORITHMS = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

/** A single header value; a header sent twice arrives as a list, and is treated as not sent. */
export function headerValue(headers: CallHeaders, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Compares what the caller sent with the expected value in time that depends only on the expected value's
 * length. `timingSafeEqual` needs equal lengths: when they differ, the expected value is compared with itself
 * so the same work is done, and the answer is still no.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  const e = Buffer.from(expected, 'utf8');
  const g = Buffer.from(given, 'utf8');
  const sameLength = g.length === e.length;
  const equal = timingSafeEqual(sameLength ? g : e, e);
  return sameLength && equal;
}

function hmacHex(algorithm: HmacAlgorithm, key: string, body: Uint8Array): string {
  return createHmac(algorithm, key).update(body).digest('hex');
}

function isAlgorithm(name: string): name is HmacAlgorithm {
  return (HMAC_ALGORITHMS as readonly string[]).includes(name);
}

/**
 * Checks `<algorithm>=<hex>` against the HMAC of `body`. An unknown or missing algorithm still computes a
 * SHA-256 HMAC and compares, so a malformed header costs what a wrong one does.
 */
function signatureMatches(header: string | undefined, token: string, body: Uint8Array): boolean {
  const value = (header ?? '').trim();
  const eq = value.indexOf('=');
  const named = eq > 0 ? value.slice(0, eq).toLowerCase() : '';
  const known = isAlgorithm(named);
  const algorithm: HmacAlgorithm = known ? named : 'sha256';
  const expected = `${algorithm}=${hmacHex(algorithm, token, body)}`;
  // Hex digits in either case, as Go's hex decoding in go-github accepts them.
  const given = eq > 0 ? `${named}=${value.slice(eq + 1).toLowerCase()}` : value;
  const equal = constantTimeEqual(given, expected);
  return known && equal;
}

/**
 * Verifies one call to a Receiver of `type` whose shared secret is `token`:
 * - github: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`; the event is `X-GitHub-Event`;
 * - gitlab: `X-Gitlab-Token` equal to the token; the event is `X-Gitlab-Event`;
 * - generic-hmac: `X-Signature: sha256=<hex>` (or sha1, sha224, sha384, sha512) over the body;
 * - generic: nothing beyond the secret path the call already found.
 */
export function verifyCall(
  type: ReceiverType,
  token: string,
  headers: CallHeaders,
  body: Uint8Array,
): Verdict {
  switch (type) {
    case 'github': {
      const given = headerValue(headers, 'x-hub-signature-256') ?? '';
      const expected = `sha256=${hmacHex('sha256', token, body)}`;
      if (!constantTimeEqual(given.trim().toLowerCase(), expected)) return { ok: false };
      return { ok: true, event: headerValue(headers, 'x-github-event') };
    }
    case 'gitlab': {
      if (!constantTimeEqual(headerValue(headers, 'x-gitlab-token') ?? '', token)) return { ok: false };
      return { ok: true, event: headerValue(headers, 'x-gitlab-event') };
    }
    case 'generic-hmac':
      return signatureMatches(headerValue(headers, 'x-signature'), token, body)
        ? { ok: true, event: undefined }
        : { ok: false };
    case 'generic':
      return { ok: true, event: undefined };
  }
}

/**
 * Whether a verified call's event may trigger: every event when `events` is empty or absent (Flux's rule),
 * otherwise only a listed one, compared without regard to case as Flux does (`strings.EqualFold`). Only github
 * and gitlab calls carry an event type; validation refuses `events` on the other types.
 */
export function eventAllowed(events: readonly string[] | undefined, event: string | undefined): boolean {
  if (events === undefined || events.length === 0) return true;
  if (event === undefined) return false;
  const wanted = event.toLowerCase();
  return events.some((e) => e.toLowerCase() === wanted);
}

/** GitHub's ping, sent when a hook is created: answered so the hook shows green, never a trigger. */
export function isGitHubPing(type: ReceiverType, event: string | undefined): boolean {
  return type === 'github' && event?.toLowerCase() === 'ping';
}
