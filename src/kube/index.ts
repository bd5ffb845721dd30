/** The Kubernetes adapter: a raw JSON client over a KubeConfig, with discovery, retries and redaction. */
export { type KubeClientOptions, kubeClient } from './client.js';
export { isTransientKubeError, KubeError, type KubeErrorCause } from './errors.js';
export { apiVersionOf, groupOf } from './paths.js';
export { isSecret, secretRedactor } from './redact.js';
export type {
  ApplyOptions,
  KubeClient,
  ListOptions,
  Obj,
  PropagationPolicy,
  ResourceInfo,
  WatchOptions,
} from './types.js';
