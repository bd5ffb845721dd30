/**
 * What the webhook server answers, decided without I/O: the request's method, headers and raw body and the
 * Receiver its path found come in; a status, a short text and whether to trigger go out. The texts never say
 * why a call was unauthorized, and nothing here echoes the path, a header or the body.
 */
import type { ReceiverResult } from '../metrics/metrics.js';
import type { ReceiverEntry } from './types.js';
import type { CallHeaders } from './verify.js';
import { eventAllowed, isGitHubPing, verifyCall } from './verify.js';

export interface Answer {
  status: number;
  /** The response body, one line. */
  message: string;
  /** How steward_receiver_requests_total counts the call. */
  result: ReceiverResult;
  /** Whether to request a reconcile of the Receiver's objects; the call is then answered once that is done. */
  trigger: boolean;
}

/** The answers, by name, so tests and docs refer to the same texts. */
export const ANSWERS = {
  notFound: { status: 404, message: 'not found', result: 'not_found', trigger: false },
  methodNotAllowed: { status: 405, message: 'method not allowed', result: 'rejected', trigger: false },
  suspended: { status: 503, message: 'receiver is suspended', result: 'rejected', trigger: false },
  badRequest: { status: 400, message: 'bad request', result: 'rejected', trigger: false },
  tooLarge: { status: 413, message: 'request body too large', result: 'rejected', trigger: false },
  unauthorized: { status: 401, message: 'unauthorized', result: 'unauthorized', trigger: false },
  ping: { status: 200, message: 'pong', result: 'accepted', trigger: false },
  ignored: { status: 200, message: 'event ignored by this receiver', result: 'rejected', trigger: false },
  accepted: { status: 202, message: 'reconcile requested', result: 'accepted', trigger: true },
  triggerFailed: { status: 500, message: 'reconcile request failed', result: 'accepted', trigger: false },
} as const satisfies Record<string, Answer>;

/**
 * The answer that needs no body: an unknown path is 404 whatever the method (nothing is read from it), a known
 * path takes POST only, and a suspended Receiver answers 503 before reading anything (Flux does the same).
 * Undefined means: read the body, then call {@link answerCall}.
 */
export function answerBeforeBody(entry: ReceiverEntry | undefined, method: string): Answer | undefined {
  if (entry === undefined) return ANSWERS.notFound;
  if (method !== 'POST') return ANSWERS.methodNotAllowed;
  if (entry.suspended) return ANSWERS.suspended;
  return undefined;
}

/** The answer to a call whose body was read in full: verify, then GitHub's ping, then the event filter. */
export function answerCall(entry: ReceiverEntry, headers: CallHeaders, body: Uint8Array): Answer {
  const verdict = verifyCall(entry.type, entry.token, headers, body);
  if (!verdict.ok) return ANSWERS.unauthorized;
  if (isGitHubPing(entry.type, verdict.event)) return ANSWERS.ping;
  // Only the two types that send an event type filter on it; validation refuses events on the others.
  if ((entry.type === 'github' || entry.type === 'gitlab') && !eventAllowed(entry.events, verdict.event))
    return ANSWERS.ignored;
  return ANSWERS.accepted;
}
