/**
 * The OCI Distribution client: Helm charts stored as OCI artifacts, and (later) image tags for image
 * automation. Read-only: tags, manifests, blobs.
 */
export { TokenCache } from './auth.js';
export { type AuthChallenge, parseWwwAuthenticate } from './challenge.js';
export { OciClient, type OciClientOptions } from './client.js';
export { digestOf, parseDigest } from './digest.js';
export { dockerConfigAuth, registryAuthFromSecret, type SecretData } from './docker-config.js';
export { OciError, type OciErrorCode, OciErrorCodes } from './errors.js';
export { nextLink } from './link.js';
export { parseRetryAfter } from './retry-after.js';
export { type CallOptions, type FetchedManifest, MediaTypes, type RegistryAuth } from './types.js';
export { chartVersionTag, joinRepository, type OciLocation, parseOciUrl } from './url.js';
