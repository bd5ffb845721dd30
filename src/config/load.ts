/**
 * Reads config/steward.yaml once at start. Every problem is reported at once, each naming the file and
 * the key, so a bad deploy fails with one readable message instead of one fix-and-retry per typo.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { STEWARD_KINDS } from '../api/crds.js';
import { applyDefaults } from '../api/defaults.js';
import { parseDuration } from '../api/duration.js';
import { type FieldError, Findings, joinPath, prefixPath, schemaErrors } from '../api/errors.js';
import {
  type ValidationResult,
  validateAlert,
  validateGitRepository,
  validateHelmRepository,
  validateProvider,
  validateReceiver,
  validateSync,
} from '../api/validate.js';
import {
  validateImagePolicy,
  validateImageRepository,
  validateImageUpdateAutomation,
} from '../api/validate-image.js';
import { API_GROUP } from '../core/constants.js';
import { checkSyncWindows } from '../windows/index.js';
import { type Config, ConfigSchema } from './schema.js';

/** Thrown by parseConfig and loadConfig; the message has one `file: key: problem` line per error. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ConfigInvalid';
  constructor(
    readonly file: string,
    readonly errors: readonly FieldError[],
    options?: ErrorOptions,
  ) {
    super(
      errors.map((e) => (e.path ? `${file}: ${e.path}: ${e.message}` : `${file}: ${e.message}`)).join('\n'),
      options,
    );
  }
}

/** Aliases can expand a small file into a huge one (billion laughs); real configs need few. */
const MAX_ALIAS_COUNT = 50;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Kubernetes' rule for field manager names (apimachinery ValidateFieldManager). */
function validFieldManager(name: string): boolean {
  return Buffer.byteLength(name) <= 128 && /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u.test(name);
}

/** The API group of an apiVersion: '' for the core group's plain `v1`. */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

type Validator = (obj: unknown) => ValidationResult<unknown>;
const VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['GitRepository', validateGitRepository],
  ['Sync', validateSync],
  ['Provider', validateProvider],
  ['Alert', validateAlert],
  ['Receiver', validateReceiver],
  ['HelmRepository', validateHelmRepository],
  ['ImageRepository', validateImageRepository],
  ['ImagePolicy', validateImagePolicy],
  ['ImageUpdateAutomation', validateImageUpdateAutomation],
]);

/** Kinds whose spec.interval the config's defaultInterval fills in. */
const INTERVAL_KINDS = new Set([
  'GitRepository',
  'Sync',
  'HelmRepository',
  'ImageRepository',
  'ImageUpdateAutomation',
]);

/**
 * Validates bootstrap objects of Steward's kinds in full, as the API server would, and swaps each for its
 * defaulted form. `config` is parseConfig's own copy, so replacing entries in place is safe.
 */
function checkBootstrap(config: Obj, f: Findings): void {
  const list = config.bootstrap;
  if (!Array.isArray(list)) return;
  const seen = new Map<string, number>();
  list.forEach((item: unknown, i) => {
    if (!isObj(item) || !isObj(item.metadata) || typeof item.apiVersion !== 'string') return;
    const base = `bootstrap[${i}]`;
    const group = groupOf(item.apiVersion);
    const key = [group, item.kind, item.metadata.namespace, item.metadata.name].join('/');
    const first = seen.get(key);
    if (first !== undefined) f.add(base, `duplicates bootstrap[${first}]`);
    seen.set(key, i);
    if (group !== API_GROUP) return;
    const validate = typeof item.kind === 'string' ? VALIDATORS.get(item.kind) : undefined;
    if (!validate) {
      f.add(joinPath(base, 'kind'), `must be one of ${STEWARD_KINDS.join(', ')} for ${API_GROUP}`);
      return;
    }
    const spec = isObj(item.spec) ? item.spec : undefined;
    const withInterval =
      spec && spec.interval === undefined && INTERVAL_KINDS.has(String(item.kind))
        ? { ...item, spec: { ...spec, interval: config.defaultInterval } }
        : item;
    const result = validate(withInterval);
    if (result.ok) list[i] = result.value;
    else for (const e of result.errors) f.add(prefixPath(base, e.path), e.message);
  });
}

function checkRules(config: Obj, f: Findings): void {
  const at = (path: string): unknown =>
    path.split('.').reduce<unknown>((node, k) => (isObj(node) ? node[k] : undefined), config);
  for (const path of [
    'defaultInterval',
    'defaultTimeout',
    'render.timeout',
    'leaderElection.leaseDuration',
    'leaderElection.renewDeadline',
    'leaderElection.retryPeriod',
  ]) {
    f.positiveDuration(at(path), path);
  }

  const metrics = at('ports.metrics');
  if (typeof metrics === 'number' && metrics !== 0 && metrics === at('ports.health')) {
    f.add('ports.health', `must differ from ports.metrics (both ${metrics})`);
  }
  const webhook = at('ports.webhook');
  for (const other of ['metrics', 'health'] as const) {
    if (typeof webhook === 'number' && webhook !== 0 && webhook === at(`ports.${other}`))
      f.add('ports.webhook', `must differ from ports.${other} (both ${webhook})`);
  }
  for (const path of ['notifications.dedupWindow', 'notifications.timeout', 'receivers.readTimeout'])
    f.positiveDuration(at(path), path);

  const manager = at('fieldManager');
  if (typeof manager === 'string') {
    if (!validFieldManager(manager)) {
      f.add(
        'fieldManager',
        `must be 1 to 128 bytes of printable characters (got ${JSON.stringify(manager)})`,
      );
    }
    const known = at('knownControllers');
    if (Array.isArray(known) && known.includes(manager)) {
      f.add(
        'fieldManager',
        'must not be one of knownControllers, or Steward would never touch its own fields',
      );
    }
  }

  // client-go refuses these orderings at start; saying so here names the key to fix.
  const ms = (path: string): number | undefined => {
    const v = at(path);
    if (typeof v !== 'string') return undefined;
    try {
      return parseDuration(v);
    } catch {
      return undefined;
    }
  };
  const lease = ms('leaderElection.leaseDuration');
  const renew = ms('leaderElection.renewDeadline');
  const retry = ms('leaderElection.retryPeriod');
  if (lease !== undefined && renew !== undefined && renew >= lease) {
    f.add('leaderElection.renewDeadline', 'must be shorter than leaderElection.leaseDuration');
  }
  if (renew !== undefined && retry !== undefined && retry * 1.2 >= renew) {
    f.add('leaderElection.retryPeriod', 'must be shorter than leaderElection.renewDeadline / 1.2');
  }
  checkSyncWindows(config.syncWindows, f);
  checkBootstrap(config, f);
}

/**
 * Parses and validates the text of a config file; `file` names it in errors. Returns the config with
 * every default filled in, deeply frozen. Throws ConfigError listing every problem.
 */
export function parseConfig(text: string, file: string): Config {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    // The first line of a yaml error already says where ("... at line 3, column 5:").
    const errors = doc.errors.map((e) => ({
      path: '',
      message: (e.message.split('\n')[0] ?? '').replace(/:$/, ''),
    }));
    throw new ConfigError(file, errors);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(file, [{ path: '', message }], { cause: err });
  }
  const value = applyDefaults(ConfigSchema, raw);
  const findings = new Findings(schemaErrors(ConfigSchema, value));
  if (isObj(value)) checkRules(value, findings);
  if (findings.errors.length > 0) throw new ConfigError(file, findings.errors);
  return deepFreeze(value as Config);
}

/** Reads and parses the config file at `path`; see {@link parseConfig}. */
export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = isObj(err) && typeof err.code === 'string' ? err.code : 'unknown error';
    throw new ConfigError(path, [{ path: '', message: `cannot read the file (${code})` }], { cause: err });
  }
  return parseConfig(text, path);
}
