import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { HelmSourceError } from '../../../src/sources/helm/errors.js';
import { parseIndex } from '../../../src/sources/helm/index-parse.js';
import type { ParsedIndex } from '../../../src/sources/helm/types.js';

/** An index as `helm repo index` writes it (go-yaml: compact sequences, two-space indentation). */
const HELM_INDEX = `apiVersion: v1
entries:
  podinfo:
  - annotations:
      artifacthub.io/images: |
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.5.0
    apiVersion: v2
    appVersion: 6.5.0
    created: "2023-11-01T10:00:00.000000000Z"
    description: |-
      Podinfo Helm chart for Kubernetes
      - with a line that looks like a list entry
    digest: 2b4c3c0e5a0f3e6c79c43e9b0c1e8e6c2d0d3b5f5c3a9e6f9c3d3b2a1f0e9d8c
    home: https://github.com/stefanprodan/podinfo
    kubeVersion: '>=1.23.0-0'
    maintainers:
    - email: stefanprodan@users.noreply.github.com
      name: stefanprodan
    name: podinfo
    sources:
    - https://github.com/stefanprodan/podinfo
    urls:
    - podinfo-6.5.0.tgz
    version: 6.5.0
  - apiVersion: v2
    created: "2023-06-01T10:00:00Z"
    digest: 1111111111111111111111111111111111111111111111111111111111111111
    name: podinfo
    urls:
    - https://charts.example.com/podinfo-6.10.0.tgz
    - https://mirror.example.com/podinfo-6.10.0.tgz
    version: 6.10.0
  - apiVersion: v2
    name: podinfo
    urls:
    - podinfo-7.0.0-rc.1.tgz
    version: 7.0.0-rc.1
  redis:
  - apiVersion: v2
    dependencies:
    - name: common
      repository: oci://registry-1.docker.io/bitnamicharts
      version: 2.x.x
    name: redis
    type: application
    urls:
    - redis-18.0.0.tgz
    version: 18.0.0
generated: "2023-11-01T10:00:00.000000000Z"
serverInfo:
  contextPath: /charts
`;

/** The same kind of index with sequences indented under their keys, four spaces a level. */
const INDENTED = `apiVersion: v1
entries:
    podinfo:
        -   apiVersion: v2
            name: podinfo
            description: >
                folded
                - text
            urls:
                - podinfo-6.5.0.tgz
            version: 6.5.0
        -   apiVersion: v2
            name: podinfo
            urls:
                  - podinfo-6.4.0.tgz
            version: 6.4.0
generated: "2023-11-01T10:00:00Z"
`;

/** What both ways of parsing must agree on. */
function shape(index: ParsedIndex): unknown {
  return {
    apiVersion: index.apiVersion,
    generated: index.generated,
    versions: index.versions,
    skippedCount: index.skippedCount,
    skipped: index.skipped,
    entries: Object.fromEntries(index.entries),
  };
}

/** Parses `text` through the scanner and as one document, checks they agree, and returns the result. */
function both(text: string): ParsedIndex {
  const scanned = parseIndex(text);
  const whole = parseIndex(text, { wholeDocument: true });
  expect(shape(scanned)).toEqual(shape(whole));
  return scanned;
}

function invalid(text: string, opts = {}): HelmSourceError {
  let caught: unknown;
  try {
    parseIndex(text, { what: 'index.yaml of HelmRepository default/charts', ...opts });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(HelmSourceError);
  expect((caught as HelmSourceError).code).toBe('InvalidIndex');
  expect((caught as HelmSourceError).message).toContain('index.yaml of HelmRepository default/charts');
  return caught as HelmSourceError;
}

describe('parseIndex', () => {
  it('reads a helm-written index into the model, versions highest first', () => {
    const index = both(HELM_INDEX);
    expect(index.apiVersion).toBe('v1');
    expect(index.generated).toBe('2023-11-01T10:00:00.000000000Z');
    expect([...index.entries.keys()]).toEqual(['podinfo', 'redis']);
    expect(index.versions).toBe(4);
    expect(index.entries.get('podinfo')?.map((v) => v.version)).toEqual(['7.0.0-rc.1', '6.10.0', '6.5.0']);
    expect(index.entries.get('podinfo')?.[2]).toEqual({
      name: 'podinfo',
      version: '6.5.0',
      urls: ['podinfo-6.5.0.tgz'],
      digest: '2b4c3c0e5a0f3e6c79c43e9b0c1e8e6c2d0d3b5f5c3a9e6f9c3d3b2a1f0e9d8c',
      created: '2023-11-01T10:00:00.000000000Z',
      apiVersion: 'v2',
    });
    expect(index.entries.get('podinfo')?.[1]?.urls).toHaveLength(2);
    expect(index.entries.get('redis')?.[0]).toMatchObject({ type: 'application', version: '18.0.0' });
  });

  it('reads scalars as strings, as helm does: version 1.10 stays 1.10', () => {
    const index = both('apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.10\n    urls: [a.tgz]\n');
    expect(index.entries.get('a')?.[0]?.version).toBe('1.10');
  });

  it.each([
    ['indented sequences and four-space indentation', INDENTED],
    ['CRLF line endings', HELM_INDEX.replace(/\n/g, '\r\n')],
    [
      'comments and blank lines everywhere',
      HELM_INDEX.replace(/\n {2}- /g, '\n# a comment\n\n  # another\n  - '),
    ],
    ['a document start marker', `---\n${HELM_INDEX}`],
    ['a BOM', `\uFEFF${HELM_INDEX}`],
    [
      'quoted keys and values',
      HELM_INDEX.replace('  redis:', '  "redis":').replace('version: 18.0.0', "version: '18.0.0'"),
    ],
    [
      'escapes and quotes in kept values',
      HELM_INDEX.replace('name: redis\n', 'name: "r\\u0065dis"\n').replace(
        "kubeVersion: '>=1.23.0-0'",
        "kubeVersion: 'it''s'",
      ),
    ],
    [
      'flow lists in kept keys',
      HELM_INDEX.replace('urls:\n    - redis-18.0.0.tgz', 'urls: [redis-18.0.0.tgz, "b.tgz"]'),
    ],
    [
      'an item whose keys start on the next line',
      HELM_INDEX.replace(
        '  - apiVersion: v2\n    dependencies:',
        '  -\n    apiVersion: v2\n    dependencies:',
      ),
    ],
    [
      'an alias to an anchor in a dropped key',
      HELM_INDEX.replace('home: https://github.com/stefanprodan/podinfo', 'home: &n podinfo').replace(
        '    name: podinfo\n    sources',
        '    name: *n\n    sources',
      ),
    ],
    [
      'an alias to an anchor in another item',
      HELM_INDEX.replace('home: https://github.com/stefanprodan/podinfo', 'home: &n podinfo').replace(
        '    name: podinfo\n    urls:\n    - podinfo-7',
        '    name: *n\n    urls:\n    - podinfo-7',
      ),
    ],
    ['trailing document end marker', `${HELM_INDEX}...\n`],
    ['entries in flow style', 'apiVersion: v1\nentries: {a: [{name: a, version: 1.0.0, urls: [a.tgz]}]}\n'],
    [
      'an empty chart list inline',
      'apiVersion: v1\nentries:\n  a: []\n  b:\n  - name: b\n    version: 1.0.0\n',
    ],
    ['entries: {}', 'apiVersion: v1\nentries: {}\ngenerated: "x"\n'],
    ['no entries at all', 'apiVersion: v1\n'],
    ['a whole document in flow style', '{apiVersion: v1, entries: {a: [{name: a, version: 1.0.0}]}}'],
    [
      'a multi-line plain scalar in a kept key',
      'apiVersion: v1\nentries:\n  a:\n  - name: a\n    created: 2023-01-01\n      T10:00:00Z\n    version: 1.0.0\n',
    ],
    ['a chart listed twice', 'apiVersion: v1\nentries:\n  a:\n  - {name: a, version: 1.0.0}\n  b: []\n'],
  ])('agrees with a whole-document parse for %s', (_, text) => {
    const index = both(text);
    expect(index.apiVersion).toBe('v1');
  });

  it('keeps the values through the variants (not just agreement)', () => {
    const escaped = both(HELM_INDEX.replace('name: redis\n', 'name: "r\\u0065dis"\n'));
    expect(escaped.entries.get('redis')?.[0]?.name).toBe('redis');
    const crlf = both(HELM_INDEX.replace(/\n/g, '\r\n'));
    expect(crlf.entries.get('podinfo')?.[0]?.urls).toEqual(['podinfo-7.0.0-rc.1.tgz']);
    const aliased = both(
      HELM_INDEX.replace('home: https://github.com/stefanprodan/podinfo', 'home: &n podinfo').replace(
        '    name: podinfo\n    sources',
        '    name: *n\n    sources',
      ),
    );
    expect(aliased.entries.get('podinfo')?.[2]?.name).toBe('podinfo');
  });

  it('reads a JSON index', () => {
    const json = JSON.stringify(parseYaml(HELM_INDEX, { schema: 'failsafe' }));
    const index = parseIndex(json);
    expect(shape(index)).toEqual(shape(parseIndex(HELM_INDEX)));
  });

  it('parses a large generated index in pieces, with the same result', () => {
    let text = 'apiVersion: v1\nentries:\n';
    for (let c = 0; c < 40; c++) {
      text += `  chart-${c}:\n`;
      for (let v = 0; v < 50; v++)
        text += `  - apiVersion: v2\n    description: chart ${c}\n    digest: ${String(v).padStart(64, '0')}\n    name: chart-${c}\n    urls:\n    - chart-${c}-1.${v}.0.tgz\n    version: 1.${v}.0\n`;
    }
    const index = both(text);
    expect(index.versions).toBe(2000);
    expect(index.entries.get('chart-7')?.[0]?.version).toBe('1.49.0');
  });

  it('skips the chart versions helm would refuse, and says which and why', () => {
    const index = both(`apiVersion: v1
entries:
  a:
  - name: a
    version: not-a-version
  - version: 1.0.0
  - name: a
    version: 2.0.0
    type: plugin
  - name: a
    version: 3.0.0
    urls: a.tgz
  - name: a
    version: v4.1
    urls:
    - a-4.1.tgz
  -
  b: a string
`);
    expect(index.entries.get('a')?.map((v) => v.version)).toEqual(['v4.1']);
    expect(index.skippedCount).toBe(6);
    expect(index.skipped).toEqual([
      { chart: 'a', version: 'not-a-version', reason: "version 'not-a-version' is not a semantic version" },
      { chart: 'a', version: '1.0.0', reason: expect.stringMatching(/^name: /) },
      { chart: 'a', version: '2.0.0', reason: "type 'plugin' is neither application nor library" },
      { chart: 'a', version: '3.0.0', reason: expect.stringMatching(/^urls: expected array/) },
      { chart: 'a', reason: 'empty entry' },
      { chart: 'b', reason: 'not a list of chart versions' },
    ]);
  });

  it('defaults a missing apiVersion of a chart version to v1, as helm does', () => {
    const index = both('apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n');
    expect(index.entries.get('a')?.[0]?.apiVersion).toBe('v1');
  });

  it('names the line of a YAML error, as in the whole document', () => {
    const broken = HELM_INDEX.replace('    name: redis\n', '    name: [redis\n');
    const line = broken.split('\n').findIndex((l) => l.includes('[redis')) + 1;
    const err = invalid(broken);
    expect(err.message).toMatch(new RegExp(`is not valid YAML: line ${line + 1}, column \\d+: `));
    const whole = invalid(broken, { wholeDocument: true });
    expect(whole.message).toMatch(new RegExp(`line ${line + 1}, column`));
  });

  it.each([
    [
      'an HTML page',
      '<!DOCTYPE html>\n<html><body>Not here</body></html>\n',
      /has no apiVersion|not a Helm repository index|not valid YAML/,
    ],
    [
      'a document without apiVersion',
      'entries:\n  a: []\n',
      /has no apiVersion: it is not a Helm repository index/,
    ],
    ['a list', '- a\n- b\n', /not a Helm repository index \(not a mapping\)/],
    ['entries as a list', 'apiVersion: v1\nentries:\n- a\n', /entries must be a mapping of chart names/],
    ['an apiVersion that is a mapping', 'apiVersion:\n  a: b\nentries: {}\n', /apiVersion: expected string/],
    ['an empty file', '', /has no apiVersion/],
    [
      'broken JSON-looking YAML',
      '{apiVersion: v1, entries: {a: [}\n',
      /is not valid YAML: line 1, column \d+/,
    ],
  ])('refuses %s with a clear error', (_, text, message) => {
    expect(invalid(text).message).toMatch(message);
  });

  it('refuses to parse a large index that is not in block layout as one document', () => {
    const flow = `{apiVersion: v1, entries: {a: [${Array.from({ length: 200 }, (_, i) => `{name: a, version: 1.${i}.0}`).join(', ')}]}}`;
    expect(parseIndex(flow).versions).toBe(200);
    const err = invalid(flow, { maxWholeParseBytes: 1000 });
    expect(err.message).toMatch(
      /not laid out in block style .* too large to parse as one document \(limit 1000 bytes\)/,
    );
  });
});
