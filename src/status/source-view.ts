/** GitRepositories and HelmRepositories as the status API shows them: where they point, never how they authenticate. */
import { str } from '../health/fields.js';
import { objectKey } from './history.js';
import type { SourceView } from './model.js';
import { type KubeObject, lastReconcileView, nameOf, optionalString, readyView, suspended } from './read.js';
import { safeUrl } from './redact.js';
import type { HistoryView } from './sync-view.js';

/** Flux's precedence: commit, then name, then semver, then tag, then branch. */
const REF_FIELDS = ['commit', 'name', 'semver', 'tag', 'branch'] as const;

function refText(obj: KubeObject): string | null {
  for (const f of REF_FIELDS) {
    const v = str(obj, `spec.ref.${f}`, '');
    if (v !== '') return `${f} ${v}`;
  }
  return null;
}

/** What GitRepositories and HelmRepositories show alike; `ref` and `type` are each kind's own. */
function view(
  kind: SourceView['kind'],
  obj: KubeObject,
  history: Pick<HistoryView, 'lastOf'>,
  own: Pick<SourceView, 'ref' | 'type'>,
): SourceView {
  const { namespace, name } = nameOf(obj);
  return {
    kind,
    namespace,
    name,
    url: safeUrl(str(obj, 'spec.url', '')),
    ref: own.ref,
    type: own.type,
    revision: optionalString(obj, 'status.artifact.revision'),
    ready: readyView(obj),
    suspended: suspended(obj),
    lastFetch: lastReconcileView(history.lastOf(objectKey(kind, namespace, name))),
    artifactUpdatedAt: optionalString(obj, 'status.artifact.lastUpdateTime'),
    interval: optionalString(obj, 'spec.interval'),
  };
}

export function sourceView(obj: KubeObject, history: Pick<HistoryView, 'lastOf'>): SourceView {
  return view('GitRepository', obj, history, { ref: refText(obj), type: null });
}

/** An OCI HelmRepository has no index, so no revision: Steward only checks that the registry answers. */
export function helmRepositoryView(obj: KubeObject, history: Pick<HistoryView, 'lastOf'>): SourceView {
  return view('HelmRepository', obj, history, { ref: null, type: str(obj, 'spec.type', 'default') });
}
