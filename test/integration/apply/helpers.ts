/** Shared pieces of the apply and prune integration tests. */
import { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL } from '../../../src/core/constants.js';
import type { Manifest, ObjectRef, PlannedObject } from '../../../src/core/types.js';
import type { SandboxHandle } from '../../harness/sandbox.js';

export const OWNER_LABELS = { [OWNER_NAME_LABEL]: 'apps', [OWNER_NAMESPACE_LABEL]: 'platform' };

export function refOf(m: Manifest): ObjectRef {
  const [group, version] = m.apiVersion.includes('/') ? m.apiVersion.split('/') : ['', m.apiVersion];
  return {
    group: group ?? '',
    version: version ?? '',
    kind: m.kind,
    namespace: m.metadata.namespace ?? '',
    name: m.metadata.name,
  };
}

/** A planned object with Steward's owner labels, staged as the planner would. */
export function planned(manifest: object, stage?: 0 | 1 | 2): PlannedObject {
  const m = structuredClone(manifest) as Manifest;
  m.metadata.labels = { ...m.metadata.labels, ...OWNER_LABELS };
  const s = stage ?? (m.kind === 'CustomResourceDefinition' ? 0 : m.kind === 'Namespace' ? 1 : 2);
  return { ref: refOf(m), manifest: m, source: { file: 'test.yaml', document: 0 }, stage: s };
}

export function configMap(name: string, namespace: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function namespace(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

interface Counter {
  verb: string;
  group: string;
  resource: string;
  count: number;
}

/** The sandbox's request counters, summed by verb (optionally for one resource). */
export async function countsByVerb(sb: SandboxHandle, resource?: string): Promise<Record<string, number>> {
  const snap = (await sb.raw('GET', '/sandbox/v1/counters')).json() as { counters: Counter[] };
  const out: Record<string, number> = {};
  for (const c of snap.counters) {
    if (resource !== undefined && c.resource !== resource) continue;
    out[c.verb] = (out[c.verb] ?? 0) + c.count;
  }
  return out;
}

export async function resetCounters(sb: SandboxHandle): Promise<void> {
  await sb.raw('DELETE', '/sandbox/v1/counters');
}

export async function addFault(sb: SandboxHandle, rule: object): Promise<void> {
  const r = await sb.raw('POST', '/sandbox/v1/faults', { body: rule });
  if (r.status !== 201) throw new Error(`fault rule refused: ${r.text}`);
}

/** A JSON merge patch as another client would send it, under its own field manager. */
export async function mergePatch(
  sb: SandboxHandle,
  path: string,
  manager: string,
  patch: object,
): Promise<void> {
  const r = await sb.raw('PATCH', `${path}?fieldManager=${manager}`, {
    body: patch,
    contentType: 'application/merge-patch+json',
  });
  if (r.status !== 200) throw new Error(`merge patch failed (${r.status}): ${r.text}`);
}
