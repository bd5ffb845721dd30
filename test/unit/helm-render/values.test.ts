import { describe, expect, it } from 'vitest';
import { mergeValues } from '../../../src/render/helm/values-merge.js';
import {
  MAX_INDEX,
  parseValuePath,
  setValuePath,
  typedSetValue,
  ValuePathError,
} from '../../../src/render/helm/values-path.js';
import { targetPathValue } from '../../../src/render/helm/values-resolve.js';

type V = Record<string, unknown>;

describe('mergeValues (helm -f a.yaml -f b.yaml)', () => {
  it.each<[string, V[], V]>([
    ['nothing', [], {}],
    ['one layer is copied as is', [{ a: 1, b: { c: [1, 2] } }], { a: 1, b: { c: [1, 2] } }],
    [
      'mappings merge key by key at every depth',
      [
        { image: { repository: 'nginx', tag: '1.0', pull: { policy: 'Always' } } },
        { image: { tag: '2.0', pull: { secret: 'x' } } },
      ],
      { image: { repository: 'nginx', tag: '2.0', pull: { policy: 'Always', secret: 'x' } } },
    ],
    ['a later scalar replaces', [{ a: 1 }, { a: 'one' }], { a: 'one' }],
    ['lists are replaced, not merged', [{ l: [1, 2, 3] }, { l: [4] }], { l: [4] }],
    ['a list of mappings is replaced too', [{ l: [{ a: 1 }] }, { l: [{ b: 2 }] }], { l: [{ b: 2 }] }],
    ['a mapping replaces a scalar', [{ a: 'x' }, { a: { b: 1 } }], { a: { b: 1 } }],
    ['a scalar replaces a mapping', [{ a: { b: 1 } }, { a: false }], { a: false }],
    [
      'null replaces and is kept, so helm drops the chart default',
      [{ a: { b: 1, c: 2 } }, { a: { b: null } }],
      { a: { b: null, c: 2 } },
    ],
    ['a value after a null restores it', [{ a: null }, { a: { b: 1 } }], { a: { b: 1 } }],
    ['empty mappings change nothing', [{ a: { b: 1 } }, { a: {} }, {}], { a: { b: 1 } }],
    ['three layers, later ones win', [{ a: 1, b: 1, c: 1 }, { b: 2, c: 2 }, { c: 3 }], { a: 1, b: 2, c: 3 }],
  ])('%s', (_name, layers, expected) => {
    expect(mergeValues(layers)).toEqual(expected);
  });

  it('leaves its inputs alone and shares nothing with them', () => {
    const a = { m: { x: 1 }, l: [{ y: 1 }] };
    const b = { m: { z: 2 } };
    const out = mergeValues([a, b]);
    (out.m as V).x = 99;
    ((out.l as V[])[0] as V).y = 99;
    expect(a).toEqual({ m: { x: 1 }, l: [{ y: 1 }] });
    expect(b).toEqual({ m: { z: 2 } });
  });

  it('treats a __proto__ key as data', () => {
    const layer = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as V;
    const out = mergeValues([{}, layer]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as V).polluted).toBeUndefined();
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });
});

describe('setValuePath (helm --set paths)', () => {
  // The cases of Helm's documentation, "The Format and Limitations of --set".
  it.each<[string, V, string, unknown, V]>([
    ['name=value', {}, 'name', 'value', { name: 'value' }],
    ['outer.inner=value', {}, 'outer.inner', 'value', { outer: { inner: 'value' } }],
    ['servers[0].port=80', {}, 'servers[0].port', 80, { servers: [{ port: 80 }] }],
    [
      'servers[0].host after servers[0].port',
      { servers: [{ port: 80 }] },
      'servers[0].host',
      'example',
      { servers: [{ port: 80, host: 'example' }] },
    ],
    [
      'nodeSelector."kubernetes\\.io/role"=master',
      {},
      'nodeSelector.kubernetes\\.io/role',
      'master',
      { nodeSelector: { 'kubernetes.io/role': 'master' } },
    ],
    ['name=null keeps a null for helm to drop', { name: 'x' }, 'name', null, { name: null }],
    ['a list is padded with nulls', {}, 'list[2]', 'x', { list: [null, null, 'x'] }],
    [
      'an existing list keeps its other items',
      { list: ['a', 'b', 'c'] },
      'list[1]',
      'B',
      { list: ['a', 'B', 'c'] },
    ],
    ['nested lists', {}, 'm[1][0]', 1, { m: [null, [1]] }],
    ['siblings stay', { a: { b: 1, c: 2 } }, 'a.b', 3, { a: { b: 3, c: 2 } }],
    ['a scalar in the way becomes a mapping', { a: 'x' }, 'a.b', 1, { a: { b: 1 } }],
    ['a list in the way of a key becomes a mapping', { a: [1] }, 'a.b', 1, { a: { b: 1 } }],
    ['a mapping in the way of an index becomes a list', { a: { b: 1 } }, 'a[0]', 1, { a: [1] }],
    ['a whole mapping can be set', {}, 'a.b', { c: [1] }, { a: { b: { c: [1] } } }],
    ['any character can be escaped', {}, 'a\\[0\\]\\\\', 1, { 'a[0]\\': 1 }],
    ['a closing bracket is part of a key', {}, 'a]b', 1, { 'a]b': 1 }],
  ])('%s', (_name, start, path, value, expected) => {
    const values = structuredClone(start);
    setValuePath(values, path, value);
    expect(values).toEqual(expected);
  });

  it.each([
    ['', 'starts without a key'],
    ['.a', 'starts without a key'],
    ['[0]', 'starts without a key'],
    ['a..b', 'has an empty key at offset 2'],
    ['a.', 'has an empty key at offset 2'],
    ['a[', 'unclosed "["'],
    ['a[x]', 'list index "x" is not a number'],
    ['a[]', 'list index "" is not a number'],
    ['a[-1]', 'negative list indexes are not allowed'],
    [`a[${MAX_INDEX + 1}]`, `list index ${MAX_INDEX + 1} is more than the ${MAX_INDEX} allowed`],
    ['a[0]b', 'expected "." or "[" at offset 4'],
    ['a=b', '"=" must be escaped'],
    ['a,b', '"," must be escaped'],
    ['a\\', 'ends with a lone backslash'],
  ])('refuses %j: %s', (path, problem) => {
    expect(() => parseValuePath(path)).toThrow(ValuePathError);
    expect(() => setValuePath({}, path, 1)).toThrow(problem);
  });

  it('parses steps', () => {
    expect(parseValuePath('a.b\\.c[0][12].d')).toEqual([
      { key: 'a' },
      { key: 'b.c' },
      { index: 0 },
      { index: 12 },
      { key: 'd' },
    ]);
    expect(parseValuePath(`a[${MAX_INDEX}]`)).toEqual([{ key: 'a' }, { index: MAX_INDEX }]);
  });

  it('does not touch the prototype through a __proto__ key', () => {
    const values: V = {};
    setValuePath(values, '__proto__.polluted', true);
    expect(({} as V).polluted).toBeUndefined();
    expect(JSON.stringify(values)).toBe('{"__proto__":{"polluted":true}}');
  });
});

describe('typedSetValue (strvals typedVal)', () => {
  it.each<[string, unknown]>([
    ['true', true],
    ['TRUE', true],
    ['False', false],
    ['null', null],
    ['NULL', null],
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['+7', 7],
    ['-012', -12],
    ['012', '012'],
    ['00', '00'],
    ['1.5', '1.5'],
    ['1e3', '1e3'],
    ['0x1f', '0x1f'],
    ['yes', 'yes'],
    ['', ''],
    ['9007199254740993', '9007199254740993'],
    [' 1', ' 1'],
  ])('%j is %j', (text, expected) => {
    expect(typedSetValue(text)).toStrictEqual(expected);
  });
});

describe('targetPathValue', () => {
  it.each<[string, unknown]>([
    ['3\n', 3],
    ['3\r\n', 3],
    ['3\n\n', '3\n'],
    ['true', true],
    ['"true"', 'true'],
    ["'42'", '42'],
    ['"a', '"a'],
    ['"', '"'],
    ['s3cr3t-p4ss\n', 's3cr3t-p4ss'],
    ['line1\nline2\n', 'line1\nline2'],
  ])('%j is %j', (text, expected) => {
    expect(targetPathValue(text)).toStrictEqual(expected);
  });
});
