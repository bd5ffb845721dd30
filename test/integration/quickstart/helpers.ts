/** Shared by the quick start tests: an isolated git environment, sandbox reads, and port checks. */
import { mkdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';

export const EXAMPLES_DIR = join(import.meta.dirname, '../../../examples');

/** A git environment with no global or system config (so no identity): what a fresh machine has. */
export async function bareGitEnv(dir: string): Promise<Record<string, string>> {
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
}

/** Runs git as the user would in the working clone; returns trimmed stdout. */
export async function userGit(env: Record<string, string>, cwd: string, args: string[]): Promise<string> {
  const r = await execa('git', args, { cwd, env, extendEnv: false });
  return r.stdout.trim();
}

export type Obj = Record<string, unknown> & {
  metadata?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
};

/** Reads objects from the sandbox over plain HTTP with the token of the kubeconfig the quick start wrote. */
export async function sandboxReader(
  kubeconfigPath: string,
): Promise<(path: string) => Promise<Obj | undefined>> {
  const kc = parse(await readFile(kubeconfigPath, 'utf8')) as {
    clusters: { cluster: { server: string } }[];
    users: { user: { token: string } }[];
  };
  const server = kc.clusters[0]?.cluster.server.replace(/^https:/, 'http:') ?? '';
  const token = kc.users[0]?.user.token ?? '';
  return async (path) => {
    const r = await fetch(`${server}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await r.text();
    return r.status === 200 ? (JSON.parse(text) as Obj) : undefined;
  };
}

/** The Ready condition of an object, if it has one. */
export function readyCondition(o: Obj | undefined): { status: string; message: string } | undefined {
  const conds = (o?.status?.conditions ?? []) as { type: string; status: string; message: string }[];
  return conds.find((c) => c.type === 'Ready');
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The port of an `http(s)://host:port/...` URL. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}
