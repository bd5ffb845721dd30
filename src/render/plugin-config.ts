/**
 * Checks for kustomize plugin configs (generators, transformers, validators entries). Only kustomize's builtin
 * plugins (`apiVersion: builtin`) run in-process; anything else executes code from the repository or from a
 * container image. Pure.
 */
import type { AddPath } from './kustomization-refs.js';
import { generatorPaths, isInline, isRecord, isRemote, list } from './kustomization-refs.js';

/** Annotations that turn a plugin config into an exec or container (KRM function) plugin. */
const FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];

/** Why a plugin config must be refused, or undefined when it may run. */
export function pluginRefusal(config: unknown, allowHelmCharts: boolean): string | undefined {
  if (!isRecord(config)) return undefined;
  const kind = typeof config.kind === 'string' ? config.kind : '(no kind)';
  const metadata = isRecord(config.metadata) ? config.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  if (FUNCTION_ANNOTATIONS.some((a) => annotations[a] !== undefined)) {
    return `configures an exec or KRM function plugin (${kind}), which is not allowed`;
  }
  if (config.apiVersion !== 'builtin') {
    return `uses the external plugin ${String(config.apiVersion)}/${kind}; only builtin plugins are allowed`;
  }
  if (kind === 'HelmChartInflationGenerator' && !allowHelmCharts) {
    return 'uses HelmChartInflationGenerator, which is not allowed: Helm chart inflation in kustomize is disabled for this agent';
  }
  return undefined;
}

/** The paths a builtin plugin config reads. */
export interface PluginPaths {
  /** `yaml` is false for generator sources, which kustomize reads as data. */
  refs: { field: string; entry: string; yaml: boolean }[];
  /** Entries kustomize would fetch over the network. */
  remote: { field: string; entry: string }[];
}

/**
 * The files a builtin plugin config reads. They are the generators and patches a kustomization can declare,
 * just as able to read `/etc/passwd` into a Secret, so they get the same checks.
 */
export function builtinPluginPaths(config: unknown): PluginPaths {
  const out: PluginPaths = { refs: [], remote: [] };
  if (!isRecord(config) || config.apiVersion !== 'builtin') return out;
  const kind = String(config.kind);
  const adder =
    (yaml: boolean): AddPath =>
    (field, entry) => {
      if (typeof entry !== 'string' || entry === '') return;
      if (isRemote(entry)) out.remote.push({ field, entry });
      else out.refs.push({ field, entry, yaml });
    };
  const add = adder(true);
  if (kind === 'ConfigMapGenerator' || kind === 'SecretGenerator') generatorPaths(config, kind, adder(false));
  if (kind === 'PatchTransformer' || kind === 'PatchJson6902Transformer') add(`${kind}.path`, config.path);
  if (kind === 'PatchStrategicMergeTransformer') {
    for (const p of list(config.paths)) if (typeof p === 'string' && !isInline(p)) add(`${kind}.paths`, p);
  }
  if (kind === 'ReplacementTransformer') {
    for (const r of list(config.replacements)) if (isRecord(r)) add(`${kind}.replacements.path`, r.path);
  }
  if (kind === 'HelmChartInflationGenerator') {
    add(`${kind}.valuesFile`, config.valuesFile);
    add(`${kind}.chartHome`, config.chartHome);
    for (const f of list(config.additionalValuesFiles)) add(`${kind}.additionalValuesFiles`, f);
  }
  return out;
}
