/**
 * Walks every kustomization reachable from a directory before kustomize runs, and refuses what a tenant's
 * repository must not do: remote bases, paths out of the source root (directly, absolutely or through a
 * symlink), Helm inflation unless allowed, and exec or KRM function plugins. Every YAML file kustomize will
 * read (kustomizations, resources, patches, plugin configs) is parsed here first with the agent's limits:
 * kustomize expands YAML aliases without any, and a 700-byte alias bomb in a resource takes it past 8 GB.
 */
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { streamDocuments, unresolvedAlias } from '../plan/documents.js';
import { buildFailed } from '../plan/errors.js';
import { isRecord, kustomizationRefs } from './kustomization-refs.js';
import type { EntryCheck } from './paths.js';
import { displayPath, resolveEntry, UNRESOLVABLE } from './paths.js';
import { builtinPluginPaths, pluginRefusal } from './plugin-config.js';
import { readTextFile } from './read-text.js';

/** The file names kustomize recognises, in its order of preference. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/**
 * Alias expansions allowed per document of a file kustomize reads, as the parser allows in a plain directory
 * (the `yaml` package's maxAliasCount).
 */
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
  ...UNRESOLVABLE,
};

/** What a kustomization file name that exists but cannot be used says, after the file. */
const KUSTOMIZATION_REFUSED: Record<Exclude<Refused, 'missing'>, string> = {
  absolute: 'symlink points outside the source root',
  outside: 'symlink points outside the source root',
  'symlink-outside': 'symlink points outside the source root',
  loop: 'symlink is a loop (too many levels of symbolic links)',
  unreadable: 'symlink cannot be resolved',
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
      throw buildFailed(`${shown}: ${KUSTOMIZATION_REFUSED[check.reason]}`, shown);
    }
  }
  return undefined;
}

function tooManyAliases(where: string) {
  return buildFailed(
    `${where}: too many YAML aliases (limit ${MAX_ALIASES} per document); refusing it as a resource exhaustion attack`,
    where,
  );
}

/** Parses the YAML documents of a kustomization or plugin config, refusing alias bombs and syntax errors. */
function parseSmall(text: string, where: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    const err = doc.errors[0];
    if (err) throw buildFailed(`${where}: invalid YAML: ${err.message.split('\n')[0] ?? ''}`, where);
    try {
      return doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      const unknown = e instanceof ReferenceError ? unresolvedAlias(doc) : undefined;
      if (unknown) throw buildFailed(`${where}: invalid YAML: unknown alias *${unknown.name}`, where);
      throw tooManyAliases(where);
    }
  });
}

/**
 * Parses every document of a file kustomize will read, only to refuse what would exhaust kustomize: alias
 * bombs and nesting too deep to parse. Other YAML errors are left to kustomize, which reports them itself:
 * refusing what the `yaml` package merely dislikes could turn away a file kustomize reads fine.
 */
function vetYaml(text: string, where: string): void {
  for (const doc of streamDocuments(text)) {
    if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) {
      throw buildFailed(`${where}: a document is nested too deeply to parse`, where);
    }
    try {
      doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      if (e instanceof ReferenceError && !unresolvedAlias(doc)) throw tooManyAliases(where);
      if (e instanceof RangeError)
        throw buildFailed(`${where}: a document is nested too deeply to parse`, where);
    }
  }
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
  const vetted = new Set<string>();
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
  /** Size, encoding and YAML limits of a file kustomize reads, once per file however often it is listed. */
  const vetFile = async (check: { abs: string; size: number }, yaml: boolean) => {
    const subject = show(check.abs);
    checkSize(check, subject);
    if (!yaml || vetted.has(check.abs)) return;
    vetted.add(check.abs);
    vetYaml(await readTextFile(check.abs, subject), subject);
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
  const checkPluginPath = async (
    bases: string[],
    ref: { field: string; entry: string; yaml: boolean },
    where: string,
  ) => {
    const { field, entry } = ref;
    for (const base of bases) {
      const check = await resolveEntry(rootReal, base, entry);
      if (check.ok) {
        if (!check.isDir) await vetFile(check, ref.yaml);
      } else if (check.reason !== 'missing') {
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
      for (const ref of paths.refs) await checkPluginPath(bases, ref, where);
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
    const parsed = parseSmall(await readTextFile(kfile.abs, where), where)[0];
    // An empty kustomization is kustomize's business; any other non-mapping would fail there without naming
    // the file ("json: cannot unmarshal array into Go value of type types.Kustomization").
    if (parsed === undefined || parsed === null) continue;
    if (!isRecord(parsed)) {
      const got = Array.isArray(parsed) ? 'a sequence' : `a ${typeof parsed}`;
      throw buildFailed(`${where}: must be a mapping of kustomization fields, got ${got}`, where);
    }
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
      if (pluginBase) {
        checkSize(check, show(check.abs));
        const text = await readTextFile(check.abs, show(check.abs));
        await checkPlugins(text, show(check.abs), pluginField, [pluginBase, dirname(check.abs)]);
      } else {
        await vetFile(check, ref.type !== 'data');
      }
    }
  }
  return result;
}
