/**
 * Registry credentials from a Kubernetes Secret: `username`/`password` keys (basic auth), or a docker config
 * (`kubernetes.io/dockerconfigjson` with `.dockerconfigjson`, or the legacy `.dockercfg`) whose `auths` entry
 * for the registry gives `username`/`password` or `auth` (base64 of `user:password`). Pure. Errors never
 * quote the Secret's content.
 */
import { OciError } from './errors.js';
import type { RegistryAuth } from './types.js';

/** The parts of a core/v1 Secret this needs; `data` values are base64, as the API serves them. */
export interface SecretData {
  type?: string;
  data?: Record<string, string>;
}

const DOCKER_CONFIG_JSON = '.dockerconfigjson';
const DOCKER_CFG = '.dockercfg';
/** Docker Hub answers to several names; `docker login` writes the first. */
const DOCKER_HUB = new Set(['index.docker.io', 'docker.io', 'registry-1.docker.io']);

/** The credentials the Secret holds for `registryHost` (`host[:port]`), or undefined when it has none for it. */
export function registryAuthFromSecret(secret: SecretData, registryHost: string): RegistryAuth | undefined {
  const data = secret.data ?? {};
  const configJson = data[DOCKER_CONFIG_JSON];
  const legacy = data[DOCKER_CFG];
  if (configJson !== undefined) {
    const config = parseJson(configJson, DOCKER_CONFIG_JSON);
    return dockerConfigAuth(isObject(config) ? config.auths : undefined, registryHost);
  }
  if (legacy !== undefined) return dockerConfigAuth(parseJson(legacy, DOCKER_CFG), registryHost);
  if (secret.type === 'kubernetes.io/dockerconfigjson') {
    throw new OciError(
      'invalid',
      `a kubernetes.io/dockerconfigjson Secret must have the key ${DOCKER_CONFIG_JSON}`,
    );
  }
  const username = data.username;
  const password = data.password;
  if (username === undefined && password === undefined) return undefined;
  return {
    ...(username === undefined ? {} : { username: decode(username) }),
    ...(password === undefined ? {} : { password: decode(password) }),
  };
}

/** The entry of a docker config `auths` map that matches `registryHost`, as credentials. */
export function dockerConfigAuth(auths: unknown, registryHost: string): RegistryAuth | undefined {
  if (auths === undefined || auths === null) return undefined;
  if (!isObject(auths)) throw new OciError('invalid', 'the docker config "auths" is not an object');
  const wanted = normalizeRegistry(registryHost);
  // An exact key wins over one that only matches once normalised (`https://host/v1/`).
  const key =
    Object.keys(auths).find((k) => k === registryHost) ??
    Object.keys(auths).find((k) => normalizeRegistry(k) === wanted);
  if (key === undefined) return undefined;
  const entry = auths[key];
  if (!isObject(entry))
    throw new OciError('invalid', `the docker config entry for ${wanted} is not an object`);
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const pair = decode(entry.auth);
    const colon = pair.indexOf(':');
    if (colon < 0) {
      throw new OciError('invalid', `the docker config "auth" for ${wanted} is not base64 of user:password`);
    }
    return { username: pair.slice(0, colon), password: pair.slice(colon + 1) };
  }
  const username = typeof entry.username === 'string' ? entry.username : undefined;
  const password = typeof entry.password === 'string' ? entry.password : undefined;
  if (username === undefined && password === undefined) {
    // identitytoken (an OAuth2 refresh token) and registrytoken need flows this client does not speak.
    throw new OciError('invalid', `the docker config entry for ${wanted} has no username/password or auth`);
  }
  return {
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

/** `https://Host:5000/v1/` → `host:5000`; Docker Hub's names → `docker.io`. */
export function normalizeRegistry(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]
    ?.toLowerCase();
  return host !== undefined && DOCKER_HUB.has(host) ? 'docker.io' : (host ?? '');
}

function parseJson(base64: string, key: string): unknown {
  try {
    return JSON.parse(decode(base64));
  } catch {
    throw new OciError('invalid', `the Secret's ${key} is not valid JSON`);
  }
}

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
