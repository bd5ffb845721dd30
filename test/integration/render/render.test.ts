// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${var}` here is substitution syntax under test, not a template.
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Reasons, ReconcileError } from '../../../src/core/types.js';
import type { RenderInput } from '../../../src/render/render.js';
import { render } from '../../../src/render/render.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/render/repo');
const TOOLS = resolve(import.meta.dirname, '../../../.tools/bin');
const PATH_ENV = [TOOLS, process.env.PATH ?? ''].join(delimiter);

let work: string;
let root: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'steward-render-'));
  root = join(work, 'repo');
  await cp(FIXTURE, root, { recursive: true });
  // Symlinks are made here rather than committed: they point at the machine's own files.
  await writeFile(
    join(work, 'outside.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\n',
  );
  await mkdir(join(root, 'symlink-kustomize'));
  await symlink(join(work, 'outside.yaml'), join(root, 'symlink-kustomize', 'cm.yaml'));
  await writeFile(join(root, 'symlink-kustomize', 'kustomization.yaml'), 'resources:\n  - cm.yaml\n');
  await mkdir(join(root, 'symlink-plain'));
  await symlink(join(work, 'outside.yaml'), join(root, 'symlink-plain', 'cm.yaml'));
  await symlink(work, join(root, 'symlink-dir'));
  await mkdir(join(root, 'symlink-inside'));
  await symlink(join(root, 'base', 'service.yaml'), join(root, 'symlink-inside', 'svc.yaml'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function input(path: string, extra: Partial<RenderInput> = {}): RenderInput {
  return {
    root,
    path,
    kustomize: { command: 'kubectl', args: ['kustomize'], pathEnv: PATH_ENV },
    timeoutMs: 30_000,
    maxOutputBytes: 1024 * 1024,
    maxFileBytes: 1024 * 1024,
    tmpDir: work,
    ...extra,
  };
}

function names(yaml: string): string[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((o) => o !== null)
    .map((o) => `${o.kind}/${o.metadata?.name}`);
}

async function failure(promise: Promise<unknown>): Promise<ReconcileError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ReconcileError);
  return e as ReconcileError;
}

describe('render with kustomize', () => {
  it('builds an overlay whose base and patch live elsewhere in the repository', async () => {
    const result = await render(input('./overlays/prod'));
    expect(result.renderer).toBe('kustomize');
    expect(result.files).toEqual([{ file: 'kustomize build ./overlays/prod', documents: 3, line: 1 }]);
    expect(names(result.yaml)).toEqual([
      expect.stringMatching(/^ConfigMap\/settings-[a-z0-9]{10}$/),
      'Service/web',
      'Deployment/web',
    ]);
    // Substitution is a later step: the expressions pass through kustomize untouched.
    expect(result.yaml).toContain('replicas: ${REPLICAS:=3}');
    expect(result.yaml).toContain('greeting: hello-${NAME:=world}');
  });

  it('allows builtin plugins', async () => {
    const result = await render(input('builtin-plugin'));
    expect(result.yaml).toContain('team: a');
  });

  it.each([
    ['escape', 'escape/kustomization.yaml: resources entry "../../outside" resolves outside the source root'],
    [
      'remote',
      'remote/kustomization.yaml: remote resources entry "https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.0.0" is not allowed; vendor it into the repository',
    ],
    [
      'remote-shorthand',
      'remote-shorthand/kustomization.yaml: remote resources entry "github.com/example/platform/base?ref=main" is not allowed; vendor it into the repository',
    ],
    [
      'exec-plugin',
      'exec-plugin/kustomization.yaml: transformers configures an exec or KRM function plugin (Rewriter), which is not allowed',
    ],
    [
      'exec-plugin-file',
      'exec-plugin-file/generator.yaml: generators configures an exec or KRM function plugin (SecretGetter), which is not allowed',
    ],
    [
      'helm',
      'helm/kustomization.yaml: helmCharts is not allowed: Helm chart inflation in kustomize is disabled for this agent',
    ],
    [
      'generator-escape',
      'generator-escape/kustomization.yaml: secretGenerator.files entry "../../../../../../etc/passwd" resolves outside the source root',
    ],
    [
      'absolute',
      'absolute/kustomization.yaml: resources entry "/etc/kubernetes/admin.yaml" is an absolute path; use a path relative to the kustomization',
    ],
    [
      'builtin-plugin-escape',
      'builtin-plugin-escape/generator.yaml: SecretGenerator.files entry "../../../../../../var/run/secrets/kubernetes.io/serviceaccount/token" resolves outside the source root',
    ],
    [
      'plugin-dir',
      'plugin-dir/transformers/exec.yaml: transformers uses the external plugin example.com/v1/Mutator; only builtin plugins are allowed',
    ],
    [
      'symlink-kustomize',
      'symlink-kustomize/kustomization.yaml: resources entry "cm.yaml" goes through a symlink that points outside the source root',
    ],
  ])('refuses %s before running kustomize', async (path, message) => {
    const e = await failure(render(input(path)));
    expect(e.reason).toBe(Reasons.BuildFailed);
    expect(e.retry).toBe('terminal');
    expect(e.message).toBe(message);
    // The subject is the file the message starts with.
    expect(message.startsWith(`${e.subject}: `)).toBe(true);
    expect(e.subject).toMatch(/\.yaml$/);
  });

  it('reports kustomize errors without the agent paths', async () => {
    await mkdir(join(root, 'broken'), { recursive: true });
    await writeFile(join(root, 'broken', 'kustomization.yaml'), 'resources:\n  - missing-dir\n');
    await mkdir(join(root, 'broken', 'missing-dir'), { recursive: true });
    const e = await failure(render(input('broken')));
    expect(e.message).toMatch(/^kustomize build \.\/broken failed: /);
    expect(e.message).not.toContain(root);
    expect(e.retry).toBe('terminal');
  });

  it('kills kustomize and fails when the output exceeds the cap', async () => {
    const e = await failure(render(input('overlays/prod', { maxOutputBytes: 200 })));
    expect(e.message).toBe('kustomize build ./overlays/prod produced more than 200 bytes of output');
    expect(e.retry).toBe('terminal');
  });

  it('times out a renderer that hangs', async () => {
    const started = Date.now();
    const slow = { command: 'sh', args: ['-c', 'sleep 20', 'sh'], pathEnv: PATH_ENV };
    const e = await failure(render(input('base', { kustomize: slow, timeoutMs: 300 })));
    expect(e.message).toBe('kustomize build ./base timed out after 300 ms');
    expect(e.retry).toBe('transient');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops a renderer when the reconcile is cancelled', async () => {
    const slow = { command: 'sh', args: ['-c', 'sleep 20', 'sh'], pathEnv: PATH_ENV };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const e = await failure(render(input('base', { kustomize: slow, signal: controller.signal })));
    expect(e.message).toBe('kustomize build ./base was cancelled');
    expect(e.retry).toBe('transient');
  });

  it('reports a missing kustomize binary as a transient failure of the agent', async () => {
    const missing = { command: 'no-such-kustomize', args: [], pathEnv: PATH_ENV };
    const e = await failure(render(input('base', { kustomize: missing })));
    expect(e.message).toBe('kustomize build ./base could not run: ENOENT');
    expect(e.retry).toBe('transient');
  });

  it('passes only PATH and a throwaway HOME to the renderer', async () => {
    const script = 'env | sort | sed "s/^/# /"; echo "a: 1"';
    const env = { command: 'sh', args: ['-c', script, 'sh'], pathEnv: PATH_ENV };
    const result = await render(input('base', { kustomize: env }));
    const vars = result.yaml
      .split('\n')
      .filter((l) => l.startsWith('# '))
      .map((l) => l.slice(2).split('=')[0]);
    expect(vars.filter((v) => v !== 'PWD' && v !== 'SHLVL' && v !== '_')).toEqual(['HOME', 'PATH']);
    expect(result.yaml).toContain(`# HOME=${work}/steward-kustomize-`);
  });
});

describe('render plain directories', () => {
  it('renders yaml, yml and json files depth first in name order, skipping dotfiles', async () => {
    const result = await render(input('plain'));
    expect(result.renderer).toBe('plain');
    expect(result.files.map((f) => [f.file, f.documents])).toEqual([
      ['plain/a.yaml', 2],
      ['plain/c.json', 1],
      ['kustomize build ./plain/nested', 1],
      ['plain/sub/b.yml', 1],
    ]);
    expect(names(result.yaml)).toEqual([
      'ConfigMap/a1',
      'ConfigMap/a2',
      'ServiceAccount/c',
      'ConfigMap/nested-cm',
      'Secret/b',
    ]);
  });

  it('follows symlinks that stay inside the root', async () => {
    const result = await render(input('symlink-inside'));
    expect(names(result.yaml)).toEqual(['Service/web']);
    expect(result.files[0]?.file).toBe('symlink-inside/svc.yaml');
  });

  it('refuses a symlinked file that points outside the root', async () => {
    const e = await failure(render(input('symlink-plain')));
    expect(e.message).toBe('symlink-plain/cm.yaml: symlink points outside the source root');
  });

  it('refuses files over the size cap', async () => {
    const e = await failure(render(input('plain', { maxFileBytes: 50 })));
    expect(e.message).toMatch(/^plain\/a\.yaml: file is \d+ bytes, more than the 50 allowed$/);
  });
});

describe('render paths', () => {
  it('reports a missing path as an artifact failure naming the revision', async () => {
    const e = await failure(render(input('./apps/missing', { revision: 'main@sha1:0123abc' })));
    expect(e.reason).toBe(Reasons.ArtifactFailed);
    expect(e.retry).toBe('terminal');
    expect(e.message).toBe('path "./apps/missing" not found in revision main@sha1:0123abc');
  });

  it.each([
    ['../', 'path "../" points outside the source root'],
    ['base/../../x', 'path "base/../../x" points outside the source root'],
    ['/etc', 'path "/etc" must be relative to the source root'],
    ['symlink-dir', 'path "symlink-dir" goes through a symlink that points outside the source root'],
    ['base/kustomization.yaml', 'path "base/kustomization.yaml" is not a directory'],
  ])('refuses path %s', async (path, message) => {
    const e = await failure(render(input(path)));
    expect(e.reason).toBe(Reasons.BuildFailed);
    expect(e.message).toBe(message);
  });
});
