/** One Steward object a command acts on: its kind as the server serves it, where it is, and reading it. */
import type { ObjectRef } from '../core/types.js';
import type { Obj } from '../kube/index.js';
import type { Cluster } from './cluster.js';
import { about } from './cluster.js';
import { CliError, ClusterExit } from './exit-codes.js';
import type { StewardKindInfo } from './kinds.js';
import { knownKindsHint, resolveKind } from './kinds.js';
import { subjectOf } from './object-view.js';

export interface Target {
  kind: StewardKindInfo;
  namespace: string;
  name: string;
  /** `Kind/namespace/name`, for messages. */
  subject: string;
}

/** The Steward kind `input` names, from discovery; a usage error listing the served kinds otherwise. */
export async function kindNamed(cluster: Cluster, input: string): Promise<StewardKindInfo> {
  const kinds = await about(cluster, 'discovery of Steward kinds', () => cluster.stewardKinds());
  const kind = resolveKind(kinds, input);
  if (!kind) {
    throw new CliError(
      ClusterExit.Usage,
      `the server has no Steward resource type "${input}" (${knownKindsHint(kinds)})`,
    );
  }
  return kind;
}

export function targetOf(kind: StewardKindInfo, namespace: string, name: string): Target {
  const ns = kind.namespaced ? namespace : '';
  return { kind, namespace: ns, name, subject: subjectOf(kind.kind, ns, name) };
}

export function refOf(t: Target): ObjectRef {
  return {
    group: t.kind.group,
    version: t.kind.version,
    kind: t.kind.kind,
    namespace: t.namespace,
    name: t.name,
  };
}

/** The live object; a not-found CliError (exit 2) when it does not exist. */
export async function readTarget(cluster: Cluster, t: Target): Promise<Obj> {
  const obj = await about(cluster, t.subject, () => cluster.client.get(refOf(t)));
  if (!obj) throw new CliError(ClusterExit.Usage, `${t.subject} not found`);
  return obj;
}
