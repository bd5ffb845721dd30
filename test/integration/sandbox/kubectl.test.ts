/**
 * The real kubectl against the sandbox: apply --server-side (Deployment, CRD, custom resource), get -o yaml,
 * get -w, delete, auth can-i --as, and a second field manager's apply conflicting as on a real cluster.
 * Sources: kubectl pkg/cmd/apply/apply.go (SSA request), pkg/cmd/auth/cani.go, pkg/cmd/get/get.go.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { deployment, widgetCrd } from '../../harness/fixtures.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';

let sb: SandboxHandle;
const ns = 'kubectl';
const toYaml = (o: object) => JSON.stringify(o);

beforeAll(async () => {
  sb = await startSandbox({ users: [{ name: 'alice', token: 'alice-token', groups: [] }] });
  await sb.kubectl(['create', 'namespace', ns]);
});
afterAll(async () => sb.stop());

describe('kubectl', () => {
  it('applies a Deployment server-side and reads it back with get -o yaml', async () => {
    const out = await sb.kubectl(['apply', '--server-side', '-n', ns, '-f', '-'], {
      input: toYaml(deployment('web')),
    });
    expect(out.stdout).toContain('deployment.apps/web serverside-applied');
    const got = parse(
      (await sb.kubectl(['get', 'deployment', 'web', '-n', ns, '-o', 'yaml', '--show-managed-fields']))
        .stdout,
    ) as {
      metadata: { managedFields: { manager: string; operation: string }[] };
      spec: { replicas: number };
    };
    expect(got.spec.replicas).toBe(1);
    expect(got.metadata.managedFields[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply' });
  });

  it('applies a CRD and then a custom resource of it', async () => {
    await sb.kubectl(['apply', '--server-side', '-f', '-'], { input: toYaml(widgetCrd()) });
    await sb.kubectl(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s']);
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: ns },
      spec: { size: 3 },
    };
    const out = await sb.kubectl(['apply', '--server-side', '-f', '-'], { input: toYaml(widget) });
    expect(out.stdout).toContain('widget.example.com/w serverside-applied');
    const table = await sb.kubectl(['get', 'widgets', '-n', ns]);
    expect(table.stdout).toMatch(/NAME\s+SIZE/);
    expect(table.stdout).toMatch(/w\s+3/);
  });

  it('reports a conflict when another field manager applies a different value', async () => {
    const other = deployment('web', 'nginx:1.27', 3);
    const r = await sb.kubectl(['apply', '--server-side', '--field-manager=other', '-n', ns, '-f', '-'], {
      input: toYaml(other),
      reject: false,
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    const forced = await sb.kubectl(
      ['apply', '--server-side', '--force-conflicts', '--field-manager=other', '-n', ns, '-f', '-'],
      { input: toYaml(other) },
    );
    expect(forced.exitCode).toBe(0);
  });

  it('sees a change with get -w', async () => {
    const watcher = execa('kubectl', ['get', 'configmaps', '-n', ns, '-w', '-o', 'name'], {
      env: { KUBECONFIG: sb.kubeconfigPath, HOME: sb.dir },
      reject: false,
    });
    let seen = '';
    watcher.stdout?.on('data', (d: Buffer) => {
      seen += d.toString();
    });
    await new Promise((r) => setTimeout(r, 1000));
    await sb.kubectl(['create', 'configmap', 'watched', '-n', ns, '--from-literal=a=b']);
    await eventually(
      () => (seen.includes('configmap/watched') ? true : undefined),
      15_000,
      'kubectl get -w to print the new ConfigMap',
    );
    watcher.kill();
    await watcher;
  });

  it('deletes an object', async () => {
    const out = await sb.kubectl(['delete', 'configmap', 'watched', '-n', ns]);
    expect(out.stdout).toContain('configmap "watched" deleted');
    const gone = await sb.kubectl(['get', 'configmap', 'watched', '-n', ns], { reject: false });
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('configmaps "watched" not found');
  });

  it('answers auth can-i --as for an impersonated user', async () => {
    const yes = await sb.kubectl(['auth', 'can-i', 'create', 'deployments', '-n', ns]);
    expect(yes.stdout.trim()).toBe('yes');
    const no = await sb.kubectl(['auth', 'can-i', 'create', 'deployments', '-n', ns, '--as=alice'], {
      reject: false,
    });
    expect(no.stdout.trim()).toBe('no');
    expect(no.exitCode).toBe(1);
  });

  it('lists several kinds with get all-style output', async () => {
    const out = await sb.kubectl(['get', 'deployments,configmaps', '-n', ns, '-o', 'yaml']);
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJS() as { kind: string });
    expect(docs[0]?.kind).toBe('List');
  });

  it('prints table rows in get -w updates, as a cluster does', async () => {
    const watcher = execa('kubectl', ['get', 'deployments', '-n', ns, '-w'], {
      env: { KUBECONFIG: sb.kubeconfigPath, HOME: sb.dir },
      reject: false,
    });
    let seen = '';
    watcher.stdout?.on('data', (d: Buffer) => {
      seen += d.toString();
    });
    await new Promise((r) => setTimeout(r, 1000));
    await sb.kubectl(['scale', 'deployment', 'web', '-n', ns, '--replicas=3']);
    await eventually(
      () => (/web\s+\d\/3\s+\d+\s+\d+/.test(seen) ? true : undefined),
      15_000,
      'a READY n/3 row',
    );
    expect(seen.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    watcher.kill();
    await watcher;
  });
});
