/** What the image automation end-to-end tests share: the image kinds as objects, reading their status back. */
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually } from '../../harness/sandbox.js';
import { get, type Obj, stewardPath } from '../helm-e2e/helpers.js';

export const API = 'steward.dev/v1alpha1';
export const ANNOTATION = 'steward.dev/reconcile-requested-at';

export function imageRepository(
  ns: string,
  name: string,
  image: string,
  spec: Record<string, unknown> = {},
): Obj & { kind: string } {
  return {
    apiVersion: API,
    kind: 'ImageRepository',
    metadata: { name, namespace: ns },
    spec: { image, interval: '2s', insecure: true, ...spec },
  };
}

export function imagePolicy(
  ns: string,
  name: string,
  repository: string,
  range: string,
  extra: Record<string, unknown> = {},
): Obj & { kind: string } {
  return {
    apiVersion: API,
    kind: 'ImagePolicy',
    metadata: { name, namespace: ns },
    spec: { imageRepositoryRef: { name: repository }, policy: { semver: { range } }, ...extra },
  };
}

/** A Secret of type kubernetes.io/dockerconfigjson holding `username:password` for `host`. */
export function dockerConfigSecret(
  ns: string,
  name: string,
  host: string,
  username: string,
  password: string,
): Obj & { kind: string } {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    type: 'kubernetes.io/dockerconfigjson',
    stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [host]: { auth } } }) },
  };
}

export const secretPath = (ns: string, name: string) => `/api/v1/namespaces/${ns}/secrets/${name}`;

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export function readyOf(o: Obj | undefined): Condition | undefined {
  return ((o?.status?.conditions ?? []) as Condition[]).find((c) => c.type === 'Ready');
}

/** Polls the object until `check` holds; the failure names the last Ready condition seen. */
export async function waitObject(
  sb: SandboxHandle,
  plural: string,
  ns: string,
  name: string,
  check: (o: Obj) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<Obj> {
  let last: Obj | undefined;
  try {
    return await eventually(
      async () => {
        last = await get(sb, stewardPath(plural, ns, name));
        return last !== undefined && check(last) ? last : undefined;
      },
      timeoutMs,
      what,
    );
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; last status: ${JSON.stringify(last?.status ?? null).slice(0, 2000)}`,
    );
  }
}

export const isReady = (o: Obj) => readyOf(o)?.status === 'True';

/** Writes a reconcile request (as `steward reconcile` does) and returns its value. */
export async function requestReconcile(
  sb: SandboxHandle,
  plural: string,
  ns: string,
  name: string,
): Promise<string> {
  const at = new Date().toISOString();
  const r = await sb.raw('PATCH', stewardPath(plural, ns, name), {
    body: { metadata: { annotations: { [ANNOTATION]: at } } },
    contentType: 'application/merge-patch+json',
  });
  if (r.status !== 200)
    throw new Error(`reconcile request on ${plural} ${ns}/${name}: ${r.status} ${r.text}`);
  return at;
}

export interface EventView {
  kind: string;
  name: string;
  type: string;
  reason: string;
  message: string;
}

/** The core/v1 Events of a namespace. */
export async function events(sb: SandboxHandle, ns: string): Promise<EventView[]> {
  const r = await sb.raw('GET', `/api/v1/namespaces/${ns}/events`);
  const items = (r.json().items ?? []) as {
    involvedObject?: { kind?: string; name?: string };
    type?: string;
    reason?: string;
    message?: string;
  }[];
  return items.map((e) => ({
    kind: e.involvedObject?.kind ?? '',
    name: e.involvedObject?.name ?? '',
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: e.message ?? '',
  }));
}

/**
 * Records every version of the objects at a collection path (`...?fieldSelector=...` allowed) from a watch,
 * until `stop` is called; for asserting what a reader could have seen between two polls.
 */
export function recordWatch(sb: SandboxHandle, path: string): { seen: Obj[]; stop(): void } {
  const seen: Obj[] = [];
  const abort = new AbortController();
  const sep = path.includes('?') ? '&' : '?';
  void (async () => {
    const res = await fetch(`${sb.ep.httpUrl}${path}${sep}watch=true`, {
      headers: { authorization: `Bearer ${sb.ep.adminToken}` },
      signal: abort.signal,
    });
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body ?? []) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) seen.push((JSON.parse(line) as { object: Obj }).object);
        nl = buffered.indexOf('\n');
      }
    }
  })().catch(() => undefined);
  return { seen, stop: () => abort.abort() };
}

/** An ImageRepository's status.lastScanResult. */
export interface ScanResultView {
  revision: string;
  tagCount: number;
  scanTime: string;
  latestTags?: string[];
}

export function scanOf(o: Obj | undefined): ScanResultView | undefined {
  return o?.status?.lastScanResult as ScanResultView | undefined;
}
