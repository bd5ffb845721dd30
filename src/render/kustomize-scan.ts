/**
 * Walks every kustomization reachable from a directory before kustomize runs, and refuses what a tenant's
 * repository must not do: remote bases, paths out of the source root (directly, absolutely or through a
 * symlink), Helm inflation unless allowed, and exec or KRM function plugins.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildFailed } from '../plan/errors.js';
import { isRecord, kustomizationRefs } from './kustomization-refs.js';
import type { EntryCheck } from './paths.js';
import { displayPath, resolveEntry } from './paths.js';
import { builtinPluginPaths, pluginRefusal } from './plugin-config.js';

/** The file names kustomize recognises, in its order of preference. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** Alias expansions allowed in a kustomization or plugin config; they are small files. */
const MAX_ALIASES = 100;

/** What the agent allows a kustomization to do. */
export interface ScanOptions {
  allowHelmCharts: boolean;
  maxFileBytes: number;
}

/** What the scan found, for running kustomize with the right flags. */
export interface ScanResult {
  /** Kustomization files visited, relative to the root. */
  kustomizations: string[];
  usesHelm: boolean;
}

type Refused = Exclude<EntryCheck, { ok: true }>['reason'];

const REASONS: Record<Refused, string> = {
  absolute: 'is an absolute path; use a path relative to the kustomization',
  outside: 'resolves outside the source root',
  'symlink-outside': 'goes through a symlink that points outside the source root',
  missing: 'does not exist in the source (kustomize would try to fetch it as a remote base)',
};

/** The kustomization file in `dir`, checked like any other entry, or undefined when there is none. */
export async function findKustomization(
  rootReal: string,
  dir: string,
): Promise<Extract<EntryCheck, { ok: true }> | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const check = await resolveEntry(rootReal, dir, name);
    if (check.ok && !check.isDir) return check;
    if (!check.ok && check.reason !== 'missing') {
      const shown = displayPath(rootReal, join(dir, name));
      throw buildFailed(`${shown}: symlink points outside the source root`, shown);
    }
  }
  return undefined;
}

/** Parses the YAML documents of a kustomization or plugin config, refusing alias bombs and syntax errors. */
function parseSmall(text: string, where: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    const err = doc.errors[0];
    if (err) throw buildFailed(`${where}: invalid YAML: ${err.message.split('\n')[0] ?? ''}`, where);
    try {
      return doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch {
      throw buildFailed(`${where}: too many YAML aliases`, where);
    }
  });
}

interface Pending {
  dir: string;
  /** Set for directories listed under generators/transformers/validators: their resources are plugin configs. */
  pluginBase?: string;
  /** The generators/transformers/validators field that listed it, for messages. */
  pluginField?: string;
}

/** Scans the kustomization in `dir` (real path) and everything it reaches; throws on the first refusal. */
export async function scanKustomization(
  rootReal: string,
  dir: string,
  opts: ScanOptions,
): Promise<ScanResult> {
  const result: ScanResult = { kustomizations: [], usesHelm: false };
  const visited = new Set<string>();
  const queue: Pending[] = [{ dir }];
  const show = (abs: string) => displayPath(rootReal, abs);
  // Kustomize reads whole files into memory; the output cap alone would not stop a huge input.
  const checkSize = (check: { size: number }, subject: string) => {
    if (check.size > opts.maxFileBytes) {
      throw buildFailed(
        `${subject}: file is ${check.size} bytes, more than the ${opts.maxFileBytes} allowed`,
        subject,
      );
    }
  };
  const resolveOrRefuse = async (base: string, field: string, entry: string, where: string) => {
    const check = await resolveEntry(rootReal, base, entry);
    if (!check.ok)
      throw buildFailed(`${where}: ${field} entry ${JSON.stringify(entry)} ${REASONS[check.reason]}`, where);
    return check;
  };
  /**
   * Plugin configs may name files too. They are checked from the kustomization that uses the plugin and from
   * the config's own directory; a path missing from both only makes kustomize fail, so it is left to it.
   */
  const checkPluginPath = async (bases: string[], field: string, entry: string, where: string) => {
    for (const base of bases) {
      const check = await resolveEntry(rootReal, base, entry);
      if (check.ok) checkSize(check, show(check.abs));
      else if (check.reason !== 'missing') {
        throw buildFailed(
          `${where}: ${field} entry ${JSON.stringify(entry)} ${REASONS[check.reason]}`,
          where,
        );
      }
    }
  };
  const checkPlugins = async (text: string, where: string, field: string, bases: string[]) => {
    for (const config of parseSmall(text, where)) {
      const refusal = pluginRefusal(config, opts.allowHelmCharts);
      if (refusal) throw buildFailed(`${where}: ${field} ${refusal}`, where);
      const paths = builtinPluginPaths(config);
      const remote = paths.remote[0];
      if (remote) {
        throw buildFailed(
          `${where}: remote ${remote.field} entry ${JSON.stringify(remote.entry)} is not allowed`,
          where,
        );
      }
      for (const ref of paths.refs) await checkPluginPath(bases, ref.field, ref.entry, where);
      if (isRecord(config) && config.kind === 'HelmChartInflationGenerator') result.usesHelm = true;
    }
  };

  for (let item = queue.shift(); item; item = queue.shift()) {
    const key = `${item.dir}\0${item.pluginBase ?? ''}`;
    if (visited.has(key)) continue;
    visited.add(key);
    const kfile = await findKustomization(rootReal, item.dir);
    if (!kfile) continue;
    const where = show(kfile.abs);
    result.kustomizations.push(where);
    checkSize(kfile, where);
    const parsed = parseSmall(await readFile(kfile.abs, 'utf8'), where)[0];
    if (!isRecord(parsed)) continue;
    const { refs, refusals, usesHelm } = kustomizationRefs(parsed, opts.allowHelmCharts);
    result.usesHelm ||= usesHelm;
    if (refusals[0]) throw buildFailed(`${where}: ${refusals[0]}`, where);

    for (const ref of refs) {
      if (ref.type === 'inline-plugin') {
        await checkPlugins(ref.text, where, ref.field, [item.dir]);
        continue;
      }
      const check = await resolveOrRefuse(item.dir, ref.field, ref.entry, where);
      const pluginBase =
        ref.type === 'plugin' ? item.dir : ref.type === 'resource' ? item.pluginBase : undefined;
      const pluginField = ref.type === 'plugin' ? ref.field : (item.pluginField ?? ref.field);
      if (check.isDir) {
        if (ref.type === 'resource' || ref.type === 'plugin') {
          queue.push(pluginBase ? { dir: check.abs, pluginBase, pluginField } : { dir: check.abs });
        }
        continue;
      }
      if (ref.type === 'dir') continue;
      checkSize(check, show(check.abs));
      if (pluginBase) {
        const text = await readFile(check.abs, 'utf8');
        await checkPlugins(text, show(check.abs), pluginField, [pluginBase, dirname(check.abs)]);
      }
    }
  }
  return result;
}
