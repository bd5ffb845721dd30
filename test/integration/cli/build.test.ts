/** `steward build`: the agent's render on a local directory, printed as YAML; errors name the file. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildCommand, runBuild, type SyncArgs } from '../../../src/cli/build.js';
import { buildLocal, ownerLabels } from '../../../src/render/index.js';
import { captureIO, copyFixture, PATH_ENV, runCommandLine } from './helpers.js';

let repo: Awaited<ReturnType<typeof copyFixture>>;
beforeAll(async () => {
  repo = await copyFixture();
});
afterAll(async () => repo.remove());

const VARS = { DB_PASSWORD: 'build-planted-pw', REPLICAS: '4' };
const kustomize = { command: 'kubectl', args: ['kustomize'], pathEnv: PATH_ENV };

describe('runBuild', () => {
  it('prints exactly what buildLocal gives, owner labels included', async () => {
    const args: SyncArgs = {
      dir: repo.root,
      path: './app',
      substitute: VARS,
      targetNamespace: 'team-a',
      sync: { name: 'web', namespace: 'team-a' },
    };
    const io = captureIO();
    expect(await runBuild(args, io)).toBe(0);
    const { yaml, objects } = await buildLocal(repo.root, {
      path: './app',
      kustomize,
      vars: VARS,
      targetNamespace: 'team-a',
      ownerLabels: ownerLabels({ name: 'web', namespace: 'team-a' }),
    });
    expect(io.out).toBe(yaml);
    expect(io.err).toBe('');
    // Apply order: the Namespace first, and every namespaced object moved to the target namespace.
    const docs = parseAllDocuments(io.out).map(
      (d) => d.toJS() as { kind: string; metadata: Record<string, unknown> },
    );
    expect(docs.map((d) => d.kind)).toEqual(objects.map((o) => o.ref.kind));
    expect(docs[0]?.kind).toBe('Namespace');
    expect(docs.filter((d) => d.kind !== 'Namespace').every((d) => d.metadata.namespace === 'team-a')).toBe(
      true,
    );
    expect(
      docs.every((d) => (d.metadata.labels as Record<string, string>)['steward.dev/name'] === 'web'),
    ).toBe(true);
  });

  it('exits 1 with the file name when a manifest does not parse', async () => {
    const io = captureIO();
    expect(await runBuild({ dir: repo.root, path: './broken', substitute: {} }, io)).toBe(1);
    expect(io.out).toBe('');
    expect(io.err).toMatch(/^error: .*broken\/bad\.yaml/);
  });

  it('exits 1 when the path is not in the repository', async () => {
    const io = captureIO();
    expect(await runBuild({ dir: repo.root, path: './missing', substitute: {} }, io)).toBe(1);
    expect(io.err).toContain('missing');
  });

  it('exits 1 naming the config file when it cannot be read', async () => {
    const io = captureIO();
    const code = await runBuild(
      { dir: repo.root, path: './app', substitute: VARS, config: `${repo.work}/nope.yaml` },
      io,
    );
    expect(code).toBe(1);
    expect(io.err).toContain('nope.yaml');
  });
});

describe('steward build (command line)', () => {
  it('parses the options and prints the render', async () => {
    const io = captureIO();
    const r = await runCommandLine(
      buildCommand(io),
      [
        repo.root,
        '--path',
        'app',
        '--substitute',
        'DB_PASSWORD=x',
        'REPLICAS=3',
        '--sync-name',
        'web',
        '--sync-namespace',
        'shop',
      ],
      io,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('replicas: 3');
    expect(r.out).toContain('steward.dev/namespace: shop');
  });

  it.each([
    { name: 'a variable without a value', argv: ['--substitute', 'NOPE'], message: 'expected KEY=VALUE' },
    {
      name: 'a Sync name without its namespace',
      argv: ['--sync-name', 'web'],
      message: '--sync-name and --sync-namespace go together',
    },
    { name: 'an unknown option', argv: ['--bogus'], message: "unknown option '--bogus'" },
  ])('exits 2 on bad usage: $name', async ({ argv, message }) => {
    const io = captureIO();
    const r = await runCommandLine(buildCommand(io), [repo.root, ...argv], io);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });

  it('exits 2 without a directory', async () => {
    const io = captureIO();
    const r = await runCommandLine(buildCommand(io), [], io);
    expect(r.code).toBe(2);
    expect(r.err).toContain("missing required argument 'dir'");
  });
});
