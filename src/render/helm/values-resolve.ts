/**
 * The user values of a helm Sync, in Flux HelmRelease order: spec.helm.valuesFiles (read from inside the
 * source root), then valuesFrom ConfigMaps and Secrets in order, then the inline values; later layers win
 * (mergeValues). The chart's own values.yaml is not among them: helm reads it, and coalesces the user values
 * over it. Errors name the file or the object and key, never their content: a Secret's values must not reach
 * a status condition.
 */
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { HelmSpec, ValuesReference } from '../../api/index.js';
import { Reasons, ReconcileError } from '../../core/types.js';
import type { KubeClient } from '../../kube/index.js';
import { KubeError } from '../../kube/index.js';
import { buildFailed } from '../../plan/errors.js';
import { decodeUtf8 } from '../../plan/text.js';
import type { EntryCheck } from '../paths.js';
import { realRoot, resolveEntry, UNRESOLVABLE } from '../paths.js';
import { readTextFile } from '../read-text.js';
import type { Values } from './values-merge.js';
import { isValuesMap, mergeValues } from './values-merge.js';
import { setValuePath, typedSetValue, ValuePathError } from './values-path.js';
import { parseValuesText } from './values-yaml.js';

/** Values and the strings among them that came from Secrets, for masking in helm's messages. */
export interface ResolvedValues {
  values: Values;
  secrets: string[];
}

export interface ResolveValuesOptions {
  /** Largest values file read from the source; 8 MiB when left out. */
  maxFileBytes?: number;
}

const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
const DEFAULT_VALUES_KEY = 'values.yaml';

const FILE_REFUSED: Readonly<Record<string, string>> = {
  absolute: 'is an absolute path; use a path relative to the source root',
  outside: 'resolves outside the source root',
  'symlink-outside': 'goes through a symlink that points outside the source root',
  missing: 'does not exist',
  ...UNRESOLVABLE,
};

/** Reads one valuesFiles entry, confined to the source root. */
async function readValuesFile(check: EntryCheck, entry: string, maxBytes: number): Promise<Values> {
  const where = `valuesFiles entry ${JSON.stringify(entry)}`;
  if (!check.ok) throw buildFailed(`${where} ${FILE_REFUSED[check.reason]}`, entry);
  if (check.isDir) throw buildFailed(`${where} is a directory`, entry);
  if (check.size > maxBytes) {
    throw buildFailed(`${where}: file is ${check.size} bytes, more than the ${maxBytes} allowed`, entry);
  }
  const parsed = parseValuesText(await readTextFile(check.abs, entry));
  if (!parsed.ok) {
    const line = parsed.problem.line === undefined ? '' : `:${parsed.problem.line}`;
    throw buildFailed(`${entry}${line}: values file ${parsed.problem.message}`, entry);
  }
  return parsed.values;
}

type RefData = { found: false; what: 'object' | 'key' } | { found: true; text: string };

/** Reads the key of a ConfigMap (data or binaryData) or Secret (data, base64) as UTF-8 text. */
async function readRef(
  client: KubeClient,
  namespace: string,
  ref: ValuesReference,
  key: string,
): Promise<RefData> {
  const subject = `${ref.kind}/${namespace}/${ref.name}`;
  let obj: Record<string, unknown> | undefined;
  try {
    obj = await client.get({ group: '', version: 'v1', kind: ref.kind, namespace, name: ref.name });
  } catch (cause) {
    if (!(cause instanceof KubeError)) throw cause;
    const message = `valuesFrom ${ref.kind} '${namespace}/${ref.name}' could not be read: ${cause.message}`;
    throw new ReconcileError(Reasons.BuildFailed, 'transient', message, subject, { cause });
  }
  if (!obj) return { found: false, what: 'object' };
  const field = (name: 'data' | 'binaryData') => {
    const map = obj[name];
    return isValuesMap(map) && Object.hasOwn(map, key) ? map[key] : undefined;
  };
  const data = field('data');
  let bytes: Uint8Array | undefined;
  if (ref.kind === 'Secret') {
    if (typeof data === 'string') bytes = Buffer.from(data, 'base64');
  } else {
    if (typeof data === 'string') return { found: true, text: data };
    const binary = field('binaryData');
    if (typeof binary === 'string') bytes = Buffer.from(binary, 'base64');
  }
  if (!bytes) return { found: false, what: 'key' };
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    throw new ReconcileError(
      Reasons.BuildFailed,
      'transient',
      `valuesFrom ${ref.kind} '${namespace}/${ref.name}' key '${key}' is not UTF-8 text`,
      subject,
    );
  }
  return { found: true, text: decoded.text };
}

/**
 * The value a `targetPath` sets: the key's text without one final line break (a ConfigMap made from a file
 * has one), typed as `helm --set` types it unless the whole text is quoted, which makes it a string.
 */
export function targetPathValue(text: string): unknown {
  const value = text.replace(/\r?\n$/, '');
  const quoted = /^(["'])[\s\S]*\1$/.exec(value);
  if (quoted && value.length >= 2) return value.slice(1, -1);
  return typedSetValue(value);
}

/** The strings of a values tree, for masking. */
function stringsOf(v: unknown, out: string[]): void {
  const stack = [v];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (typeof top === 'string') out.push(top);
    else if (typeof top === 'number') out.push(String(top));
    else if (Array.isArray(top)) stack.push(...top);
    else if (isValuesMap(top)) stack.push(...Object.values(top));
  }
}

/**
 * Resolves the user values of `helm` for a Sync in `namespace`, reading ConfigMaps and Secrets through
 * `client` (the Sync's own identity: a tenant can only use what it may read). `root` is the directory
 * valuesFiles are relative to: the chart for a repository chart, the artifact for a Git chart. Throws
 * ReconcileError: BuildFailed, transient for what is read from the cluster (it can change without the Sync).
 */
export async function resolveHelmValues(
  client: KubeClient,
  namespace: string,
  helm: HelmSpec,
  chartDir: string,
  root: string,
  opts: ResolveValuesOptions = {},
): Promise<ResolvedValues> {
  const rootReal = await realRoot(root);
  const secrets: string[] = [];
  let values: Values = {};
  const chartValues = await realpath(join(chartDir, 'values.yaml')).catch(() => undefined);
  for (const entry of helm.valuesFiles ?? []) {
    const check = await resolveEntry(rootReal, rootReal, entry);
    // helm reads the chart's values.yaml itself; passing it again as a user file would change nothing.
    if (check.ok && check.abs === chartValues) continue;
    const layer = await readValuesFile(check, entry, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    values = mergeValues([values, layer]);
  }
  for (const [i, ref] of (helm.valuesFrom ?? []).entries()) {
    const key = ref.valuesKey ?? DEFAULT_VALUES_KEY;
    const name = `valuesFrom ${ref.kind} '${namespace}/${ref.name}'`;
    const subject = `${ref.kind}/${namespace}/${ref.name}`;
    const read = await readRef(client, namespace, ref, key);
    if (!read.found) {
      if (ref.optional) continue;
      const message = read.what === 'object' ? `${name} not found` : `${name} has no key '${key}'`;
      throw new ReconcileError(Reasons.BuildFailed, 'transient', message, subject);
    }
    if (ref.targetPath !== undefined) {
      const value = targetPathValue(read.text);
      if (ref.kind === 'Secret') stringsOf(value, secrets);
      try {
        setValuePath(values, ref.targetPath, value);
      } catch (e) {
        if (!(e instanceof ValuePathError)) throw e;
        throw buildFailed(`spec.helm.valuesFrom[${i}].targetPath: ${e.message}`, subject);
      }
      continue;
    }
    const parsed = parseValuesText(read.text);
    if (!parsed.ok) {
      const line = parsed.problem.line === undefined ? '' : ` line ${parsed.problem.line}:`;
      const message = `${name} key '${key}':${line} values ${parsed.problem.message}`;
      throw new ReconcileError(Reasons.BuildFailed, 'transient', message, subject);
    }
    if (ref.kind === 'Secret') stringsOf(parsed.values, secrets);
    values = mergeValues([values, parsed.values]);
  }
  if (helm.values) values = mergeValues([values, helm.values]);
  return { values, secrets };
}

/** {@link resolveHelmValues} without the Secret strings. */
export async function resolveValues(
  client: KubeClient,
  namespace: string,
  helm: HelmSpec,
  chartDir: string,
  root: string,
  opts: ResolveValuesOptions = {},
): Promise<Values> {
  return (await resolveHelmValues(client, namespace, helm, chartDir, root, opts)).values;
}
