import { describe, expect, it } from 'vitest';
import {
  decodeFieldsV1,
  encodeFieldsV1,
  FieldSet,
  fieldElement as f,
  keyElement,
  type Path,
  type PathElement,
  parseElement,
  pathString,
  serializeElement,
} from '../../../../src/sandbox/ssa/index.js';

const k = (fields: Record<string, unknown>): PathElement =>
  keyElement(Object.entries(fields).map(([name, value]) => ({ name, value })));
const v = (value: unknown): PathElement => ({ kind: 'value', value });
const i = (index: number): PathElement => ({ kind: 'index', index });

// smd fieldpath/serialize-pe.go: f:<name>, k:<compact JSON with sorted keys>, v:<JSON>, i:<n>.
describe('path element serialization', () => {
  it.each<[PathElement, string]>([
    [f('replicas'), 'f:replicas'],
    [f('kubernetes.io/name'), 'f:kubernetes.io/name'],
    [k({ name: 'nginx' }), 'k:{"name":"nginx"}'],
    [k({ protocol: 'TCP', containerPort: 80 }), 'k:{"containerPort":80,"protocol":"TCP"}'],
    [v('example.com/finalizer'), 'v:"example.com/finalizer"'],
    [v(3), 'v:3'],
    [i(2), 'i:2'],
    // Go's JSON encoder escapes HTML characters inside keys and values.
    [k({ name: 'a<b>&c' }), 'k:{"name":"a\\u003cb\\u003e\\u0026c"}'],
  ])('%j serializes as %s', (pe, s) => {
    expect(serializeElement(pe)).toBe(s);
    expect(serializeElement(parseElement(s) as PathElement)).toBe(s);
  });

  // Unknown element kinds are skipped, as DeserializePathElement returns ErrUnknownPathElementType.
  it('ignores unknown prefixes', () => {
    expect(parseElement('x:whatever')).toBeUndefined();
  });
});

// smd fieldpath/path.go and element.go String(): the syntax of conflict messages.
describe('path strings', () => {
  it.each<[Path, string]>([
    [[f('spec'), f('replicas')], '.spec.replicas'],
    [
      [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'nginx' }), f('image')],
      '.spec.template.spec.containers[name="nginx"].image',
    ],
    [[f('spec'), f('ports'), k({ protocol: 'TCP', port: 80 })], '.spec.ports[port=80,protocol="TCP"]'],
    [[f('metadata'), f('finalizers'), v('x')], '.metadata.finalizers[="x"]'],
    [[f('spec'), f('args'), i(0)], '.spec.args[0]'],
  ])('%# renders as %s', (path, s) => {
    expect(pathString(path)).toBe(s);
  });
});

// smd fieldpath/serialize.go emitContentsV1: leaves are {}, a member with children gets ".": {} first, and
// keys follow PathElement.Compare (fields < keys < values < indexes).
describe('FieldsV1 encoding', () => {
  it('writes the trie in smd order with "." markers', () => {
    const set = FieldSet.of(
      [f('spec'), f('replicas')],
      [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'sidecar' })],
      [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'sidecar' }), f('image')],
      [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'app' }), f('name')],
      [f('metadata'), f('finalizers'), v('b')],
      [f('metadata'), f('finalizers'), v('a')],
      [f('metadata'), f('labels'), f('app')],
    );
    const encoded = encodeFieldsV1(set);
    expect(JSON.stringify(encoded)).toBe(
      '{"f:metadata":{"f:finalizers":{"v:\\"a\\"":{},"v:\\"b\\"":{}},"f:labels":{"f:app":{}}},' +
        '"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{' +
        '"k:{\\"name\\":\\"app\\"}":{"f:name":{}},"k:{\\"name\\":\\"sidecar\\"}":{".":{},"f:image":{}}}}}}}',
    );
  });

  // A real entry from kubectl 1.3x (kube-api-facts §2 managedFields), decoded and written back unchanged.
  it.each([
    {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    },
    {
      'f:status': {
        'f:conditions': {
          '.': {},
          'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} },
        },
        'f:replicas': {},
      },
    },
    { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } } },
    { 'f:metadata': { 'f:finalizers': { '.': {}, 'v:"kubernetes"': {} } } },
  ])('round-trips %#', (raw) => {
    expect(encodeFieldsV1(decodeFieldsV1(raw))).toEqual(raw);
    expect(JSON.stringify(encodeFieldsV1(decodeFieldsV1(raw)))).toBe(JSON.stringify(raw));
  });

  it('decodes members and children as smd readIterV1 does', () => {
    const set = decodeFieldsV1({ 'f:a': {}, 'f:b': { '.': {}, 'f:c': {} }, 'f:d': { 'f:e': {} } });
    expect(set.paths().map(pathString)).toEqual(['.a', '.b', '.b.c', '.d.e']);
    expect(set.has([f('d')])).toBe(false);
  });
});

// smd fieldpath/set.go: members and children are independent; difference removes members only.
describe('FieldSet operations', () => {
  const parent = FieldSet.of([f('a')], [f('a'), f('b')]);
  const child = FieldSet.of([f('a'), f('b')]);

  it.each<[string, FieldSet, string[]]>([
    ['parent - child = parent', parent.difference(child), ['.a']],
    ['child - parent-member = child', child.difference(FieldSet.of([f('a')])), ['.a.b']],
    ['union', child.union(FieldSet.of([f('c')])), ['.c', '.a.b']],
    ['intersection', parent.intersection(child), ['.a.b']],
    ['recursive difference drops subtrees', child.recursiveDifference(FieldSet.of([f('a')])), []],
  ])('%s', (_name, set, paths) => {
    expect(set.paths().map(pathString)).toEqual(paths);
  });

  it('compares by content', () => {
    expect(FieldSet.of([f('x')], [f('y')]).equals(FieldSet.of([f('y')], [f('x')]))).toBe(true);
    expect(new FieldSet().isEmpty()).toBe(true);
  });
});
