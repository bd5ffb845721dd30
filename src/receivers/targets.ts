/** The objects a Receiver's calls reconcile, from its validated spec. Pure. */
import type { Receiver } from '../api/index.js';
import { GROUP_VERSION } from '../core/constants.js';
import type { Target } from './types.js';

export type TargetsResult = { ok: true; targets: Target[] } | { ok: false; message: string };

/**
 * Resolves `spec.resources` against the Receiver's namespace. With `noCrossNamespaceRefs` (the config's
 * lockdown, on by default) a resource in another namespace is refused, as Flux's notification-controller does
 * under `--no-cross-namespace-refs`: whoever can create a Receiver in one namespace must not be able to make
 * calls reconcile another tenant's objects.
 */
export function targetsOf(receiver: Receiver, noCrossNamespaceRefs: boolean): TargetsResult {
  const own = receiver.metadata.namespace ?? '';
  const targets: Target[] = [];
  for (const [i, r] of receiver.spec.resources.entries()) {
    const namespace = r.namespace ?? own;
    if (noCrossNamespaceRefs && namespace !== own) {
      return {
        ok: false,
        message: `spec.resources[${i}]: ${r.kind} '${namespace}/${r.name}' is in another namespace, and cross-namespace references are not allowed`,
      };
    }
    const base = { apiVersion: r.apiVersion ?? GROUP_VERSION, kind: r.kind, namespace };
    targets.push(
      r.name === '*' && r.matchLabels !== undefined
        ? { ...base, matchLabels: r.matchLabels }
        : { ...base, name: r.name },
    );
  }
  return { ok: true, targets };
}

/** A label selector (`a=1,b=2`, keys sorted) for a target's matchLabels. */
export function labelSelector(matchLabels: Readonly<Record<string, string>>): string {
  return Object.keys(matchLabels)
    .sort()
    .map((k) => `${k}=${matchLabels[k]}`)
    .join(',');
}

/** `Kind/namespace/name`, or `Kind/namespace/*` with the selector, for log lines and messages. */
export function targetString(t: Target): string {
  return 'name' in t
    ? `${t.kind}/${t.namespace}/${t.name}`
    : `${t.kind}/${t.namespace}/*[${labelSelector(t.matchLabels)}]`;
}
