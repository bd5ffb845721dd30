/** What the Receiver tests share: applying objects, reading them, calling the webhook port. */
import { createHash, createHmac } from 'node:crypto';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually } from '../../harness/sandbox.js';

export const GROUP = '/apis/steward.dev/v1alpha1';
export const ANNOTATION = 'steward.dev/reconcile-requested-at';

export type Obj = Record<string, unknown> & {
  metadata?: { annotations?: Record<string, string>; [k: string]: unknown };
  status?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

/** Flux's derivation, written out here so the test does not trust the code it checks. */
export function expectedPath(token: string, name: string, namespace: string): string {
  return `/hook/${createHash('sha256')
    .update(token + name + namespace)
    .digest('hex')}`;
}

export function hmacHeader(algorithm: string, token: string, body: string): string {
  return `${algorithm}=${createHmac(algorithm, token).update(body).digest('hex')}`;
}

/** Path of a namespaced object of Steward's group, or of core/v1 when `kind` is lower-case plural of it. */
export function stewardPath(plural: string, namespace: string, name: string): string {
  return `${GROUP}/namespaces/${namespace}/${plural}/${name}`;
}

export async function apply(sb: SandboxHandle, path: string, body: object): Promise<void> {
  const r = await sb.raw('PATCH', `${path}?fieldManager=test&force=true`, {
    body,
    contentType: 'application/apply-patch+yaml',
  });
  if (r.status >= 300) throw new Error(`apply ${path}: ${r.status} ${r.text}`);
}

export async function get(sb: SandboxHandle, path: string): Promise<Obj | undefined> {
  const r = await sb.raw('GET', path);
  return r.status === 200 ? (r.json() as Obj) : undefined;
}

export async function secret(
  sb: SandboxHandle,
  namespace: string,
  name: string,
  data: Record<string, string>,
) {
  await apply(sb, `/api/v1/namespaces/${namespace}/secrets/${name}`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    stringData: data,
  });
}

export function readyOf(o: Obj | undefined): { status: string; reason: string; message: string } | undefined {
  const conds = (o?.status?.conditions ?? []) as {
    type: string;
    status: string;
    reason: string;
    message: string;
  }[];
  return conds.find((c) => c.type === 'Ready');
}

/** Waits for the Receiver's status to carry a webhook path and returns it. */
export async function waitForPath(sb: SandboxHandle, namespace: string, name: string): Promise<string> {
  return eventually(
    async () => {
      const r = await get(sb, stewardPath('receivers', namespace, name));
      const p = r?.status?.webhookPath;
      return typeof p === 'string' && readyOf(r)?.status === 'True' ? p : undefined;
    },
    15_000,
    `Receiver ${namespace}/${name} to be Ready`,
  );
}

export interface HookAnswer {
  status: number;
  text: string;
  headers: Headers;
}

/** POSTs `body` to the agent's webhook port. */
export async function call(
  port: number,
  path: string,
  body: string,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<HookAnswer> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

export function annotationOf(o: Obj | undefined): string | undefined {
  return o?.metadata?.annotations?.[ANNOTATION];
}
