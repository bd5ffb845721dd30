/** Starts a real sandbox API server on 127.0.0.1 (random port) for a test file, and the clients that talk to it. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { kubeconfigYaml } from '../../src/sandbox/kubeconfig.js';
import type { SandboxEndpoint, SandboxOptions } from '../../src/sandbox/server.js';
import { SandboxServer } from '../../src/sandbox/server.js';

export interface SandboxHandle {
  server: SandboxServer;
  ep: SandboxEndpoint;
  dir: string;
  /** Admin kubeconfig file. */
  kubeconfigPath: string;
  kc: KubeConfig;
  /** A kubeconfig (file and client config) for another bearer token. */
  as(name: string, token: string): Promise<{ path: string; kc: KubeConfig }>;
  /** A raw request over plain HTTP on the same port, for byte-level checks. */
  raw(method: string, path: string, init?: RawInit): Promise<RawResponse>;
  /** Runs the real kubectl against the sandbox. */
  kubectl(
    args: readonly string[],
    opts?: { input?: string; kubeconfig?: string; reject?: boolean },
  ): Promise<KubectlResult>;
  stop(): Promise<void>;
}

export interface RawInit {
  body?: string | object;
  contentType?: string;
  token?: string | null;
  headers?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json(): Record<string, unknown>;
}

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const server = new SandboxServer({
    simulator: { enabled: true, settleMs: 300, failImagePatterns: ['*:never-ready'] },
    onError: (err, where) => {
      throw new Error(
        `sandbox internal error in ${where}: ${err instanceof Error ? err.stack : String(err)}`,
      );
    },
    ...opts,
  });
  const ep = await server.start();
  const dir = await mkdtemp(join(tmpdir(), 'steward-sandbox-'));
  const kubeconfigPath = join(dir, 'admin.kubeconfig');
  await writeFile(
    kubeconfigPath,
    kubeconfigYaml({ server: ep.httpsUrl, caPem: ep.caPem, token: ep.adminToken }),
  );
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const handle: SandboxHandle = {
    server,
    ep,
    dir,
    kubeconfigPath,
    kc,
    async as(name, token) {
      const path = join(dir, `${name}.kubeconfig`);
      await writeFile(path, kubeconfigYaml({ server: ep.httpsUrl, caPem: ep.caPem, token, user: name }));
      const ukc = new KubeConfig();
      ukc.loadFromFile(path);
      return { path, kc: ukc };
    },
    async raw(method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? ep.adminToken}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['Content-Type'] = init.contentType ?? 'application/json';
      }
      const res = await fetch(`${ep.httpUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await res.text();
      return {
        status: res.status,
        headers: res.headers,
        text,
        json: () => JSON.parse(text) as Record<string, unknown>,
      };
    },
    async kubectl(args, o = {}) {
      const r = await execa('kubectl', [...args], {
        env: { KUBECONFIG: o.kubeconfig ?? kubeconfigPath, HOME: dir, KUBECACHEDIR: join(dir, 'cache') },
        ...(o.input !== undefined ? { input: o.input } : {}),
        reject: false,
        timeout: 30_000,
      });
      const result = { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
      if (o.reject !== false && result.exitCode !== 0) {
        throw new Error(`kubectl ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
      }
      return result;
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
