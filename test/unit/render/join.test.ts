import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/plan/parse.js';
import { joinParts } from '../../../src/render/join.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const limits = { maxObjects: 100, maxAliases: 100, maxDepth: 32 };

describe('joinParts', () => {
  it.each([
    ['plain files', [cm('a'), cm('b')]],
    ['a file starting with ---', [cm('a'), `---\n${cm('b')}`]],
    ['a file ending with ---', [`${cm('a')}---\n`, cm('b')]],
    ['a file ending with ...', [`${cm('a')}...\n`, cm('b')]],
    ['a file with a directive', [cm('a'), `%YAML 1.2\n---\n${cm('b')}`]],
    ['a file without a final newline', [cm('a').trimEnd(), cm('b')]],
    ['a byte order mark', [cm('a'), `\uFEFF${cm('b')}`]],
  ])('keeps documents and files apart with %s', (_, texts) => {
    const { yaml, files } = joinParts(texts.map((text, i) => ({ file: `f${i}.yaml`, text })));
    const parsed = parseManifests(yaml, { files }, limits);
    expect(parsed.map((p) => `${p.source.file}:${p.manifest.metadata.name}`)).toEqual([
      'f0.yaml:a',
      'f1.yaml:b',
    ]);
  });

  it('leaves out files without documents, so their comments cannot merge documents', () => {
    const { yaml, files } = joinParts([
      { file: 'a.yaml', text: cm('a') },
      { file: 'empty.yaml', text: '' },
      { file: 'comments.yaml', text: '# nothing here\n' },
      { file: 'b.yaml', text: `${cm('b')}---\n${cm('c')}` },
    ]);
    expect(files).toEqual([
      { file: 'a.yaml', documents: 1, line: 1 },
      { file: 'b.yaml', documents: 2, line: 6 },
    ]);
    expect(yaml).toBe(`${cm('a')}...\n${cm('b')}---\n${cm('c')}`);
  });

  it('reports errors at the line of the file they are in', () => {
    const { yaml, files } = joinParts([
      { file: 'a.yaml', text: cm('a') },
      { file: 'b.yaml', text: `${cm('b')}data:\n  x: 1\n  x: 2\n` },
    ]);
    expect(() => parseManifests(yaml, { files }, limits)).toThrow(
      'b.yaml:7: invalid YAML: Map keys must be unique',
    );
  });
});
