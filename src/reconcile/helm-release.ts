/**
 * What identifies a Helm release for Steward: the digest over everything that changes what the chart renders
 * for reasons Helm would call an upgrade (a new chart, new values, another release name, namespace or kube
 * version). Hooks run when it changes, not on every resync. Pure.
 */
import { createHash } from 'node:crypto';

/** The inputs of {@link releaseDigest}. */
export interface ReleaseInputs {
  /** `sha256:<hex>` of the chart: the archive for repository charts, the files for Git charts. */
  chartDigest: string;
  /** The merged values (chart defaults excluded: they are part of the chart). */
  values: Readonly<Record<string, unknown>>;
  releaseName: string;
  namespace: string;
  kubeVersion: string;
}

/**
 * `sha256:<hex>` over the inputs, with the values in a canonical JSON (keys sorted at every level), so the
 * order in which values files and references were merged does not change it when the result is the same.
 */
export function releaseDigest(inputs: ReleaseInputs): string {
  const canonical = canonicalJson({
    chart: inputs.chartDigest,
    kubeVersion: inputs.kubeVersion,
    namespace: inputs.namespace,
    releaseName: inputs.releaseName,
    values: inputs.values,
  });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** JSON with object keys sorted at every level; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `chart version`, the way messages name a chart ("webapp 1.2.0"). */
export function chartLabel(chart: { name: string; version: string }): string {
  return `${chart.name} ${chart.version}`;
}
