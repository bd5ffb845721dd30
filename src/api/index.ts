/**
 * Steward's API kinds (group steward.dev, version v1alpha1): their TypeScript types, validation with
 * defaults, the durations their specs use, and the CRDs generated from the same schemas.
 */
export { crdFileName, crds, crdYaml, STEWARD_KINDS, type StewardKind } from './crds.js';
export { DURATION_PATTERN, InvalidDurationError, parseDuration } from './duration.js';
export type { FieldError } from './errors.js';
export { type Condition, type ConditionType, ConditionTypes } from './schema/common.js';
export type {
  Artifact,
  GitRepository,
  GitRepositoryRef,
  GitRepositorySpec,
  GitRepositoryStatus,
} from './schema/git-repository.js';
export type {
  HelmRepository,
  HelmRepositorySpec,
  HelmRepositoryStatus,
} from './schema/helm-repository.js';
export {
  DEFAULT_EXCLUSION_LIST,
  type ImagePolicy,
  type ImagePolicySpec,
  type ImagePolicyStatus,
  type ImageRepository,
  type ImageRepositorySpec,
  type ImageRepositoryStatus,
  type ImageUpdateAutomation,
  type ImageUpdateAutomationSpec,
  type ImageUpdateAutomationStatus,
} from './schema/image.js';
export {
  type Alert,
  type AlertSpec,
  EVENT_SOURCE_KINDS,
  type EventSource,
  PROVIDER_TYPES,
  type Provider,
  type ProviderSpec,
  type ProviderType,
} from './schema/notification.js';
export {
  RECEIVER_RESOURCE_KINDS,
  RECEIVER_TYPES,
  type Receiver,
  type ReceiverResource,
  type ReceiverSpec,
  type ReceiverStatus,
  type ReceiverType,
} from './schema/receiver.js';
export {
  type HealthCheck,
  type HelmSpec,
  type KustomizePostRenderer,
  type PostBuild,
  type SourceReference,
  SYNC_SOURCE_KINDS,
  type Sync,
  type SyncSpec,
  type SyncStatus,
  type ValuesReference,
} from './schema/sync.js';
export {
  type ValidationResult,
  validateAlert,
  validateGitRepository,
  validateHelmRepository,
  validateProvider,
  validateReceiver,
  validateSync,
} from './validate.js';
export {
  validateImagePolicy,
  validateImageRepository,
  validateImageUpdateAutomation,
} from './validate-image.js';
