/** What the helm end-to-end tests share: applying Steward objects to the sandbox and reading Syncs back. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { expect } from 'vitest';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually } from '../../harness/sandbox.js';

/** The charts of these tests (test/fixtures/helm-e2e). */
export const CHARTS = resolve(import.meta.dirname, '../../fixtures/helm-e2e');

export type Obj = Record<string, unknown> & {
  metadata?: Record<string, unknown> & {
    name?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  status?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface SyncView {
  ready?: Condition;
  applied?: string;
  attempted?: string;
  helm?: { chart: string; version: string; digest: string; releaseDigest: string; hooksAppliedFor?: string };
  inventory: string[];
  handled?: string;
  obj?: Obj;
}

export const stewardPath = (plural: string, ns: string, name: string) =>
  `/apis/steward.dev/v1alpha1/namespaces/${ns}/${plural}/${name}`;

/** Server-side applies `body` (a Steward object, or any object given its path). */
/**
 * A Sync rendering a chart, as the Helm end-to-end tests build them: every ten minutes with prune unless `spec`
 * says otherwise (targetNamespace, timeout, serviceAccountName...).
 */
export function helmSync(
  namespace: string,
  name: string,
  sourceRef: { kind: 'GitRepository' | 'HelmRepository'; name: string },
  helm: Record<string, unknown>,
  spec: Record<string, unknown> = {},
): Obj & { kind: string } {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name, namespace },
    spec: { sourceRef, interval: '10m', prune: true, ...spec, helm },
  };
}

export async function apply(sb: SandboxHandle, body: Obj & { kind: string }, path?: string): Promise<void> {
  const meta = body.metadata as { name: string; namespace: string };
  const kind = body.kind.toLowerCase();
  const plural = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
  const url = path ?? stewardPath(plural, meta.namespace, meta.name);
  const r = await sb.raw('PATCH', `${url}?fieldManager=test&force=true`, {
    body,
    contentType: 'application/apply-patch+yaml',
  });
  expect(r.status, r.text).toBeLessThan(300);
}

export async function get(sb: SandboxHandle, path: string): Promise<Obj | undefined> {
  const r = await sb.raw('GET', path);
  return r.status === 200 ? (r.json() as Obj) : undefined;
}

export async function syncView(sb: SandboxHandle, ns: string, name: string): Promise<SyncView> {
  const obj = await get(sb, stewardPath('syncs', ns, name));
  const status = (obj?.status ?? {}) as {
    conditions?: Condition[];
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    lastHandledReconcileAt?: string;
    helm?: SyncView['helm'];
    inventory?: { entries?: { id: string }[] };
  };
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  return {
    ...(ready ? { ready } : {}),
    ...(status.lastAppliedRevision ? { applied: status.lastAppliedRevision } : {}),
    ...(status.lastAttemptedRevision ? { attempted: status.lastAttemptedRevision } : {}),
    ...(status.helm ? { helm: status.helm } : {}),
    ...(status.lastHandledReconcileAt ? { handled: status.lastHandledReconcileAt } : {}),
    inventory: (status.inventory?.entries ?? []).map((e) => e.id).sort(),
    ...(obj ? { obj } : {}),
  };
}

/** Waits until the Sync is Ready and `check` (if any) holds; returns its view. */
export async function waitSync(
  sb: SandboxHandle,
  ns: string,
  name: string,
  check: (v: SyncView) => boolean = () => true,
  what = `Sync ${ns}/${name} to be Ready`,
  timeoutMs = 30_000,
): Promise<SyncView> {
  let last: SyncView | undefined;
  try {
    return await eventually(
      async () => {
        last = await syncView(sb, ns, name);
        return last.ready?.status === 'True' && check(last) ? last : undefined;
      },
      timeoutMs,
      what,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last Ready: ${JSON.stringify(last?.ready)}`);
  }
}

/** Waits until the Sync's Ready condition is False with a message matching `pattern`. */
export async function waitFailed(
  sb: SandboxHandle,
  ns: string,
  name: string,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<SyncView> {
  let last: SyncView | undefined;
  try {
    return await eventually(
      async () => {
        last = await syncView(sb, ns, name);
        return last.ready?.status === 'False' && pattern.test(last.ready.message) ? last : undefined;
      },
      timeoutMs,
      `Sync ${ns}/${name} to fail with ${pattern}`,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last Ready: ${JSON.stringify(last?.ready)}`);
  }
}

/** Asks the agent to reconcile now, and waits until it has (status.lastHandledReconcileAt). */
export async function reconcileNow(sb: SandboxHandle, ns: string, name: string): Promise<SyncView> {
  const at = new Date().toISOString();
  const r = await sb.raw('PATCH', stewardPath('syncs', ns, name), {
    body: { metadata: { annotations: { 'steward.dev/reconcile-requested-at': at } } },
    contentType: 'application/merge-patch+json',
  });
  expect(r.status, r.text).toBe(200);
  return waitSync(sb, ns, name, (v) => v.handled === at, `Sync ${ns}/${name} to handle the request ${at}`);
}

/** A chart directory's files as `{ '<prefix>/<path>': content }`, for a Git commit. */
export async function chartFiles(chart: string, prefix: string): Promise<Record<string, string>> {
  const root = join(CHARTS, chart);
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = join(entry.parentPath, entry.name);
    out[`${prefix}/${relative(root, abs)}`] = await readFile(abs, 'utf8');
  }
  return out;
}

/** Creates namespaces (ignoring ones that exist). */
export async function namespaces(sb: SandboxHandle, ...names: string[]): Promise<void> {
  for (const name of names) await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name } } });
}

/** Waits for the Steward CRDs the agent installs. */
export async function crdsServed(sb: SandboxHandle): Promise<void> {
  await eventually(
    async () => ((await sb.raw('GET', '/apis/steward.dev/v1alpha1/syncs')).status === 200 ? true : undefined),
    20_000,
    'the Steward CRDs',
  );
}

/** The deployment's first container. */
export function container(deploy: Obj | undefined): {
  image?: string;
  env?: { name: string; value: string }[];
} {
  const spec = deploy?.spec as
    | { template?: { spec?: { containers?: { image?: string; env?: { name: string; value: string }[] }[] } } }
    | undefined;
  return spec?.template?.spec?.containers?.[0] ?? {};
}
