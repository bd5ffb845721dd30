/**
 * The bench's side of the sandbox: a sandbox API server in its own process, and a small JSON client for it over
 * plain HTTP on the same port (the agent and kubectl use the HTTPS kubeconfig). The client tallies its own
 * requests, so they can be taken out of the sandbox's request counters.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Child } from './procs.js';
import { startNode } from './procs.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    generation?: number;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface KubeList {
  metadata: { resourceVersion?: string };
  items: KubeObject[];
}

/** One row of `GET /sandbox/v1/counters`. */
export interface RequestCount {
  verb: string;
  group: string;
  resource: string;
  count: number;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class SandboxClient {
  /** This client's own requests, keyed as the sandbox counts them: verb, group, resource. */
  private readonly own = new Map<string, RequestCount>();
  /** Size of the last response body, in bytes. */
  lastResponseBytes = 0;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Sends a request; the JSON body on 2xx, undefined on 404, ApiError otherwise. */
  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T | undefined> {
    this.tally(method, path);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = contentType;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    this.lastResponseBytes = Buffer.byteLength(text);
    if (res.status === 404) return undefined;
    if (res.status >= 300)
      throw new ApiError(res.status, `${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Like call, but a 404 is an error too. */
  async must<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const v = await this.call<T>(method, path, body, contentType);
    if (v === undefined) throw new ApiError(404, `${method} ${path}: not found`);
    return v;
  }

  list(path: string): Promise<KubeList> {
    return this.must<KubeList>('GET', path);
  }

  /** The cluster-wide resourceVersion (the sandbox keeps one global counter, as etcd's revision). */
  async globalResourceVersion(): Promise<number> {
    const l = await this.list('/api/v1/namespaces?limit=1');
    return Number(l.metadata.resourceVersion ?? Number.NaN);
  }

  async resetCounters(): Promise<void> {
    await this.must('DELETE', '/sandbox/v1/counters');
    this.own.clear();
  }

  async counters(): Promise<RequestCount[]> {
    const r = await this.must<{ counters: RequestCount[] }>('GET', '/sandbox/v1/counters');
    return r.counters;
  }

  /** This client's requests since the last counter reset. */
  ownRequests(): RequestCount[] {
    return [...this.own.values()].map((r) => ({ ...r }));
  }

  /**
   * Watches `path` (a collection) from `resourceVersion`, calling `onEvent` per event, until the server ends the
   * stream or `signal` aborts.
   */
  async watch(
    path: string,
    resourceVersion: string,
    onEvent: (type: string, obj: KubeObject) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const url = `${path}?watch=true&resourceVersion=${encodeURIComponent(resourceVersion)}&timeoutSeconds=1800`;
    this.tally('GET', url);
    const res = await fetch(`${this.baseUrl}${url}`, {
      headers: { authorization: `Bearer ${this.token}` },
      signal,
    });
    if (res.status !== 200 || !res.body) throw new ApiError(res.status, `watch ${path}: ${res.status}`);
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of res.body) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() !== '') {
            const e = JSON.parse(line) as { type: string; object: KubeObject };
            onEvent(e.type, e.object);
          }
          nl = buffered.indexOf('\n');
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  /** A rough request-info parse, enough for the paths the bench itself uses. */
  private tally(method: string, path: string): void {
    const p =
      path
        .split('?')[0]
        ?.split('/')
        .filter((s) => s !== '') ?? [];
    let group = '';
    let rest: string[] = [];
    if (p[0] === 'api') rest = p.slice(2);
    else if (p[0] === 'apis') {
      group = p[1] ?? '';
      rest = p.slice(3);
    }
    if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
    const resource = p[0] === 'api' || p[0] === 'apis' ? (rest[0] ?? '') : '';
    const named = rest.length > 1;
    const verbs: Record<string, string> = {
      GET: named ? 'get' : 'list',
      POST: 'create',
      PUT: 'update',
      PATCH: 'patch',
      DELETE: named ? 'delete' : 'deletecollection',
    };
    const watching = method === 'GET' && /[?&]watch=true/.test(path);
    const verb =
      resource === '' ? method.toLowerCase() : watching ? 'watch' : (verbs[method] ?? method.toLowerCase());
    const key = JSON.stringify([verb, group, resource]);
    const row = this.own.get(key);
    if (row) row.count += 1;
    else this.own.set(key, { verb, group, resource, count: 1 });
  }
}

export interface SandboxProcess {
  child: Child;
  client: SandboxClient;
  kubeconfigPath: string;
}

interface Listening {
  msg?: string;
  http?: string;
  kubeconfig?: string;
}

/** Starts `steward sandbox` from the build, with its kubeconfig in `dir`. */
export async function startSandbox(mainJs: string, dir: string, settleMs: number): Promise<SandboxProcess> {
  const kubeconfigPath = join(dir, 'sandbox.kubeconfig');
  const child = startNode({
    name: 'sandbox',
    args: [mainJs, 'sandbox', '--port', '0', '--kubeconfig', kubeconfigPath, '--settle', String(settleMs)],
  });
  try {
    const http = await child.waitForLine((line) => {
      const l = jsonLine<Listening>(line);
      return l?.msg === 'sandbox API server listening' ? l.http : undefined;
    }, 30_000);
    const kc = parse(await readFile(kubeconfigPath, 'utf8')) as { users?: { user?: { token?: string } }[] };
    const token = kc.users?.[0]?.user?.token;
    if (!token) throw new Error('sandbox kubeconfig has no token');
    return { child, client: new SandboxClient(http, token), kubeconfigPath };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** A pino log line, or undefined for anything else. */
export function jsonLine<T>(line: string): T | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Creates namespaces `names` (not timed: both Steward and kubectl get them up front). */
export async function createNamespaces(client: SandboxClient, names: readonly string[]): Promise<void> {
  await pool(names, 16, async (name) => {
    await client.must('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  });
}
