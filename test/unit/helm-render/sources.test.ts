import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/plan/parse.js';
import { helmSourceBlocks, helmSourceFiles } from '../../../src/render/helm/sources.js';

const LIMITS = { maxObjects: 100, maxAliases: 100, maxDepth: 64 };

// The shape of `helm template` output: `---`, `# Source:`, the template's output, a blank line.
const STREAM = [
  '---',
  '# Source: app/crds/crds.yaml',
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata:',
  '  name: a.example.com',
  '---',
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata:',
  '  name: b.example.com',
  '---',
  '# Source: app/templates/service.yaml',
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: web',
  '',
  '---',
  '# Source: app/charts/db/templates/config.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: db',
  'data:',
  '  broken: a: b',
  '',
].join('\n');

describe("helm's # Source: comments", () => {
  it('give one entry per block, starting after the comment, counting documents', () => {
    expect(helmSourceFiles(STREAM)).toEqual([
      { file: 'app/crds/crds.yaml', documents: 2, line: 3 },
      { file: 'app/templates/service.yaml', documents: 1, line: 14 },
      { file: 'app/charts/db/templates/config.yaml', documents: 1, line: 21 },
    ]);
  });

  it('let a YAML error name the template and the line in its output', () => {
    const files = helmSourceFiles(STREAM);
    expect(() => parseManifests(STREAM, { files }, LIMITS)).toThrow(
      /^app\/charts\/db\/templates\/config\.yaml:6: invalid YAML/,
    );
  });

  it('give parsed objects their template as source', () => {
    const stream = STREAM.replace('  broken: a: b', '  ok: "1"');
    const parsed = parseManifests(stream, { files: helmSourceFiles(stream) }, LIMITS);
    expect(parsed.map((p) => [p.manifest.metadata.name, p.source])).toEqual([
      ['a.example.com', { file: 'app/crds/crds.yaml', document: 0 }],
      ['b.example.com', { file: 'app/crds/crds.yaml', document: 1 }],
      ['web', { file: 'app/templates/service.yaml', document: 0 }],
      ['db', { file: 'app/charts/db/templates/config.yaml', document: 0 }],
    ]);
  });

  it('count the documents of one template rendered as several blocks under the same name', () => {
    const stream = '---\n# Source: a/templates/x.yaml\nkind: A\n---\n# Source: a/templates/x.yaml\nkind: B\n';
    expect(helmSourceFiles(stream)).toEqual([
      { file: 'a/templates/x.yaml', documents: 1, line: 3 },
      { file: 'a/templates/x.yaml', documents: 1, line: 6 },
    ]);
  });

  it('are only read right after a document start', () => {
    expect(helmSourceFiles('kind: A\n# Source: not/a/header.yaml\n')).toEqual([]);
    expect(helmSourceFiles('')).toEqual([]);
  });

  it('split a stream into blocks', () => {
    expect(helmSourceBlocks(STREAM).map((b) => [b.file, b.text.split('\n').length])).toEqual([
      ['app/crds/crds.yaml', 10],
      ['app/templates/service.yaml', 6],
      ['app/charts/db/templates/config.yaml', 8],
    ]);
    expect(helmSourceBlocks('kind: A\n')).toEqual([{ file: '', text: 'kind: A\n\n' }]);
    expect(helmSourceBlocks('---\n# Source: x.yaml\n\n')).toEqual([]);
  });
});
