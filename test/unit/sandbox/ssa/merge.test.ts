import { describe, expect, it } from 'vitest';
import { builtinShape } from '../../../../src/sandbox/shapes.js';
import { compare, fieldsOf, merge, pathString } from '../../../../src/sandbox/ssa/index.js';
import type { Obj } from '../../../../src/sandbox/types.js';

const shape = builtinShape('apps', 'Deployment');
const containers = (...items: Obj[]): Obj => ({ spec: { template: { spec: { containers: items } } } });

describe('merge', () => {
  // smd typed/merge.go: rule keepRHS for scalars and atomic values, maps merged key by key, "empty on both
  // sides is a leaf" (doMap/doList emptyPromoteToLeaf).
  it.each<[string, Obj, Obj, Obj]>([
    [
      'scalars take the applied value',
      { spec: { replicas: 1, paused: true } },
      { spec: { replicas: 2 } },
      { spec: { replicas: 2, paused: true } },
    ],
    [
      'atomic structs are replaced',
      { spec: { selector: { matchLabels: { a: '1' }, matchExpressions: [] } } },
      { spec: { selector: { matchLabels: { b: '2' } } } },
      { spec: { selector: { matchLabels: { b: '2' } } } },
    ],
    ['an empty map is kept as a value', {}, { spec: { strategy: {} } }, { spec: { strategy: {} } }],
    [
      'an empty applied map leaves a full one alone',
      { metadata: { labels: { a: '1' } } },
      { metadata: { labels: {} } },
      { metadata: { labels: { a: '1' } } },
    ],
    // Deviation from smd: a null ends the field, as the typed round trip would.
    [
      'null drops a scalar',
      { spec: { replicas: 1, paused: true } },
      { spec: { paused: null } },
      { spec: { replicas: 1 } },
    ],
    [
      'a type change takes the applied value',
      { spec: { x: { a: 1 } } },
      { spec: { x: 'flat' } },
      { spec: { x: 'flat' } },
    ],
    // Newer smd merge: duplicated live items give way to the applied item.
    [
      'duplicated live items are replaced by the applied one',
      containers({ name: 'a', image: '1' }, { name: 'a', image: '2' }, { name: 'b' }),
      containers({ name: 'a', image: '3' }),
      containers({ name: 'a', image: '3' }, { name: 'b' }),
    ],
  ])('%s', (_name, live, applied, expected) => {
    expect(merge(live, applied, shape)).toEqual(expected);
  });
});

describe('compare', () => {
  // smd typed/compare.go: leaves are added/modified/removed; granular nodes that appear or vanish are
  // themselves added or removed.
  it.each<[string, Obj, Obj, { added?: string[]; modified?: string[]; removed?: string[] }]>([
    ['scalar change', { spec: { replicas: 1 } }, { spec: { replicas: 2 } }, { modified: ['.spec.replicas'] }],
    [
      'new list item',
      containers({ name: 'a' }),
      containers({ name: 'a' }, { name: 'b', image: 'x' }),
      {
        added: [
          '.spec.template.spec.containers[name="b"]',
          '.spec.template.spec.containers[name="b"].image',
          '.spec.template.spec.containers[name="b"].name',
        ],
      },
    ],
    [
      'removed label',
      { metadata: { labels: { a: '1', b: '2' } } },
      { metadata: { labels: { a: '1' } } },
      { removed: ['.metadata.labels.b'] },
    ],
    [
      'atomic value',
      { spec: { selector: { matchLabels: { a: '1' } } } },
      { spec: { selector: { matchLabels: { a: '2' } } } },
      { modified: ['.spec.selector'] },
    ],
    [
      'type change',
      { spec: { x: { a: 1 } } },
      { spec: { x: 'flat' } },
      { modified: ['.spec.x'], removed: ['.spec.x.a'] },
    ],
  ])('%s', (_name, lhs, rhs, expected) => {
    const c = compare(lhs, rhs, shape);
    const strings = (s: typeof c.added) => s.paths().map(pathString);
    expect({ added: strings(c.added), modified: strings(c.modified), removed: strings(c.removed) }).toEqual({
      added: expected.added ?? [],
      modified: expected.modified ?? [],
      removed: expected.removed ?? [],
    });
  });
});

describe('fieldsOf', () => {
  // smd typed/tofieldset.go: named struct fields are not members themselves, map entries and list items are,
  // atomic values are single leaves, and empty named structs own nothing.
  it('follows ToFieldSet', () => {
    const set = fieldsOf(
      {
        metadata: { labels: { app: 'web' } },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          strategy: {},
          template: { spec: { containers: [{ name: 'c', args: ['a', 'b'] }] } },
        },
      },
      shape,
    );
    expect(set.paths().map(pathString)).toEqual([
      '.metadata.labels.app',
      '.spec.selector',
      '.spec.template.spec.containers[name="c"]',
      '.spec.template.spec.containers[name="c"].args',
      '.spec.template.spec.containers[name="c"].name',
    ]);
  });
});
