/**
 * `steward build` and `steward diff` for a helm Sync: the agent's render and plan (renderRelease, then
 * parseRendered and planRelease, as buildHelmSync runs them) on a chart on the local disk. The caller passes
 * the client valuesFrom is read with: the cluster for `diff`, objects from a local file for `build`.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { Sync } from '../api/index.js';
import { parseDuration, validateSync } from '../api/index.js';
import type { Config } from '../config/index.js';
import type { Manifest, ObjectRef } from '../core/types.js';
import type { KubeClient, Obj } from '../kube/index.js';
import { buildFailed } from '../plan/errors.js';
import { ownerLabels } from '../render/index.js';
import { gitChart } from './helm-git-chart.js';
import { planRelease } from './helm-plan.js';
import { renderRelease } from './helm-render.js';
import { parseRendered } from './sync-build.js';
import type { HelmBuild } from './sync-helm.js';

/** What a local helm build needs. */
export interface LocalHelmInput {
  sync: Sync;
  /** The repository root a GitRepository checks out, for a chart that lives in Git. */
  dir?: string;
  /** A chart directory on disk, in place of the one the Sync's source names (needed for HelmRepository charts). */
  chartDir?: string;
  /** Reads valuesFrom ConfigMaps and Secrets, and answers discovery for the scope of custom kinds. */
  client: KubeClient;
  config: Config;
  pathEnv: string;
  /** postBuild substitution variables. */
  vars: Readonly<Record<string, string>>;
  tmpDir?: string;
}

/** Renders and plans a helm Sync's chart from the local disk. Throws ReconcileError naming the chart. */
export async function buildHelmLocal(input: LocalHelmInput): Promise<HelmBuild> {
  const { sync, config } = input;
  const helm = sync.spec.helm;
  if (!helm) throw new Error('buildHelmLocal called for a Sync without spec.helm');
  const r = config.render;
  const maxFileBytes = r.maxFileBytes;
  let chart: Awaited<ReturnType<typeof gitChart>>;
  if (input.chartDir) chart = await gitChart(input.chartDir, '.', undefined, maxFileBytes);
  else if (sync.spec.sourceRef.kind === 'GitRepository' && input.dir)
    chart = await gitChart(input.dir, helm.chart, undefined, maxFileBytes);
  else {
    throw buildFailed(
      sync.spec.sourceRef.kind === 'GitRepository'
        ? `spec.helm.chart ${JSON.stringify(helm.chart)} is a path in the repository: give the repository directory`
        : `chart ${JSON.stringify(helm.chart)} comes from HelmRepository ${sync.spec.sourceRef.name}: give a local copy of it with --chart <dir> (helm pull --untar)`,
    );
  }
  const { rendered, release } = await renderRelease({
    client: input.client,
    sync,
    chart,
    helm: { command: r.helmPath, pathEnv: input.pathEnv },
    kustomize: { command: r.kustomizePath, args: [...r.kustomizeArgs], pathEnv: input.pathEnv },
    kubeVersion: config.helm.kubeVersion,
    limits: {
      timeoutMs: parseDuration(r.timeout),
      maxOutputBytes: r.maxOutputBytes,
      maxFileBytes,
      maxChartExpandedBytes: config.helm.maxChartExpandedBytes,
    },
    ...(input.tmpDir ? { tmpDir: input.tmpDir } : {}),
  });
  const limits = { maxObjects: r.maxObjects, maxAliases: 100, maxDepth: 64 };
  const { manifests, namespacedKinds } = await parseRendered(input.client, rendered, input.vars, limits);
  const plan = planRelease(manifests, {
    namespace: release.namespace,
    ...(sync.spec.targetNamespace ? { targetNamespace: sync.spec.targetNamespace } : {}),
    ownerLabels: ownerLabels({ name: sync.metadata.name, namespace: sync.metadata.namespace }),
    namespacedKinds,
  });
  return { plan, release };
}

/**
 * Reads a Sync manifest from a file, defaults applied as the API server would; a file may hold other
 * documents too (the first Sync is used). A Sync without a namespace is in `default`, as kubectl would put it.
 */
export async function loadSyncFile(file: string): Promise<Sync> {
  const docs = parseAllDocuments(await readFile(file, 'utf8'));
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) throw buildFailed(`${file}: invalid YAML: ${doc.errors[0]?.message}`, file);
    const obj = doc.toJS() as { kind?: unknown; metadata?: Record<string, unknown> } | null;
    if (obj?.kind !== 'Sync') continue;
    const withNamespace = { ...obj, metadata: { namespace: 'default', ...obj.metadata } };
    const checked = validateSync(withNamespace);
    if (!checked.ok) {
      throw buildFailed(
        `${file}: invalid Sync: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        file,
      );
    }
    return checked.value;
  }
  throw buildFailed(`${file}: no Sync in the file`, file);
}

/**
 * A read-only KubeClient over objects from local files, for `steward build`: `get` finds ConfigMaps and Secrets
 * by kind, namespace and name; discovery knows nothing (the built-in kinds table and the plan's own CRDs decide
 * scope, as in any local build); everything else is refused.
 */
export function objectsClient(objects: readonly Manifest[]): KubeClient {
  const key = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;
  const byKey = new Map<string, Obj>();
  for (const o of objects)
    byKey.set(key(o.kind, o.metadata.namespace ?? 'default', o.metadata.name), stored(o));
  const refuse = async (): Promise<never> => {
    throw new Error('steward build does not talk to a cluster');
  };
  return {
    discover: async () => undefined,
    get: async (ref: ObjectRef) => byKey.get(key(ref.kind, ref.namespace, ref.name)),
    list: refuse,
    apply: refuse,
    patchStatus: refuse,
    replaceStatus: refuse,
    delete: refuse,
    watch: refuse,
    createEvent: refuse,
  };
}

/** A Secret's stringData as the API server stores it: base64 in data, over what data had. */
function stored(o: Manifest): Obj {
  if (o.kind !== 'Secret' || typeof o.stringData !== 'object' || o.stringData === null) return o;
  const { stringData, ...rest } = o;
  const data = { ...((rest.data ?? {}) as Record<string, string>) };
  for (const [k, v] of Object.entries(stringData as Record<string, unknown>))
    if (typeof v === 'string') data[k] = Buffer.from(v).toString('base64');
  return { ...rest, data };
}

/** The Kubernetes objects of YAML files (for {@link objectsClient}). */
export async function loadObjects(files: readonly string[]): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
      if (doc.errors.length > 0) throw buildFailed(`${file}: invalid YAML: ${doc.errors[0]?.message}`, file);
      const obj = doc.toJS() as Manifest | null;
      if (!obj) continue;
      if (typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string')
        throw buildFailed(`${file}: a document is not a Kubernetes object (kind and metadata.name)`, file);
      out.push(obj);
    }
  }
  return out;
}
