/**
 * Validation of Steward's objects: the schema (with defaults applied first, as the API server does),
 * then the rules a schema cannot say, such as "http needs insecure" or "interval must be positive".
 * The same checks run on objects read from the cluster, from the config file's bootstrap list, and from
 * local builds, so a bad spec is reported the same way wherever it comes from.
 */
import { posix } from 'node:path';
import { validRange } from 'semver';
import { type Findings, joinPath, showValue } from './errors.js';
import { regexRisk } from './regex-risk.js';
import {
  type GitRepository,
  GitRepositorySchema,
  HTTP_NEEDS_INSECURE_RULE,
} from './schema/git-repository.js';
import {
  HELM_HTTP_NEEDS_INSECURE_RULE,
  type HelmRepository,
  HelmRepositorySchema,
} from './schema/helm-repository.js';
import { type Alert, AlertSchema, type Provider, ProviderSchema } from './schema/notification.js';
import { RECEIVER_RESOURCE_API_VERSION, type Receiver, ReceiverSchema } from './schema/receiver.js';
import { type Sync, SyncSchema } from './schema/sync.js';
import { at, isObj, SPEC_DURATION_MAX, type ValidationResult, validateAgainst } from './validate-core.js';

export { regexRisk } from './regex-risk.js';
export type { ValidationResult } from './validate-core.js';

function gitRepositoryRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  const url = at(spec, 'url');
  if (typeof url === 'string' && /^https?:\/\//.test(url)) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      f.add('spec.url', `must be a valid URL (got ${showValue(url)})`);
    }
    if (parsed && (parsed.username !== '' || parsed.password !== '')) {
      // The url shows in status, events and `kubectl get`; credentials belong in the Secret.
      f.add('spec.url', 'must not contain credentials; put them in the Secret named by secretRef');
    }
    if (url.startsWith('http://') && at(spec, 'insecure') !== true)
      f.add('spec.url', HTTP_NEEDS_INSECURE_RULE.message);
  }
  f.positiveDuration(at(spec, 'interval'), 'spec.interval', SPEC_DURATION_MAX);
  f.positiveDuration(at(spec, 'timeout'), 'spec.timeout', SPEC_DURATION_MAX);
}

/** Flux's rule for postBuild variable names, so a variable that works there works here. */
const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

function syncRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  for (const key of ['interval', 'retryInterval', 'timeout'])
    f.positiveDuration(at(spec, key), `spec.${key}`, SPEC_DURATION_MAX);

  const path = at(spec, 'path');
  if (typeof path === 'string') {
    // Absolute paths are read relative to the artifact root (as Flux does); only climbing out is refused.
    const normal = posix.normalize(path.startsWith('/') ? `.${path}` : path);
    if (normal === '..' || normal.startsWith('../')) {
      f.add('spec.path', `must stay inside the source artifact (got ${showValue(path)})`);
    }
  }

  const substitute = at(spec, 'postBuild', 'substitute');
  if (isObj(substitute)) {
    for (const key of Object.keys(substitute)) {
      if (!VARIABLE_NAME.test(key)) {
        f.add(
          joinPath('spec.postBuild.substitute', key),
          `variable names must match ${VARIABLE_NAME.source}`,
        );
      }
    }
  }

  helmRules(spec, f);

  const dependsOn = at(spec, 'dependsOn');
  const name = at(obj, 'metadata', 'name');
  const namespace = at(obj, 'metadata', 'namespace');
  if (Array.isArray(dependsOn)) {
    dependsOn.forEach((dep: unknown, i) => {
      const depNamespace = at(dep, 'namespace') ?? namespace;
      if (at(dep, 'name') === name && depNamespace === namespace) {
        f.add(`spec.dependsOn[${i}]`, 'a Sync cannot depend on itself');
      }
    });
  }
}

/**
 * Validates a GitRepository (from the cluster, a file or the config's bootstrap list). On success the
 * value is a fresh copy with schema defaults applied; on failure every error is listed.
 */
export function validateGitRepository(obj: unknown): ValidationResult<GitRepository> {
  return validateAgainst<GitRepository>(GitRepositorySchema, obj, gitRepositoryRules);
}

/** Validates a Sync; see {@link validateGitRepository}. */
export function validateSync(obj: unknown): ValidationResult<Sync> {
  return validateAgainst<Sync>(SyncSchema, obj, syncRules);
}

function providerRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  const address = at(spec, 'address');
  if (typeof address === 'string') {
    let parsed: URL | undefined;
    try {
      parsed = new URL(address);
    } catch {
      // Never echo the address: a webhook URL is a credential.
      f.add('spec.address', 'must be a valid URL');
    }
    if (parsed && (parsed.username !== '' || parsed.password !== ''))
      f.add('spec.address', 'must not contain credentials; put them in the Secret named by secretRef');
  }
  f.positiveDuration(at(spec, 'timeout'), 'spec.timeout', SPEC_DURATION_MAX);
}

function regexRules(spec: unknown, key: string, f: Findings): void {
  const list = at(spec, key);
  if (!Array.isArray(list)) return;
  list.forEach((expr: unknown, i) => {
    if (typeof expr !== 'string') return;
    try {
      new RegExp(expr);
    } catch (err) {
      f.add(`spec.${key}[${i}]`, `must be a valid regular expression: ${(err as Error).message}`);
      return;
    }
    const risk = regexRisk(expr);
    if (risk) f.add(`spec.${key}[${i}]`, risk);
  });
}

function alertRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  regexRules(spec, 'inclusionList', f);
  regexRules(spec, 'exclusionList', f);
  const sources = at(spec, 'eventSources');
  if (Array.isArray(sources)) {
    sources.forEach((src: unknown, i) => {
      if (at(src, 'matchLabels') !== undefined && at(src, 'name') !== '*')
        f.add(`spec.eventSources[${i}].matchLabels`, 'needs name "*"');
    });
  }
}

function receiverRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  f.positiveDuration(at(spec, 'interval'), 'spec.interval', SPEC_DURATION_MAX);
  const resources = at(spec, 'resources');
  if (Array.isArray(resources)) {
    resources.forEach((r: unknown, i) => {
      if (at(r, 'matchLabels') !== undefined && at(r, 'name') !== '*')
        f.add(`spec.resources[${i}].matchLabels`, 'needs name "*"');
      if (at(r, 'name') === '*' && at(r, 'matchLabels') === undefined)
        f.add(`spec.resources[${i}].name`, '"*" needs matchLabels');
      // Only Steward's own kinds can be triggered; a Flux apiVersion copied over would fail on every call.
      const apiVersion = at(r, 'apiVersion');
      if (apiVersion !== undefined && apiVersion !== RECEIVER_RESOURCE_API_VERSION)
        f.add(
          `spec.resources[${i}].apiVersion`,
          `must be "${RECEIVER_RESOURCE_API_VERSION}" (got ${showValue(apiVersion)})`,
        );
    });
  }
  // Only GitHub and GitLab calls carry an event type: a filter on the others would silently never apply.
  const type = at(spec, 'type');
  const events = at(spec, 'events');
  if (Array.isArray(events) && events.length > 0 && type !== 'github' && type !== 'gitlab')
    f.add('spec.events', `only github and gitlab Receivers filter by event (type is ${showValue(type)})`);
}

/** Validates a Provider; see {@link validateGitRepository}. */
export function validateProvider(obj: unknown): ValidationResult<Provider> {
  return validateAgainst<Provider>(ProviderSchema, obj, providerRules);
}

/** Validates an Alert; see {@link validateGitRepository}. */
export function validateAlert(obj: unknown): ValidationResult<Alert> {
  return validateAgainst<Alert>(AlertSchema, obj, alertRules);
}

/** Validates a Receiver; see {@link validateGitRepository}. */
export function validateReceiver(obj: unknown): ValidationResult<Receiver> {
  return validateAgainst<Receiver>(ReceiverSchema, obj, receiverRules);
}

/** Stays inside the artifact once normalised (absolute paths read from the artifact root). */
function insideArtifact(path: string): boolean {
  const normal = posix.normalize(path.startsWith('/') ? `.${path}` : path);
  return normal !== '..' && !normal.startsWith('../');
}

const CHART_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9_.]*$/;

function helmRules(spec: unknown, f: Findings): void {
  const kind = at(spec, 'sourceRef', 'kind');
  const helm = at(spec, 'helm');
  if (kind === 'HelmRepository' && helm === undefined)
    f.add('spec.helm', 'is required with a HelmRepository source');
  if (!isObj(helm)) return;
  const chart = at(helm, 'chart');
  if (typeof chart === 'string') {
    if (kind === 'HelmRepository' && !CHART_NAME.test(chart))
      f.add('spec.helm.chart', `must be a chart name with a HelmRepository source (got ${showValue(chart)})`);
    if (kind === 'GitRepository' && !insideArtifact(chart))
      f.add('spec.helm.chart', `must stay inside the source artifact (got ${showValue(chart)})`);
  }
  const version = at(helm, 'version');
  if (typeof version === 'string') {
    if (kind === 'GitRepository')
      f.add(
        'spec.helm.version',
        'applies to HelmRepository sources only; a Git chart is the version in the commit',
      );
    else if (validRange(version) === null)
      f.add('spec.helm.version', `must be a SemVer version or range (got ${showValue(version)})`);
  }
  const files = at(helm, 'valuesFiles');
  if (Array.isArray(files)) {
    files.forEach((file: unknown, i) => {
      if (typeof file === 'string' && !insideArtifact(file))
        f.add(`spec.helm.valuesFiles[${i}]`, `must stay inside the chart or source (got ${showValue(file)})`);
    });
  }
}

function helmRepositoryRules(obj: unknown, f: Findings): void {
  const spec = at(obj, 'spec');
  const url = at(spec, 'url');
  if (typeof url === 'string' && /^(https?|oci):\/\//.test(url)) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      f.add('spec.url', `must be a valid URL (got ${showValue(url)})`);
    }
    if (parsed && (parsed.username !== '' || parsed.password !== ''))
      f.add('spec.url', 'must not contain credentials; put them in the Secret named by secretRef');
    if (url.startsWith('http://') && at(spec, 'insecure') !== true)
      f.add('spec.url', HELM_HTTP_NEEDS_INSECURE_RULE.message);
    const type = at(spec, 'type');
    if (url.startsWith('oci://') && type !== 'oci') f.add('spec.type', 'must be "oci" for an oci:// url');
    if (!url.startsWith('oci://') && type === 'oci')
      f.add('spec.url', 'must be an oci:// url with type: oci');
  }
  f.positiveDuration(at(spec, 'interval'), 'spec.interval', SPEC_DURATION_MAX);
  f.positiveDuration(at(spec, 'timeout'), 'spec.timeout', SPEC_DURATION_MAX);
}

/** Validates a HelmRepository; see {@link validateGitRepository}. */
export function validateHelmRepository(obj: unknown): ValidationResult<HelmRepository> {
  return validateAgainst<HelmRepository>(HelmRepositorySchema, obj, helmRepositoryRules);
}
