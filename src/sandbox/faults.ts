/**
 * Fault injection and request counters for the sandbox API server. Not part of Kubernetes: tests switch faults
 * on and off at run time (through the sandbox admin API) to see how a client copes with what a real
 * kube-apiserver does under load: APF throttling, 5xx answers, timeouts, slow and dropped connections. Every
 * injected answer is shaped like the real one (kube-api-facts §1). State lives in instances the server creates.
 */
import { conflict, expired, internalError, notFound, OPTIMISTIC_LOCK_MSG, StatusError } from './errors.js';
import type { FaultAction, FaultRule } from './fault-rules.js';
import { parseFaultRules } from './fault-rules.js';

export type { FaultAction, FaultRule, FaultVerb } from './fault-rules.js';
export { FAULT_VERBS, parseFaultRules } from './fault-rules.js';

/** The parts of a request rules are matched against. */
export interface FaultRequest {
  verb: string;
  path: string;
  resource?: string | undefined;
  namespace?: string | undefined;
}

/** The object a request names, when known: lets 404 and 409 faults carry the real message format. */
export interface FaultTarget {
  group: string;
  resource: string;
  name?: string;
}

/** How the HTTP layer plays a fault: a full response, closing the socket, or a delay before normal handling. */
export type FaultResponse =
  | { status: number; headers: Record<string, string>; body: string }
  | 'drop'
  | { delayMs: number };

interface ActiveRule {
  rule: FaultRule & { id: string };
  path: RegExp | undefined;
  remaining: number | undefined;
}

/** The sandbox's switchable fault rules, matched in the order they were added; the first match wins. */
export class FaultInjector {
  readonly #rules: ActiveRule[] = [];
  #seq = 0;

  /** Adds a rule, replacing any with the same id, and returns it as stored. Throws a 400 StatusError if invalid. */
  add(rule: FaultRule): FaultRule {
    const [valid] = parseFaultRules(rule) as [FaultRule];
    const id = valid.id ?? this.#nextId();
    const entry: ActiveRule = {
      rule: { ...valid, id },
      path: valid.path === undefined ? undefined : compilePathGlob(valid.path),
      remaining: valid.times,
    };
    const at = this.#rules.findIndex((r) => r.rule.id === id);
    if (at >= 0) this.#rules[at] = entry;
    else this.#rules.push(entry);
    return view(entry);
  }

  /** Removes one rule; false if there was none with that id. */
  remove(id: string): boolean {
    const at = this.#rules.findIndex((r) => r.rule.id === id);
    if (at >= 0) this.#rules.splice(at, 1);
    return at >= 0;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** The active rules, `times` showing the matches each has left. */
  list(): FaultRule[] {
    return this.#rules.map(view);
  }

  /**
   * The action of the first rule that applies, consuming one of its `times`. `random` (returning [0, 1)) is
   * called only for rules with a probability whose filters match. The sandbox's own `/sandbox/` paths never
   * match, so a catch-all rule cannot lock tests out of removing it.
   */
  match(req: FaultRequest, random: () => number): FaultAction | undefined {
    if (req.path.startsWith('/sandbox/')) return undefined;
    for (const [i, entry] of this.#rules.entries()) {
      if (!applies(entry, req)) continue;
      const p = entry.rule.probability;
      if (p !== undefined && !(random() < p)) continue;
      if (entry.remaining !== undefined) {
        entry.remaining -= 1;
        if (entry.remaining <= 0) this.#rules.splice(i, 1);
      }
      return structuredClone(entry.rule.action);
    }
    return undefined;
  }

  #nextId(): string {
    let id: string;
    do id = `fault-${++this.#seq}`;
    while (this.#rules.some((r) => r.rule.id === id));
    return id;
  }
}

function view(entry: ActiveRule): FaultRule {
  const { times: _, ...rest } = structuredClone(entry.rule);
  return entry.remaining === undefined ? rest : { ...rest, times: entry.remaining };
}

function applies(entry: ActiveRule, req: FaultRequest): boolean {
  const r = entry.rule;
  if (r.verb !== undefined && r.verb !== '*' && r.verb !== req.verb) return false;
  if (r.resource !== undefined && r.resource !== (req.resource ?? '')) return false;
  if (r.namespace !== undefined && r.namespace !== (req.namespace ?? '')) return false;
  return entry.path === undefined || entry.path.test(req.path);
}

/** Compiles a path glob: `*` and `?` stay within a segment, `**` crosses segments, `**\/` and `/**` may be empty. */
export function compilePathGlob(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; ) {
    if (glob.startsWith('/**', i) && i + 3 === glob.length) [re, i] = [`${re}(?:/.*)?`, i + 3];
    else if (glob.startsWith('**/', i)) [re, i] = [`${re}(?:.*/)?`, i + 3];
    else if (glob.startsWith('**', i)) [re, i] = [`${re}.*`, i + 2];
    else if (glob[i] === '*') [re, i] = [`${re}[^/]*`, i + 1];
    else if (glob[i] === '?') [re, i] = [`${re}[^/]`, i + 1];
    else [re, i] = [re + (glob[i] ?? '').replace(/[.+^${}()|[\]\\]/g, '\\$&'), i + 1];
  }
  return new RegExp(`^${re}$`);
}

/** The response that plays an injected action the way kube-apiserver would answer. */
export function faultResponse(action: FaultAction, target?: FaultTarget): FaultResponse {
  switch (action.type) {
    case 'drop':
      return 'drop';
    case 'latency':
      return { delayMs: action.ms };
    case 'throttle':
      if (action.form === 'plain') {
        // APF and max-in-flight reject with http.Error (server/filters/priority-and-fairness.go tooManyRequests):
        // plain text with a trailing newline, nosniff, and Retry-After; client-go retries only with that header.
        return {
          status: 429,
          headers: {
            'Content-Type': 'text/plain; charset=utf-8',
            'X-Content-Type-Options': 'nosniff',
            'Retry-After': String(action.retryAfterSeconds),
          },
          body: 'Too many requests, please try again later.\n',
        };
      }
      return statusResponse(tooManyRequests(action.retryAfterSeconds));
    case 'status':
      return statusResponse(statusErrorForCode(action.code, action.message, target));
  }
}

function statusResponse(err: StatusError): FaultResponse {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const retry = err.details?.retryAfterSeconds;
  if (retry !== undefined && retry > 0) headers['Retry-After'] = String(retry);
  return { status: err.code, headers, body: JSON.stringify(err.toStatus()) };
}

/** NewTooManyRequests (apimachinery pkg/api/errors): details always present, even with no retry time. */
function tooManyRequests(retryAfterSeconds: number, message = 'Too many requests, please try again later.') {
  const details = retryAfterSeconds > 0 ? { retryAfterSeconds } : {};
  return new StatusError(429, 'TooManyRequests', message, details);
}

// The reasons apimachinery's reasonForCode gives each code, and the messages client-go's NewGenericServerResponse
// uses when a body says nothing more (apimachinery pkg/api/errors/errors.go).
const GENERIC: Readonly<Record<number, readonly [string, string]>> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'Unauthorized'],
  403: ['Forbidden', 'the server does not allow access to the requested resource'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  406: ['NotAcceptable', 'the server was unable to respond with a content type that the client supports'],
  409: ['Conflict', 'the server reported a conflict'],
  413: ['RequestEntityTooLarge', 'the server rejected our request because the request entity is too large'],
  415: ['UnsupportedMediaType', 'the server does not support the media type of the request'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
};

/**
 * A metav1.Status error for an HTTP code, built the way the apiserver builds it: 500 wraps the message as
 * NewInternalError does (`Internal error occurred: …`), 504 as NewTimeoutError (`Timeout: …`), 410 uses reason
 * Expired, 404 and 409 take the object's name when a target is given.
 */
export function statusErrorForCode(code: number, message?: string, target?: FaultTarget): StatusError {
  const name = target?.name;
  if (code === 404 && target && name && message === undefined) return notFound(target, name);
  if (code === 409 && target && name && message === undefined)
    return conflict(target, name, OPTIMISTIC_LOCK_MSG);
  switch (code) {
    case 410:
      return expired(message ?? 'The resourceVersion for the provided watch is too old.');
    case 429:
      return tooManyRequests(0, message);
    case 500:
      return internalError(message ?? 'injected fault');
    case 504:
      // apiserver server/filters/timeout.go: the request-timeout filter's own words.
      return new StatusError(
        504,
        'Timeout',
        `Timeout: ${message ?? 'request did not complete within requested timeout - context deadline exceeded'}`,
      );
  }
  const generic = GENERIC[code];
  if (generic) return new StatusError(code, generic[0], message ?? generic[1]);
  return new StatusError(
    code,
    code >= 500 ? 'InternalError' : '',
    message ?? `injected fault (HTTP ${code})`,
  );
}

/** One row of {@link RequestCounters.snapshot}. */
export interface RequestCount {
  verb: string;
  /** API group, `''` for the core group and for non-resource paths. */
  group: string;
  /** Plural resource, `''` for non-resource paths. */
  resource: string;
  count: number;
}

/** Counts requests by verb, group and resource, so tests can assert how chatty a client is. */
export class RequestCounters {
  readonly #counts = new Map<string, RequestCount>();

  record(verb: string, group: string, resource: string): void {
    const key = JSON.stringify([group, resource, verb]);
    const row = this.#counts.get(key);
    if (row) row.count += 1;
    else this.#counts.set(key, { verb, group, resource, count: 1 });
  }

  /** The counts, sorted by group, resource and verb. */
  snapshot(): RequestCount[] {
    const rows = [...this.#counts.values()].map((r) => ({ ...r }));
    const key = (r: RequestCount) => [r.group, r.resource, r.verb];
    return rows.sort((a, b) => compareKeys(key(a), key(b)));
  }

  reset(): void {
    this.#counts.clear();
  }
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (const [i, x] of a.entries()) {
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
