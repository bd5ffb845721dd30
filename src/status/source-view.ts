/** One GitRepository as the status API shows it: where it points, never how it authenticates. */
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

export function sourceView(obj: KubeObject, history: Pick<HistoryView, 'lastOf'>): SourceView {
  const { namespace, name } = nameOf(obj);
  return {
    kind: 'GitRepository',
    namespace,
    name,
    url: safeUrl(str(obj, 'spec.url', '')),
    ref: refText(obj),
    revision: optionalString(obj, 'status.artifact.revision'),
    ready: readyView(obj),
    suspended: suspended(obj),
    lastFetch: lastReconcileView(history.lastOf(objectKey('GitRepository', namespace, name))),
    artifactUpdatedAt: optionalString(obj, 'status.artifact.lastUpdateTime'),
    interval: optionalString(obj, 'spec.interval'),
  };
}
