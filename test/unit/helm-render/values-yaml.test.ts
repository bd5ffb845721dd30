import { describe, expect, it } from 'vitest';
import { MAX_VALUES_DEPTH, parseValuesText } from '../../../src/render/helm/values-yaml.js';

function values(text: string): unknown {
  const parsed = parseValuesText(text);
  if (!parsed.ok) throw new Error(`unexpected problem: ${parsed.problem.message}`);
  return parsed.values;
}

function problem(text: string): { line?: number; message: string } {
  const parsed = parseValuesText(text);
  if (parsed.ok) throw new Error('expected a problem');
  return parsed.problem;
}

// Each expectation is what `helm template` itself made of the same text (toJson .Values), measured with helm 4.
describe('parseValuesText reads values as helm does', () => {
  it.each<[string, string, unknown]>([
    ['an empty text', '', {}],
    ['a comment', '# nothing\n', {}],
    [
      'YAML 1.1 booleans',
      'a: yes\nb: Y\nc: NO\nd: on\ne: Off\nf: "yes"\n',
      { a: true, b: true, c: false, d: true, e: false, f: 'yes' },
    ],
    ['boolean keys', 'y: 1\nn: 2\non: 3\n', { true: 3, false: 2 }],
    [
      'go-yaml v2 numbers',
      'a: 0755\nb: 0x1f\nc: 1_000\nd: .5\ne: 1e3\nf: 0b101\ng: +12\nh: 0800\n',
      { a: 493, b: 31, c: 1000, d: 0.5, e: 1000, f: 5, g: 12, h: 800 },
    ],
    ['a float too large for float64 stays a string', 'o: 1e400\n', { o: '1e400' }],
    ['nulls', 'a: ~\nb: null\nc: Null\nd:\n', { a: null, b: null, c: null, d: null }],
    ['timestamps and base 60 stay strings', 'g: 2001-12-14\ni: 1:20\n', { g: '2001-12-14', i: '1:20' }],
    ['!!binary is decoded', 'b: !!binary aGVsbG8=\n', { b: 'hello' }],
    ['explicit tags', 'a: !!str 12\nb: !!int "7"\nd: !!float 3\n', { a: '12', b: 7, d: 3 }],
    ['duplicate keys: the last wins', 'a: 1\na: 2\n', { a: 2 }],
    ['merge keys', 'x: &a {p: 1, q: 2}\ny2:\n  <<: *a\n  p: 9\n', { x: { p: 1, q: 2 }, y2: { p: 9, q: 2 } }],
    ['every document is a layer', 'a: {b: 1}\n---\na: 5\n---\na: {c: 1}\nd: 1\n', { a: { c: 1 }, d: 1 }],
    ['documents merge deeply', 'b: {x: 1}\n---\nb: {z: 2}\n', { b: { x: 1, z: 2 } }],
    ['empty documents are skipped', '---\n# c\n---\na: 2\n...\n', { a: 2 }],
    ['JSON', '{"a": [1, "two", {"three": 3}]}', { a: [1, 'two', { three: 3 }] }],
  ])('%s', (_name, text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it.each<[string, string, number | undefined, RegExp]>([
    ['a list', '- 1\n- 2\n', 1, /is a list, not a mapping/],
    ['a scalar', 'just text\n', 1, /is a string, not a mapping/],
    ['a list in a later document', 'a: 1\n---\n- 1\n', 3, /is a list, not a mapping/],
    ['infinity', 'a: .inf\n', 1, /has no JSON form/],
    ['NaN', 'a: [.nan]\n', 1, /has no JSON form/],
    ['a syntax error', 'a: b: c\n', 1, /^invalid YAML \(/],
    ['bad indentation', 'a:\n  b: 1\n c: 2\n', 3, /^invalid YAML \(/],
    ['an unknown alias', 'a: *nope\n', 1, /alias refers to an anchor not defined/],
    ['a control character', 'a: "\u0007"\n', 1, /control character U\+0007/],
  ])('refuses %s', (_name, text, line, message) => {
    const p = problem(text);
    expect(p.line).toBe(line);
    expect(p.message).toMatch(message);
  });

  it('never quotes the content in a problem', () => {
    for (const text of ['password: hunter2: x\n', 'password: [hunter2\n', '- hunter2\n', 'p: "hunter2\n']) {
      expect(JSON.stringify(problem(text))).not.toContain('hunter2');
    }
  });

  it('refuses an alias bomb', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    expect(problem(`${lines.join('\n')}\n`).message).toMatch(/resource exhaustion/);
  });

  it('refuses nesting deeper than the limit', () => {
    const deep = `a: ${'['.repeat(MAX_VALUES_DEPTH + 2)}${']'.repeat(MAX_VALUES_DEPTH + 2)}\n`;
    expect(problem(deep).message).toMatch(/nest deeper than|nested too deeply/);
  });
});
