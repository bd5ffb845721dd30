/**
 * Bearer-token authentication for the sandbox: a static users file (the shape of kube-apiserver's
 * --token-auth-file, as YAML or JSON) plus HMAC-signed service account tokens.
 *
 * Anonymous access is disabled, as on a hardened cluster: a request without a usable token gets
 * `undefined` here and a 401 `Unauthorized` from the server (apiserver endpoints/filters/authentication.go).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parse } from 'yaml';
import type { UserInfo } from '../types.js';
import { isObj } from '../types.js';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS_USER,
  serviceAccountGroups,
  serviceAccountUsername,
  validServiceAccount,
} from './serviceaccount.js';

/** One entry of the users file. */
export interface UserEntry {
  name: string;
  token: string;
  groups: string[];
  uid?: string;
}

/** The users file is unusable; the message names the offending entry and field. */
export class UsersFileError extends Error {
  override readonly name = 'UsersFileError';
}

const ENTRY_KEYS = new Set(['name', 'token', 'groups', 'uid']);

/**
 * Parses `users: [{name, token, groups?, uid?}]` from YAML or JSON. Unknown keys are rejected so a typo
 * (`group:`) fails loudly instead of silently granting less.
 */
export function parseUsers(text: string): UserEntry[] {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new UsersFileError(`users file is not valid YAML or JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!isObj(doc)) throw new UsersFileError('users file: must be a mapping with a "users" list');
  for (const key of Object.keys(doc)) {
    if (key !== 'users')
      throw new UsersFileError(`users file: unknown key "${key}" (only "users" is allowed)`);
  }
  if (!Array.isArray(doc.users)) throw new UsersFileError('users file: "users" must be a list');
  const seen = new Map<string, number>();
  return doc.users.map((raw: unknown, i): UserEntry => {
    const at = `users[${i}]`;
    if (!isObj(raw)) throw new UsersFileError(`users file: ${at} must be a mapping`);
    for (const key of Object.keys(raw)) {
      if (!ENTRY_KEYS.has(key)) throw new UsersFileError(`users file: ${at}: unknown key "${key}"`);
    }
    const { name, token, groups, uid } = raw;
    if (typeof name !== 'string' || name === '') {
      throw new UsersFileError(`users file: ${at}.name must be a non-empty string`);
    }
    // The bearer authenticator splits the header on spaces, so a token with whitespace could never match.
    if (typeof token !== 'string' || token === '' || /\s/.test(token)) {
      throw new UsersFileError(`users file: ${at}.token must be a non-empty string without whitespace`);
    }
    const first = seen.get(token);
    if (first !== undefined)
      throw new UsersFileError(`users file: ${at}.token repeats the token of users[${first}]`);
    seen.set(token, i);
    if (
      groups !== undefined &&
      (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string' && g))
    ) {
      throw new UsersFileError(`users file: ${at}.groups must be a list of non-empty strings`);
    }
    if (uid !== undefined && typeof uid !== 'string')
      throw new UsersFileError(`users file: ${at}.uid must be a string`);
    const entry: UserEntry = { name, token, groups: [...((groups as string[] | undefined) ?? [])] };
    if (uid) entry.uid = uid;
    return entry;
  });
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** The HMAC of a service account token's payload, base64url. */
function signature(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(`sa.${payload}`).digest('base64url');
}

/**
 * A bearer token for service account `<namespace>/<name>`: `sa.<b64url(ns:name)>.<hmac>`. Only a server
 * holding the same secret accepts it.
 */
export function serviceAccountToken(namespace: string, name: string, secret: string): string {
  if (!secret) throw new Error('service account tokens need a non-empty signing secret');
  if (!validServiceAccount(namespace, name)) {
    throw new Error(`invalid service account ${JSON.stringify(`${namespace}/${name}`)}`);
  }
  const payload = Buffer.from(`${namespace}:${name}`).toString('base64url');
  return `sa.${payload}.${signature(payload, secret)}`;
}

function verifyServiceAccountToken(token: string, secret: string): UserInfo | undefined {
  const m = /^sa\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!m?.[1] || !m[2]) return undefined;
  const given = Buffer.from(m[2]);
  const expected = Buffer.from(signature(m[1], secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const decoded = Buffer.from(m[1], 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  const namespace = decoded.slice(0, colon);
  const name = decoded.slice(colon + 1);
  if (colon < 0 || !validServiceAccount(namespace, name)) return undefined;
  return { name: serviceAccountUsername(namespace, name), groups: serviceAccountGroups(namespace) };
}

/**
 * The AuthenticatedGroupAdder (apiserver pkg/authentication/group/authenticated_group_adder.go): every
 * authenticated user is in `system:authenticated`, appended last unless already present.
 */
function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === ANONYMOUS_USER) return user;
  if (user.groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) return user;
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
}

/**
 * Authenticates an `Authorization` header. Parsing follows the bearer token authenticator
 * (apiserver pkg/authentication/request/bearertoken/bearertoken.go): the header is trimmed, the scheme
 * is case-insensitive, and the token is the second space-separated field.
 *
 * Returns undefined for a missing header, another scheme or an unknown token; the server answers all of
 * them with 401. Static tokens are compared in constant time over every entry. Service account tokens
 * are accepted only when `serviceAccountSecret` is given.
 */
export function authenticate(
  authorizationHeader: string | undefined,
  users: readonly UserEntry[],
  serviceAccountSecret?: string,
): UserInfo | undefined {
  const auth = (authorizationHeader ?? '').trim();
  if (auth === '') return undefined;
  const [scheme = '', token = ''] = auth.split(' ');
  if (scheme.toLowerCase() !== 'bearer' || token === '') return undefined;

  const wanted = digest(token);
  let match: UserEntry | undefined;
  for (const entry of users) {
    if (timingSafeEqual(digest(entry.token), wanted) && match === undefined) match = entry;
  }
  if (match) {
    const user: UserInfo = { name: match.name, groups: [...match.groups] };
    if (match.uid) user.uid = match.uid;
    return withAuthenticatedGroup(user);
  }
  if (serviceAccountSecret) {
    const sa = verifyServiceAccountToken(token, serviceAccountSecret);
    if (sa) return withAuthenticatedGroup(sa);
  }
  return undefined;
}
