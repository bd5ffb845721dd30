/** Small helpers over the sandbox for the notification tests: apply objects, read conditions, wait for them. */
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually } from '../../harness/sandbox.js';

const PLURALS: Readonly<Record<string, string>> = {
  GitRepository: 'gitrepositories',
  Sync: 'syncs',
  Provider: 'providers',
  Alert: 'alerts',
  Secret: 'secrets',
  Namespace: 'namespaces',
};

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<
  string,
  unknown
>;

export function pathOf(kind: string, namespace: string | undefined, name: string): string {
  const plural = PLURALS[kind];
  if (!plural) throw new Error(`no plural for ${kind}`);
  if (kind === 'Namespace') return `/api/v1/namespaces/${name}`;
  const base = ['Secret'].includes(kind) ? '/api/v1' : '/apis/steward.dev/v1alpha1';
  return `${base}/namespaces/${namespace ?? 'default'}/${plural}/${name}`;
}

/** Server-side apply as the test's own field manager. */
export async function apply(sb: SandboxHandle, obj: Manifest): Promise<void> {
  const r = await sb.raw(
    'PATCH',
    `${pathOf(obj.kind, obj.metadata.namespace, obj.metadata.name)}?fieldManager=test&force=true`,
    {
      body: obj,
      contentType: 'application/apply-patch+yaml',
    },
  );
  if (r.status >= 300) throw new Error(`apply ${obj.kind}/${obj.metadata.name}: HTTP ${r.status}: ${r.text}`);
}

/** Sets annotations with a merge patch (a reconcile request, say). */
export async function annotate(
  sb: SandboxHandle,
  kind: string,
  namespace: string,
  name: string,
  annotations: Record<string, string>,
): Promise<void> {
  const r = await sb.raw('PATCH', pathOf(kind, namespace, name), {
    body: { metadata: { annotations } },
    contentType: 'application/merge-patch+json',
  });
  if (r.status >= 300) throw new Error(`annotate ${kind}/${name}: HTTP ${r.status}: ${r.text}`);
}

export async function get(
  sb: SandboxHandle,
  kind: string,
  namespace: string,
  name: string,
): Promise<Record<string, unknown> | undefined> {
  const r = await sb.raw('GET', pathOf(kind, namespace, name));
  return r.status === 200 ? r.json() : undefined;
}

export async function readyOf(
  sb: SandboxHandle,
  kind: string,
  namespace: string,
  name: string,
): Promise<Condition | undefined> {
  const obj = await get(sb, kind, namespace, name);
  const conditions = ((obj?.status as { conditions?: Condition[] } | undefined)?.conditions ??
    []) as Condition[];
  return conditions.find((c) => c.type === 'Ready');
}

/** Waits for the Ready condition to have `status` (and `reason`, when given); returns it. */
export function waitReady(
  sb: SandboxHandle,
  kind: string,
  namespace: string,
  name: string,
  status: 'True' | 'False',
  reason?: string,
  timeoutMs = 30_000,
): Promise<Condition> {
  return eventually(
    async () => {
      const c = await readyOf(sb, kind, namespace, name);
      return c?.status === status && (reason === undefined || c.reason === reason) ? c : undefined;
    },
    timeoutMs,
    `${kind} ${namespace}/${name} Ready=${status}${reason ? ` (${reason})` : ''}`,
  );
}

/** Waits for a Sync to have applied `sha` (the end of its revision). */
export function waitApplied(
  sb: SandboxHandle,
  namespace: string,
  name: string,
  sha: string,
  timeoutMs = 30_000,
): Promise<true> {
  return eventually(
    async () => {
      const s = await get(sb, 'Sync', namespace, name);
      const status = (s?.status ?? {}) as { lastAppliedRevision?: string };
      const ready = await readyOf(sb, 'Sync', namespace, name);
      return status.lastAppliedRevision?.endsWith(sha) && ready?.status === 'True'
        ? (true as const)
        : undefined;
    },
    timeoutMs,
    `Sync ${namespace}/${name} to apply ${sha}`,
  );
}

export function configMap(name: string, namespace: string, value: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  value: "${value}"\n`;
}
