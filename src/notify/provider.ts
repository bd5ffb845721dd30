/**
 * A Provider and its Secret resolved into where and how to post: address, credentials, headers, timeout. Pure:
 * the Secret's decoded data comes in. Messages never contain the address, the token or any Secret value.
 */
import { parse as parseYaml } from 'yaml';
import type { Provider, ProviderType } from '../api/index.js';
import { parseDuration } from '../api/index.js';

/** The longest attempt allowed whatever spec.timeout says, so a hung endpoint holds its lane for bounded time. */
export const MAX_ATTEMPT_TIMEOUT_MS = 5 * 60_000;

/** Everything needed to deliver to one Provider. Holds credentials: never log it. */
export interface ProviderTarget {
  namespace: string;
  name: string;
  type: ProviderType;
  address: string;
  channel?: string;
  /** Name to post as (Slack, Discord): the Secret's `username`, else spec.username. */
  username?: string;
  /** HMAC key (generic-hmac) or bearer token (the other types). */
  token?: string;
  /** Basic auth, when the Secret holds both `username` and `password`. */
  basicAuth?: { username: string; password: string };
  /** Extra request headers from the Secret's `headers` key. */
  headers: Record<string, string>;
  timeoutMs: number;
  suspend: boolean;
}

/** Why a Provider cannot be used; `terminal` problems wait for a spec change, `transient` ones are re-checked. */
export interface ProviderProblem {
  reason: 'ValidationFailed' | 'SecretNotFound' | 'SecretInvalid';
  message: string;
  retry: 'transient' | 'terminal';
}

export type ProviderResolution =
  | { ok: true; target: ProviderTarget }
  | { ok: false; problem: ProviderProblem };

/** Secret keys a Provider reads (Flux's names). */
export const SECRET_KEYS = ['address', 'token', 'username', 'password', 'headers'] as const;

/**
 * Resolves a validated Provider. `secret` is the decoded data of spec.secretRef, undefined when the Secret does
 * not exist (or when there is no secretRef). `defaultTimeoutMs` is the agent's notifications.timeout.
 */
export function resolveProvider(
  provider: Provider,
  secret: Readonly<Record<string, string>> | undefined,
  defaultTimeoutMs: number,
): ProviderResolution {
  const { spec, metadata } = provider;
  const ref = spec.secretRef?.name;
  const fail = (reason: ProviderProblem['reason'], message: string, retry: ProviderProblem['retry']) =>
    ({ ok: false, problem: { reason, message, retry } }) as const;
  if (!ref && !spec.address) {
    return fail(
      'ValidationFailed',
      'spec.address or a Secret (spec.secretRef) with an address is required',
      'terminal',
    );
  }
  if (spec.type === 'generic-hmac' && !ref) {
    return fail(
      'ValidationFailed',
      'generic-hmac needs spec.secretRef naming a Secret with a token',
      'terminal',
    );
  }
  if (ref && secret === undefined) {
    return fail('SecretNotFound', `Secret '${metadata.namespace}/${ref}' not found`, 'transient');
  }
  const data = secret ?? {};
  const where = `Secret '${metadata.namespace}/${ref ?? ''}'`;
  const address = data.address?.trim() || spec.address;
  if (!address)
    return fail('SecretInvalid', `${where} has no key address and spec.address is not set`, 'transient');
  const addressProblem = checkAddress(address);
  if (addressProblem) {
    const from = data.address ? `${where} key address` : 'spec.address';
    return fail('SecretInvalid', `${from} ${addressProblem}`, data.address ? 'transient' : 'terminal');
  }
  if (spec.type === 'generic-hmac' && !data.token) {
    return fail('SecretInvalid', `${where} has no key token (the HMAC key of generic-hmac)`, 'transient');
  }
  const headers = data.headers === undefined ? {} : parseHeaders(data.headers);
  if (typeof headers === 'string')
    return fail('SecretInvalid', `${where} key headers ${headers}`, 'transient');
  const username = data.username || spec.username;
  const timeoutMs = Math.min(
    spec.timeout ? parseDuration(spec.timeout) : defaultTimeoutMs,
    MAX_ATTEMPT_TIMEOUT_MS,
  );
  return {
    ok: true,
    target: {
      namespace: metadata.namespace,
      name: metadata.name,
      type: spec.type,
      address,
      ...(spec.channel ? { channel: spec.channel } : {}),
      ...(username ? { username } : {}),
      ...(data.token ? { token: data.token } : {}),
      ...(data.username && data.password
        ? { basicAuth: { username: data.username, password: data.password } }
        : {}),
      headers,
      timeoutMs,
      suspend: spec.suspend === true,
    },
  };
}

/** A problem with an address, worded without echoing it (a webhook URL is a credential). */
function checkAddress(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  // fetch refuses URLs with credentials; they belong in the username and password keys.
  if (url.username !== '' || url.password !== '')
    return 'must not contain credentials; use the username and password keys';
  return undefined;
}

/** Header names as RFC 9110 tokens; values without line breaks (header injection). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The `headers` key: a YAML (or JSON) map of header names to string values; a problem text otherwise. */
export function parseHeaders(text: string): Record<string, string> | string {
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 10 });
  } catch {
    return 'is not valid YAML';
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return 'must be a map of header names to values';
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!HEADER_NAME.test(name)) return `has an invalid header name ${JSON.stringify(name)}`;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      return `header ${JSON.stringify(name)} must have a string value`;
    const v = String(value);
    // The value may be a credential: say what is wrong without showing it.
    if (/[\r\n\0]/.test(v)) return `header ${JSON.stringify(name)} has a line break in its value`;
    out[name] = v;
  }
  return out;
}
