/**
 * scanKustomization on real trees: every YAML file kustomize will read is parsed first with the agent's alias
 * limit (kustomize has none: a 700-byte bomb in a resource takes it past 8 GB), and every refusal is a terminal
 * BuildFailed that names the file relative to the root, never the host path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Reasons, ReconcileError } from '../../../src/core/types.js';
import { scanKustomization } from '../../../src/render/kustomize-scan.js';
import type { Entry } from './fs-tree.js';
import { aliasBomb, tree } from './fs-tree.js';

const opts = { allowHelmCharts: false, maxFileBytes: 1024 * 1024 };
let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function scan(entries: Record<string, Entry>, dir = '') {
  const t = await tree(entries);
  cleanup = t.cleanup;
  return { root: t.root, result: scanKustomization(t.root, dir === '' ? t.root : `${t.root}/${dir}`, opts) };
}

async function refusal(
  entries: Record<string, Entry>,
  dir = '',
): Promise<{ e: ReconcileError; root: string }> {
  const { root, result } = await scan(entries, dir);
  const e = await result.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ReconcileError)) throw new Error(`expected a ReconcileError, got ${String(e)}`);
  expect(e).toMatchObject({ reason: Reasons.BuildFailed, retry: 'terminal' });
  expect(e.message).not.toContain(root);
  return { e, root };
}

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
const bomb = aliasBomb(5);
const TOO_MANY =
  'too many YAML aliases (limit 100 per document); refusing it as a resource exhaustion attack';

describe('scanKustomization vets every YAML file kustomize reads', () => {
  it.each<[string, Record<string, Entry>, string]>([
    [
      'a resource',
      { 'kustomization.yaml': 'resources: [cm.yaml, lol.yaml]\n', 'cm.yaml': cm, 'lol.yaml': bomb },
      'lol.yaml',
    ],
    [
      'a resource of a base',
      {
        'overlay/kustomization.yaml': 'resources: [../base]\n',
        'base/kustomization.yaml': 'resources: [lol.yaml]\n',
        'base/lol.yaml': bomb,
      },
      'base/lol.yaml',
    ],
    [
      'a patch',
      {
        'kustomization.yaml': 'resources: [cm.yaml]\npatches:\n  - path: lol.yaml\n',
        'cm.yaml': cm,
        'lol.yaml': bomb,
      },
      'lol.yaml',
    ],
    [
      'a strategic merge patch',
      { 'kustomization.yaml': 'patchesStrategicMerge: [lol.yaml]\n', 'lol.yaml': bomb },
      'lol.yaml',
    ],
    ['a CRD', { 'kustomization.yaml': 'crds: [lol.yaml]\n', 'lol.yaml': bomb }, 'lol.yaml'],
    [
      'a replacement',
      { 'kustomization.yaml': 'replacements:\n  - path: lol.yaml\n', 'lol.yaml': bomb },
      'lol.yaml',
    ],
    [
      'a component',
      {
        'kustomization.yaml': 'components: [comp]\n',
        'comp/kustomization.yaml': 'kind: Component\nresources: [lol.yaml]\n',
        'comp/lol.yaml': bomb,
      },
      'comp/lol.yaml',
    ],
    [
      'a patch named by a builtin plugin',
      {
        'kustomization.yaml': 'transformers: [patch.yaml]\n',
        'patch.yaml': 'apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\npath: lol.yaml\n',
        'lol.yaml': bomb,
      },
      'lol.yaml',
    ],
  ])('refuses an alias bomb in %s, naming the file', async (_, entries, file) => {
    const overlay = Object.keys(entries)[0]?.startsWith('overlay/') ? 'overlay' : '';
    const { e } = await refusal(entries, overlay);
    expect(e.message).toBe(`${file}: ${TOO_MANY}`);
    expect(e.subject).toBe(file);
  });

  it('allows a few aliases, an unknown alias and broken YAML, which kustomize reports itself', async () => {
    const { result } = await scan({
      'kustomization.yaml': 'resources: [a.yaml, b.yaml, c.yaml]\n',
      'a.yaml': `${cm}data: &d {x: "1"}\nother: *d\n`,
      'b.yaml': `${cm}data: *nobody\n`,
      'c.yaml': `${cm}data: [unclosed\n`,
    });
    await expect(result).resolves.toMatchObject({ kustomizations: ['kustomization.yaml'] });
  });

  it('reads generator sources as data, not YAML', async () => {
    const { result } = await scan({
      'kustomization.yaml': 'configMapGenerator:\n  - name: g\n    files: [notes.txt]\n    envs: [app.env]\n',
      'notes.txt': `${aliasBomb(5)}*undefined\n: not yaml at all {[\n`,
      'app.env': 'A=*b\n',
    });
    await expect(result).resolves.toBeDefined();
  });

  it.each<[string, Record<string, Entry>, string]>([
    [
      'invalid UTF-8 in a resource',
      {
        'kustomization.yaml': 'resources: [bad.yaml]\n',
        'bad.yaml': Buffer.from([...Buffer.from(`${cm}data:\n  x: "`), 0xff, 0x22, 0x0a]),
      },
      'bad.yaml:6: invalid UTF-8 (the file must be UTF-8 text)',
    ],
    [
      'a NUL byte in a resource',
      { 'kustomization.yaml': 'resources: [bad.yaml]\n', 'bad.yaml': `${cm}data:\n  x: a\u0000b\n` },
      'bad.yaml:6: invalid YAML: NUL character (U+0000) is not allowed',
    ],
    [
      'a kustomization that is a sequence',
      { 'kustomization.yaml': '- cm.yaml\n', 'cm.yaml': cm },
      'kustomization.yaml: must be a mapping of kustomization fields, got a sequence',
    ],
    [
      'a kustomization that is a string',
      { 'kustomization.yaml': 'resources\n' },
      'kustomization.yaml: must be a mapping of kustomization fields, got a string',
    ],
    [
      'an alias bomb in the kustomization',
      { 'kustomization.yaml': `${aliasBomb(5)}resources: []\n` },
      `kustomization.yaml: ${TOO_MANY}`,
    ],
    [
      'a resource that is a symlink loop',
      { 'kustomization.yaml': 'resources: [loop.yaml]\n', 'loop.yaml': { link: 'loop.yaml' } },
      'kustomization.yaml: resources entry "loop.yaml" is a symlink loop (too many levels of symbolic links)',
    ],
    [
      'a base reached through a looping directory link',
      { 'kustomization.yaml': 'resources: [a/base]\n', a: { link: 'b' }, b: { link: 'a' } },
      'kustomization.yaml: resources entry "a/base" is a symlink loop (too many levels of symbolic links)',
    ],
    [
      'a kustomization file that is a symlink loop',
      {
        'kustomization.yaml': 'resources: [base]\n',
        'base/kustomization.yaml': { link: 'kustomization.yaml' },
      },
      'base/kustomization.yaml: symlink is a loop (too many levels of symbolic links)',
    ],
    [
      'an s3:: remote base',
      { 'kustomization.yaml': 'resources: ["s3::https://s3.amazonaws.com/bucket/base"]\n' },
      'kustomization.yaml: remote resources entry "s3::https://s3.amazonaws.com/bucket/base" is not allowed; vendor it into the repository',
    ],
  ])('refuses %s', async (_, entries, message) => {
    const { e } = await refusal(entries);
    expect(e.message).toBe(message);
  });

  it('accepts an empty kustomization, which kustomize builds to nothing', async () => {
    const { result } = await scan({ 'kustomization.yaml': '# nothing yet\n' });
    await expect(result).resolves.toBeDefined();
  });
});
