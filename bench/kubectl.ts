/**
 * The baseline: the same N×4 objects applied by one `kubectl apply --server-side -f DIR --recursive` against a
 * fresh sandbox. It only applies (no health wait, no status, no inventory): the floor a reconciler is held to.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { SandboxProcess } from './cluster.js';
import { createNamespaces, startSandbox } from './cluster.js';
import { appNamespace, writeKubectlTree } from './fixtures.js';

export interface KubectlResult {
  /** Not run (--no-kubectl). */
  skipped?: boolean;
  applyMs: number | undefined;
  /** Objects the sandbox holds afterwards (expected 4N). */
  objects: number;
  error?: string;
}

export async function runKubectl(o: {
  n: number;
  mainJs: string;
  env: NodeJS.ProcessEnv;
  settleMs: number;
  timeoutMs: number;
}): Promise<KubectlResult> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-bench-kubectl-'));
  let sandbox: SandboxProcess | undefined;
  try {
    const tree = join(dir, 'apps');
    await writeKubectlTree(tree, o.n);
    sandbox = await startSandbox(o.mainJs, dir, o.settleMs);
    await createNamespaces(
      sandbox.client,
      Array.from({ length: o.n }, (_, i) => appNamespace(i)),
    );
    const started = Date.now();
    const r = await execa('kubectl', ['apply', '--server-side', '-f', tree, '--recursive'], {
      env: { ...o.env, KUBECONFIG: sandbox.kubeconfigPath, HOME: dir, KUBECACHEDIR: join(dir, 'cache') },
      extendEnv: false,
      reject: false,
      timeout: o.timeoutMs,
    });
    const applyMs = Date.now() - started;
    let objects = 0;
    for (const path of [
      '/apis/apps/v1/deployments',
      '/api/v1/services',
      '/api/v1/serviceaccounts',
      '/apis/networking.k8s.io/v1/ingresses',
    ]) {
      objects += (await sandbox.client.list(`${path}?labelSelector=app.kubernetes.io%2Fname%3Dpodinfo`)).items
        .length;
    }
    if (r.exitCode !== 0) {
      return { applyMs: undefined, objects, error: String(r.stderr).split('\n').slice(0, 3).join(' ') };
    }
    return { applyMs, objects };
  } finally {
    await sandbox?.child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
