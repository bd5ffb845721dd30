import { describe, expect, it } from 'vitest';
import { Reasons, ReconcileError } from '../../../src/core/types.js';
import type { ParseLimits, ParseOrigin } from '../../../src/plan/parse.js';
import { parseManifests } from '../../../src/plan/parse.js';

const limits: ParseLimits = { maxObjects: 100, maxAliases: 100, maxDepth: 32 };
const file: ParseOrigin = { file: 'apps/web.yaml' };

function cm(name: string, extra = ''): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
}

function failure(fn: () => unknown): ReconcileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReconcileError) return e;
    throw e;
  }
  throw new Error('expected a ReconcileError');
}

describe('parseManifests', () => {
  it('parses documents, skipping empty ones, and records file and document index', () => {
    const yaml = `---\n${cm('a')}---\n# only a comment\n---\n~\n---\n${cm('b')}`;
    const out = parseManifests(yaml, file, limits);
    expect(out.map((m) => [m.manifest.metadata.name, m.source])).toEqual([
      ['a', { file: 'apps/web.yaml', document: 0 }],
      ['b', { file: 'apps/web.yaml', document: 3 }],
    ]);
  });

  it('expands v1 List and typed lists, recursively', () => {
    const yaml = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}',
      '  - apiVersion: v1',
      '    kind: ConfigMapList',
      '    items:',
      '      - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}',
      '',
    ].join('\n');
    expect(parseManifests(yaml, file, limits).map((m) => m.manifest.metadata.name)).toEqual(['a', 'b']);
  });

  it('attributes documents of concatenated files to their file and line', () => {
    const yaml = `${cm('a')}...\n${cm('b')}---\n${cm('c', 'data: {a: 1, a: 2}\n')}`;
    const origin: ParseOrigin = {
      files: [
        { file: 'one.yaml', line: 1 },
        { file: 'two.yaml', line: 6 },
      ],
    };
    const e = failure(() => parseManifests(yaml, origin, limits));
    // The duplicate key is on line 15 of the stream, which is line 10 of two.yaml.
    expect(e.message).toBe('two.yaml:10: invalid YAML: Map keys must be unique');
    expect(e.subject).toBe('two.yaml');
    const ok = parseManifests(`${cm('a')}...\n${cm('b')}---\n${cm('c')}`, origin, limits);
    expect(ok.map((m) => m.source)).toEqual([
      { file: 'one.yaml', document: 0 },
      { file: 'two.yaml', document: 0 },
      { file: 'two.yaml', document: 1 },
    ]);
  });

  it('converts binary and timestamp values to their JSON form', () => {
    const yaml = cm('a', 'binaryData:\n  k: !!binary aGVsbG8=\nstamp: !!timestamp 2024-01-02T03:04:05Z\n');
    const [m] = parseManifests(yaml, file, limits);
    expect(m?.manifest.binaryData).toEqual({ k: 'aGVsbG8=' });
    expect(m?.manifest.stamp).toBe('2024-01-02T03:04:05Z');
  });

  it('resolves merge keys, as the Kubernetes YAML decoder does', () => {
    const yaml = cm('a', 'x: &base {a: 1}\ndata:\n  <<: *base\n  b: "2"\n');
    expect(parseManifests(yaml, file, limits)[0]?.manifest.data).toEqual({ a: 1, b: '2' });
  });

  it.each([
    ['a: 1\na: 2\n', 'apps/web.yaml:2: invalid YAML: Map keys must be unique'],
    [
      `${cm('a')}data: [\n`,
      'apps/web.yaml:6: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      '- a\n- b\n',
      'apps/web.yaml:1: document is not a Kubernetes object (a mapping with apiVersion, kind and metadata), got a sequence',
    ],
    [
      'just text\n',
      'apps/web.yaml:1: document is not a Kubernetes object (a mapping with apiVersion, kind and metadata), got a string of 9 characters',
    ],
    ['kind: ConfigMap\nmetadata: {name: a}\n', 'apps/web.yaml:1: object has no apiVersion'],
    ['apiVersion: v1\nmetadata: {name: a}\n', 'apps/web.yaml:1: object of apiVersion v1 has no kind'],
    ['apiVersion: v1\nkind: ConfigMap\n', 'apps/web.yaml:1: ConfigMap has no metadata'],
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: a-}\n',
      'apps/web.yaml:1: ConfigMap has no metadata.name',
    ],
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 42}\n',
      'apps/web.yaml:1: ConfigMap metadata.name must be a string, got a number (42)',
    ],
    [`${cm('a')}data: {x: .inf}\n`, 'apps/web.yaml:1: Infinity is not a valid JSON number at .data.x'],
    [`${cm('a')}data: !!set {x}\n`, 'apps/web.yaml:1: a YAML set has no JSON form at .data'],
    [
      'apiVersion: v1\nkind: List\nitems: [1]\n',
      'apps/web.yaml:1: List item 0 is not a Kubernetes object, got a number',
    ],
    // A typo in an alias name is not an attack; the line is the alias's own.
    [
      `${cm('a')}data:\n  user: *nobody\n`,
      'apps/web.yaml:6: invalid YAML: unknown alias *nobody (its anchor &nobody must come first)',
    ],
    [
      `${cm('a')}data:\n  user: *later\n  other: &later x\n`,
      'apps/web.yaml:6: invalid YAML: unknown alias *later (its anchor &later must come first)',
    ],
    // go-yaml's reader refuses every control character but tab, LF and CR, and the API server sees the rest.
    [
      `${cm('a')}data:\n  x: "a\u0000b"\n`,
      'apps/web.yaml:6: invalid YAML: NUL character (U+0000) is not allowed',
    ],
    [
      `${cm('a')}data:\n  x: a\u0007b\n`,
      'apps/web.yaml:6: invalid YAML: control character U+0007 is not allowed',
    ],
    [
      `${cm('a')}data:\n  x: a\u007fb\n`,
      'apps/web.yaml:6: invalid YAML: control character U+007F is not allowed',
    ],
    [
      `${cm('a')}data:\n  x: a\u0090b\n`,
      'apps/web.yaml:6: invalid YAML: control character U+0090 is not allowed',
    ],
  ])('refuses %j', (yaml, message) => {
    const e = failure(() => parseManifests(yaml, file, limits));
    expect(e).toMatchObject({
      reason: Reasons.BuildFailed,
      retry: 'terminal',
      message,
      subject: 'apps/web.yaml',
    });
  });
});

describe('parseManifests never quotes content', () => {
  // A token pasted into a manifest file, or written as a bare List item, must not reach the Ready condition.
  it.each([
    ['a bare document', 'ghp_secretsecretsecret\n', 'got a string of 22 characters'],
    [
      'a List item',
      'apiVersion: v1\nkind: List\nitems: [ghp_secretsecretsecret]\n',
      'got a string of 22 characters',
    ],
    ['a numeric document', '123456789\n', 'got a number'],
    ['a List item that is a list', 'apiVersion: v1\nkind: List\nitems: [[ghp_secret]]\n', 'got a sequence'],
  ])('%s', (_, yaml, says) => {
    const e = failure(() => parseManifests(yaml, file, limits));
    expect(e.message).toContain(says);
    expect(e.message).not.toMatch(/ghp_secret|123456789/);
  });
});

describe('parseManifests scalars, as Kubernetes reads them', () => {
  // kubectl and kustomize read 0400 as octal: a Secret mounted 0400 must not become 0620 from a plain directory.
  it('reads leading-zero integers as octal', () => {
    const yaml = `${cm('a')}spec:\n  defaultMode: 0400\n  mode: 0644\n  quoted: "0400"\n`;
    expect(parseManifests(yaml, file, limits)[0]?.manifest.spec).toEqual({
      defaultMode: 256,
      mode: 420,
      quoted: '0400',
    });
  });

  it('keeps YAML 1.1 booleans as strings, as kustomize and Flux apply them', () => {
    const yaml = `${cm('a')}data:\n  a: yes\n  b: off\n  y: n\n  c: true\n`;
    expect(parseManifests(yaml, file, limits)[0]?.manifest.data).toEqual({
      a: 'yes',
      b: 'off',
      y: 'n',
      c: true,
    });
  });
});

describe('parseManifests limits', () => {
  it('refuses a billion laughs alias bomb without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`,
      );
    }
    const yaml = `${cm('bomb')}data:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    const started = Date.now();
    const e = failure(() => parseManifests(yaml, file, limits));
    expect(e.message).toBe(
      'apps/web.yaml:1: document expands too many YAML aliases (limit 100); refusing it as a resource exhaustion attack',
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('allows a few aliases', () => {
    const yaml = `${cm('a')}x: &labels {app: web}\ny: *labels\nz: *labels\n`;
    expect(parseManifests(yaml, file, limits)[0]?.manifest.z).toEqual({ app: 'web' });
  });

  it.each([
    ['flow', (n: number) => `${cm('deep')}data: ${'['.repeat(n)}${']'.repeat(n)}\n`],
    [
      'block',
      (n: number) =>
        `${cm('deep')}data:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')} x\n`,
    ],
  ])('refuses %s nesting deeper than the limit', (_, make) => {
    expect(parseManifests(make(30), file, limits)).toHaveLength(1);
    expect(failure(() => parseManifests(make(40), file, limits)).message).toMatch(
      /^apps\/web\.yaml:1: document nests deeper than 32 levels at \.data/,
    );
  });

  it('refuses nesting too deep for the parser itself', () => {
    const yaml = `${cm('deep')}data: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(failure(() => parseManifests(yaml, file, limits)).message).toMatch(
      /^apps\/web\.yaml:\d+: invalid YAML: document is nested too deeply to parse$/,
    );
  });

  it('streams many empty documents instead of holding them all', () => {
    const started = Date.now();
    expect(parseManifests('---\n'.repeat(100_000) + cm('last'), file, limits)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses more objects than the limit, counting List items', () => {
    const many = Array.from({ length: 101 }, (_, i) => cm(`cm-${i}`)).join('---\n');
    expect(parseManifests(many.split('---\n').slice(0, 100).join('---\n'), file, limits)).toHaveLength(100);
    expect(failure(() => parseManifests(many, file, limits)).message).toBe(
      'apps/web.yaml: more than 100 objects rendered; split the Sync or raise the limit',
    );
    const items = Array.from(
      { length: 101 },
      (_, i) => `  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c${i}}}`,
    );
    const list = `apiVersion: v1\nkind: List\nitems:\n${items.join('\n')}\n`;
    expect(failure(() => parseManifests(list, file, limits)).message).toContain('more than 100 objects');
  });
});
