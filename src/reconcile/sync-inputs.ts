/** The inputs of one Sync reconcile: its source artifact, its dependencies, its substitution variables. */
import type { Sync } from '../api/index.js';
import { Reasons, ReconcileError } from '../core/types.js';
import type { DependencyState } from '../engine/deps.js';
import { dependsOnReady } from '../engine/deps.js';
import type { KubeClient } from '../kube/index.js';
import type { Artifact } from '../sources/git/index.js';
import type { ReconcileContext } from './context.js';
import { readData } from './secrets.js';

export function sourceNamespace(sync: Sync): string {
  return sync.spec.sourceRef.namespace ?? sync.metadata.namespace;
}

/** The artifact the Sync renders; a source that has never produced one is a transient wait, not a failure. */
export async function sourceArtifact(ctx: ReconcileContext, sync: Sync): Promise<Artifact> {
  const ns = sourceNamespace(sync);
  const name = sync.spec.sourceRef.name;
  if (ns !== sync.metadata.namespace && ctx.config.lockdown.noCrossNamespaceRefs) {
    throw new ReconcileError(
      Reasons.ValidationFailed,
      'terminal',
      `cross-namespace sourceRef to ${ns}/${name} is not allowed (lockdown.noCrossNamespaceRefs)`,
      `GitRepository/${ns}/${name}`,
    );
  }
  const artifact = ctx.artifacts.get(ns, name);
  if (artifact) return artifact;
  const src = await ctx.client.get({
    group: 'steward.dev',
    version: 'v1alpha1',
    kind: 'GitRepository',
    namespace: ns,
    name,
  });
  const why = src ? 'has no artifact yet' : 'not found';
  throw new ReconcileError(
    Reasons.SourceNotFound,
    'transient',
    `source 'GitRepository/${ns}/${name}' ${why}`,
    `GitRepository/${ns}/${name}`,
  );
}

/** Flux's dependsOn: each dependency must be Ready for its current generation (and revision, on the same source). */
export async function checkDependencies(
  ctx: ReconcileContext,
  sync: Sync,
  revision: string,
): Promise<string | undefined> {
  const deps = sync.spec.dependsOn ?? [];
  if (deps.length === 0) return undefined;
  const foreign = deps.find((d) => d.namespace && d.namespace !== sync.metadata.namespace);
  if (foreign && ctx.config.lockdown.noCrossNamespaceRefs) {
    throw new ReconcileError(
      Reasons.ValidationFailed,
      'terminal',
      `cross-namespace dependsOn ${foreign.namespace}/${foreign.name} is not allowed (lockdown.noCrossNamespaceRefs)`,
    );
  }
  const states = new Map<string, DependencyState>();
  for (const d of deps) {
    const ns = d.namespace ?? sync.metadata.namespace;
    const obj = await ctx.client.get({
      group: 'steward.dev',
      version: 'v1alpha1',
      kind: 'Sync',
      namespace: ns,
      name: d.name,
    });
    if (!obj) continue;
    const meta = (obj.metadata ?? {}) as { generation?: number };
    const status = (obj.status ?? {}) as {
      observedGeneration?: number;
      lastAppliedRevision?: string;
      conditions?: { type: string; status: string }[];
    };
    const spec = (obj.spec ?? {}) as { sourceRef?: { name?: string; namespace?: string } };
    const sameSource =
      spec.sourceRef?.name === sync.spec.sourceRef.name &&
      (spec.sourceRef?.namespace ?? ns) === sourceNamespace(sync);
    states.set(`${ns}/${d.name}`, {
      ready: status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      generation: meta.generation ?? 1,
      observedGeneration: status.observedGeneration ?? 0,
      ...(status.lastAppliedRevision ? { lastAppliedRevision: status.lastAppliedRevision } : {}),
      ...(sameSource ? { sourceRevision: revision } : {}),
    });
  }
  const check = dependsOnReady({ namespace: sync.metadata.namespace, dependsOn: deps }, (ns, name) =>
    states.get(`${ns}/${name}`),
  );
  return check.ready ? undefined : (check.message ?? 'dependencies not ready');
}

/** postBuild.substitute over postBuild.substituteFrom (later sources win, inline values last, as in Flux). */
export async function substitutionVars(
  _ctx: ReconcileContext,
  client: KubeClient,
  sync: Sync,
): Promise<Record<string, string>> {
  return readSubstitutionVars(client, sync);
}

/** {@link substitutionVars} with any client: the Sync's identity in the agent, the CLI's own elsewhere. */
export async function readSubstitutionVars(client: KubeClient, sync: Sync): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const ref of sync.spec.postBuild?.substituteFrom ?? []) {
    // Read as the Sync's identity: a tenant can only substitute from what it may read itself.
    const data = await readData(client, ref.kind, sync.metadata.namespace, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new ReconcileError(
        Reasons.BuildFailed,
        'transient',
        `substituteFrom ${ref.kind} '${sync.metadata.namespace}/${ref.name}' not found`,
        `${ref.kind}/${sync.metadata.namespace}/${ref.name}`,
      );
    }
    Object.assign(vars, data);
  }
  Object.assign(vars, sync.spec.postBuild?.substitute ?? {});
  return vars;
}
