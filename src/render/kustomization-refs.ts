/**
 * What a kustomization file makes kustomize read: every field that names a file, a directory or a plugin.
 * Kustomize runs with no load restrictor (so overlays can use `../base`, as in Flux), which makes this list the
 * only thing standing between a tenant's kustomization and the agent's file system. Pure.
 */

/** One path (or inline plugin) a kustomization refers to, with the field it came from for messages. */
export type KustomizationRef =
  /** A file or a directory holding another kustomization. */
  | { type: 'resource'; field: string; entry: string }
  /** A file kustomize parses as YAML (or JSON): patches, CRDs, configurations, Helm values. */
  | { type: 'file'; field: string; entry: string }
  /** A file kustomize reads as data, not YAML: the sources of a configMapGenerator or secretGenerator. */
  | { type: 'data'; field: string; entry: string }
  | { type: 'dir'; field: string; entry: string }
  /** A generators/transformers/validators entry: a plugin config file, or a directory of them. */
  | { type: 'plugin'; field: string; entry: string }
  | { type: 'inline-plugin'; field: string; text: string };

/** What one kustomization file refers to, and what in it is refused outright. */
export interface KustomizationRefs {
  refs: KustomizationRef[];
  /** Reasons to refuse the kustomization outright, without looking at the file system. */
  refusals: string[];
  usesHelm: boolean;
}

const HELM_FIELDS = ['helmCharts', 'helmChartInflationGenerator', 'helmGlobals'] as const;
const PLUGIN_FIELDS = ['generators', 'transformers', 'validators'] as const;
const RESOURCE_FIELDS = ['resources', 'bases', 'components'] as const;

/**
 * Remote bases kustomize would fetch: URLs with a scheme, scp-style git (`git@host:`), go-getter forced
 * getters (`git::`, `s3::`, `gcs::`, `hg::`, any `word::`) and the host shorthands (`github.com/org/repo`).
 * Anything else that does not exist locally is refused later, since kustomize tries a missing local path as a
 * remote one.
 */
const REMOTE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/|[a-z][a-z0-9+.-]*::|git@|gh:|(?:github\.com|gitlab\.com|bitbucket\.org)[/:])|[?&](?:ref|version|timeout|submodules)=/i;

/** Whether kustomize would fetch `entry` over the network. */
export function isRemote(entry: string): boolean {
  return REMOTE.test(entry);
}

/** A patch or plugin entry written inline rather than naming a file: multi-line YAML, or a JSON object. */
export function isInline(entry: string): boolean {
  return entry.includes('\n') || entry.trimStart().startsWith('{') || /^\s*apiVersion\s*:/.test(entry);
}

/** A YAML mapping, as parsed. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A YAML sequence, or nothing: kustomize itself reports fields of the wrong type. */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Adds a path found in `field`; entries that are not non-empty strings are ignored (kustomize rejects them). */
export type AddPath = (field: string, entry: unknown) => void;

/** The files of a configMapGenerator or secretGenerator entry (or of the builtin generator plugins). */
export function generatorPaths(g: Record<string, unknown>, field: string, add: AddPath): void {
  for (const f of list(g.files)) {
    // `key=path` names the data key; the path follows the first '='.
    if (typeof f === 'string') add(`${field}.files`, f.includes('=') ? f.slice(f.indexOf('=') + 1) : f);
  }
  for (const f of list(g.envs)) add(`${field}.envs`, f);
  add(`${field}.env`, g.env);
}

/** Lists the references of a parsed kustomization, and refuses remote entries and (unless allowed) Helm. */
export function kustomizationRefs(k: Record<string, unknown>, allowHelmCharts: boolean): KustomizationRefs {
  const refs: KustomizationRef[] = [];
  const refusals: string[] = [];
  const path = (type: 'resource' | 'file' | 'data' | 'dir' | 'plugin', field: string, entry: unknown) => {
    if (typeof entry !== 'string' || entry === '') return;
    if (isRemote(entry)) {
      refusals.push(
        `remote ${field} entry ${JSON.stringify(entry)} is not allowed; vendor it into the repository`,
      );
    } else {
      refs.push({ type, field, entry });
    }
  };

  for (const field of RESOURCE_FIELDS) for (const e of list(k[field])) path('resource', field, e);
  for (const field of ['crds', 'configurations']) for (const e of list(k[field])) path('file', field, e);
  if (isRecord(k.openapi)) path('file', 'openapi.path', k.openapi.path);
  for (const field of ['patches', 'patchesJson6902', 'replacements']) {
    for (const p of list(k[field])) if (isRecord(p)) path('file', `${field}.path`, p.path);
  }
  for (const p of list(k.patchesStrategicMerge)) {
    // An entry is either a file name or an inline patch; only the former is read from disk.
    if (typeof p === 'string' && !isInline(p)) path('file', 'patchesStrategicMerge', p);
  }
  const data: AddPath = (field, entry) => path('data', field, entry);
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    for (const g of list(k[field])) if (isRecord(g)) generatorPaths(g, field, data);
  }
  for (const field of PLUGIN_FIELDS) {
    for (const e of list(k[field])) {
      if (typeof e === 'string' && isInline(e)) refs.push({ type: 'inline-plugin', field, text: e });
      else path('plugin', field, e);
    }
  }

  const usesHelm = HELM_FIELDS.some((f) => k[f] !== undefined && k[f] !== null);
  if (usesHelm && !allowHelmCharts) {
    const used = HELM_FIELDS.filter((f) => k[f] !== undefined && k[f] !== null).join(', ');
    refusals.push(`${used} is not allowed: Helm chart inflation in kustomize is disabled for this agent`);
  } else if (usesHelm) {
    for (const c of [...list(k.helmCharts), ...list(k.helmChartInflationGenerator)]) {
      if (!isRecord(c)) continue;
      path('file', 'helmCharts.valuesFile', c.valuesFile);
      for (const f of list(c.additionalValuesFiles)) path('file', 'helmCharts.additionalValuesFiles', f);
      path('dir', 'helmChartInflationGenerator.chartHome', c.chartHome);
    }
    if (isRecord(k.helmGlobals)) {
      path('dir', 'helmGlobals.chartHome', k.helmGlobals.chartHome);
      path('dir', 'helmGlobals.configHome', k.helmGlobals.configHome);
    }
  }
  return { refs, refusals, usesHelm };
}
