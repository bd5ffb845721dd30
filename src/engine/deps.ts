/**
 * `dependsOn` gating, as in Flux's kustomize-controller: a Sync waits until each dependency is Ready for its
 * current generation and, when the dependency is fed by the same source, has applied that source's revision.
 */

/** Flux's `--requeue-dependency` default: how soon a Sync waiting on a dependency checks again. */
export const DEFAULT_DEPENDENCY_REQUEUE_MS = 30_000;

export interface DependencyRef {
  name: string;
  /** Defaults to the dependent's namespace. */
  namespace?: string;
}

export interface Dependent {
  namespace: string;
  dependsOn?: readonly DependencyRef[];
}

/** What the caller knows of one dependency, from its status. */
export interface DependencyState {
  /** The dependency's Ready condition is True. */
  ready: boolean;
  generation: number;
  observedGeneration: number;
  lastAppliedRevision?: string;
  /**
   * The revision of the dependency's source artifact. Set it only when the dependency shares the dependent's
   * source: Flux compares revisions only then, since a dependency on another source cannot lag behind ours.
   */
  sourceRevision?: string;
}

export type DependencyLookup = (namespace: string, name: string) => DependencyState | undefined;

export interface DependencyCheck {
  ready: boolean;
  /** `namespace/name` of the first dependency not yet satisfied. */
  waitingFor?: string;
  /** Why it is not satisfied, worded for a condition message. */
  message?: string;
}

/**
 * Checks a dependent's `dependsOn` list in order and reports the first dependency that is missing, not Ready,
 * not yet observed at its latest generation, or behind its source. Pure: the lookup is the only input.
 */
export function dependsOnReady(dependent: Dependent, lookup: DependencyLookup): DependencyCheck {
  for (const dep of dependent.dependsOn ?? []) {
    const namespace = dep.namespace ?? dependent.namespace;
    const id = `${namespace}/${dep.name}`;
    const state = lookup(namespace, dep.name);
    if (!state) return { ready: false, waitingFor: id, message: `dependency '${id}' not found` };
    // A Ready condition from an older generation describes a spec that no longer exists.
    if (state.observedGeneration !== state.generation || !state.ready) {
      return { ready: false, waitingFor: id, message: `dependency '${id}' is not ready` };
    }
    if (state.sourceRevision !== undefined && state.lastAppliedRevision !== state.sourceRevision) {
      return { ready: false, waitingFor: id, message: `dependency '${id}' revision is not up to date` };
    }
  }
  return { ready: true };
}
