/**
 * Names as the OCI Distribution spec defines them: `oci://` URLs, registry hosts, repository names, tags and
 * digests. Pure; every name is checked before it becomes part of a request path, so a `..` or a `?` in a chart
 * name can never reach another endpoint.
 */
import { OciError } from './errors.js';

/** A registry host and a repository inside it. `repository` is '' for `oci://host` alone. */
export interface OciLocation {
  /** `host` or `host:port`, lower case. */
  registry: string;
  repository: string;
}

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST_REFERENCE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]+$/;
const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;
/** The spec's limit on a repository name (distribution counts the host too; we count only the path). */
const MAX_REPOSITORY = 255;

/**
 * Splits `oci://host[:port]/path/to/charts` into the registry and the repository path. Parsed by hand rather
 * than with URL, which would quietly resolve `a/../b` to `b`.
 */
export function parseOciUrl(raw: string): OciLocation {
  if (!raw.startsWith('oci://')) throw invalid('an OCI URL must start with oci://');
  const rest = raw.slice('oci://'.length);
  if (/[?#]/.test(rest)) throw invalid('an oci:// URL must not have a query or fragment');
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  // Credentials in a URL end up in logs and statuses; they belong in a Secret.
  if (authority.includes('@')) throw invalid('an oci:// URL must not contain credentials; use a Secret');
  const registry = checkRegistry(authority);
  const repository = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (repository !== '') checkRepository(repository);
  return { registry, repository };
}

/** Checks a `host[:port]`; returns it in lower case. */
export function checkRegistry(host: string): string {
  const lower = host.toLowerCase();
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(lower);
  const name = m?.[1] ?? '';
  const port = m?.[2];
  if (!(HOSTNAME.test(name) || IPV6.test(name)))
    throw invalid(`registry host ${JSON.stringify(host)} is not valid`);
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    throw invalid(`registry port in ${JSON.stringify(host)} is out of range`);
  }
  return lower;
}

/** Checks a repository name (`charts/podinfo`) against the spec's grammar. */
export function checkRepository(repository: string): string {
  if (repository.length > MAX_REPOSITORY || !REPOSITORY.test(repository)) {
    throw invalid(`repository name ${JSON.stringify(repository.slice(0, 300))} is not valid`);
  }
  return repository;
}

/** Checks a manifest reference: a tag or a digest. */
export function checkReference(reference: string): string {
  if (!TAG.test(reference) && !DIGEST_REFERENCE.test(reference)) {
    throw invalid(`reference ${JSON.stringify(reference.slice(0, 200))} is neither a tag nor a digest`);
  }
  return reference;
}

/** Whether a (checked) reference is a digest rather than a tag. */
export function isDigestReference(reference: string): boolean {
  return reference.includes(':');
}

/** The repository of a chart or image below a base path: `joinRepository('charts', 'podinfo')`. */
export function joinRepository(base: string, name: string): string {
  return checkRepository(base === '' ? name : `${base}/${name}`);
}

/**
 * Helm stores a chart version as the tag, with `+` (not allowed in tags) written as `_`, as `helm push` does;
 * `1.0.0+build.1` is the tag `1.0.0_build.1`.
 */
export function chartVersionTag(version: string): string {
  return version.replaceAll('+', '_');
}

/**
 * The registry's base URL: plain HTTP only when the caller opted into it. `docker.io` names Docker Hub, whose
 * API answers on another host.
 */
export function registryBaseUrl(registry: string, insecure: boolean): string {
  const host = checkRegistry(registry);
  return `${insecure ? 'http' : 'https'}://${host === 'docker.io' ? 'registry-1.docker.io' : host}`;
}

function invalid(message: string): OciError {
  return new OciError('invalid', message);
}
