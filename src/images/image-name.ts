/**
 * Image names as `docker pull` reads them (distribution's reference grammar and Docker's normalisation):
 * `nginx` is `docker.io/library/nginx`, `org/app` is `docker.io/org/app`, and the first path component names a
 * registry only when it has a `.` or a `:` or is `localhost`. Pure.
 *
 * Like Flux's ImageRepository, a name with a tag or a digest is refused (the tag is what the ImagePolicy picks),
 * and so is a URL scheme. Unlike Flux, which reports Docker Hub images as `index.docker.io/...`, the canonical
 * name is Docker's familiar `docker.io/...`; and a name with credentials in it is refused without being quoted.
 */
import { checkRegistry } from '../sources/oci/url.js';

/** A parsed image name: where to ask for its tags, and how to show it. */
export interface ImageName {
  /** The registry's API host, `host[:port]` in lower case; Docker Hub's is `registry-1.docker.io`. */
  registry: string;
  /** The repository inside the registry: `library/nginx`, `org/app`. */
  repository: string;
  /** The full familiar name: `docker.io/library/nginx`, `ghcr.io/org/app`, `127.0.0.1:5000/app`. */
  canonical: string;
}

/** Why an image name was refused; `message` names the image (unless it held credentials), `reason` does not. */
export class ImageNameError extends Error {
  override readonly name = 'ImageNameError';

  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The registry host Docker Hub answers the registry API on. */
export const DOCKER_HUB_API = 'registry-1.docker.io';
const DOCKER_HUB = 'docker.io';
/** What `docker login` and older clients call Docker Hub. */
const DOCKER_HUB_LEGACY = 'index.docker.io';
/** distribution's NameTotalLengthMax, counted on the full name with its registry. */
const MAX_NAME = 255;
/** distribution's path-component: lower-case alphanumerics joined by `.`, `_`, `__` or dashes. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Parses and normalises an image name without tag or digest; throws ImageNameError with the reason. */
export function parseImageName(image: string): ImageName {
  const refuse = (reason: string): never => {
    throw new ImageNameError(reason, `image ${quote(image)}: ${reason}`);
  };
  if (typeof image !== 'string' || image === '') refuse('must not be empty');
  if (/\s/.test(image)) refuse('must not contain whitespace');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(image);
  if (scheme) refuse(`must not start with a URL scheme; remove '${scheme[1]?.slice(0, 20)}://'`);

  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry && first.includes('@')) {
    // `user:password@host/app`: never echo it, not even in part.
    const reason = 'must not contain credentials; put them in the Secret named by secretRef';
    throw new ImageNameError(reason, `an image name ${reason}`);
  }
  const path = hasRegistry ? image.slice(slash + 1) : image;

  const at = path.indexOf('@');
  if (at >= 0) refuse(`must not contain a digest ('${clip(path.slice(at))}'); the ImagePolicy picks the tag`);
  const colon = path.indexOf(':');
  if (colon >= 0)
    refuse(`must not contain a tag ('${clip(path.slice(colon))}'); the ImagePolicy picks the tag`);
  if (path === '') refuse('has no repository after the registry');
  for (const component of path.split('/')) {
    if (component === '') refuse('has an empty path component (a doubled or trailing /)');
    if (component.toLowerCase() !== component) refuse('must be lower case (the registry part excepted)');
    if (!PATH_COMPONENT.test(component)) {
      refuse(
        `has an invalid path component ${quote(component)}: lower-case letters and digits, ` +
          'joined by single ., _, __ or dashes',
      );
    }
  }

  let name: ImageName;
  const host = hasRegistry ? registryHost(first, refuse) : DOCKER_HUB;
  if (host === DOCKER_HUB || host === DOCKER_HUB_LEGACY) {
    // Docker Hub's official images live under `library/`.
    const repository = path.includes('/') ? path : `library/${path}`;
    name = { registry: DOCKER_HUB_API, repository, canonical: `${DOCKER_HUB}/${repository}` };
  } else {
    name = { registry: host, repository: path, canonical: `${host}/${path}` };
  }
  if (name.canonical.length > MAX_NAME) refuse(`is longer than ${MAX_NAME} characters with its registry`);
  return name;
}

function registryHost(host: string, refuse: (reason: string) => never): string {
  try {
    return checkRegistry(host);
  } catch {
    return refuse(`has an invalid registry host ${quote(host)}`);
  }
}

function quote(s: string): string {
  return JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}...` : s);
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}...` : s;
}
