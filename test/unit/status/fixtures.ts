/** Objects as the informers hand them to the status builder. */
import type { ProgressivePhase, ReconcileRecord } from '../../../src/reconcile/observe.js';
import type { HistoryView } from '../../../src/status/sync-view.js';

type Cond = [type: string, status: string, reason?: string, message?: string];

export function conditions(...list: Cond[]): Record<string, unknown>[] {
  return list.map(([type, status, reason = 'Some', message = '']) => ({
    type,
    status,
    reason,
    message,
    lastTransitionTime: '2026-01-02T03:04:05Z',
  }));
}

export function sync(
  namespace: string,
  name: string,
  opts: {
    spec?: Record<string, unknown>;
    status?: Record<string, unknown>;
    conditions?: Record<string, unknown>[];
  } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Sync',
    metadata: { namespace, name, generation: 1 },
    spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, path: './app', interval: '1m', ...opts.spec },
    status: { ...(opts.conditions ? { conditions: opts.conditions } : {}), ...opts.status },
  };
}

export function gitRepository(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  status: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { namespace, name },
    spec: { interval: '1m', ...spec },
    status,
  };
}

/** A history with fixed contents. */
export function history(
  last: Record<string, ReconcileRecord> = {},
  phases: Record<string, ProgressivePhase[]> = {},
): HistoryView {
  return { lastOf: (k) => last[k], phasesOf: (k) => phases[k] ?? [] };
}

export const TENANCY = {
  platformNamespaces: ['steward-system'],
  bootstrapSyncs: [{ namespace: 'default', name: 'hello' }],
};

/** A steward.dev object of any kind, as the informers hand it over. */
export function object(
  kind: string,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  status: Record<string, unknown> = {},
): Record<string, unknown> {
  return { apiVersion: 'steward.dev/v1alpha1', kind, metadata: { namespace, name }, spec, status };
}

/** A finished reconcile of `kind/namespace/name`, for {@link history}. */
export function record(
  kind: string,
  namespace: string,
  name: string,
  result: ReconcileRecord['result'] = 'success',
): Record<string, ReconcileRecord> {
  return {
    [`${kind}/${namespace}/${name}`]: {
      kind,
      namespace,
      name,
      result,
      finishedAt: new Date('2026-01-02T03:04:30Z'),
      durationMs: 40,
    },
  };
}
