import { describe, expect, it } from 'vitest';
import { canonicalYaml, objectDiff } from '../../../src/diff/index.js';

const ref = { kind: 'ConfigMap', namespace: 'shop', name: 'settings' };

describe('canonicalYaml', () => {
  it('puts identity first and sorts every other key, so key order never shows as a change', () => {
    const a = canonicalYaml({
      data: { b: '1', a: '2' },
      metadata: { namespace: 'n', name: 'x' },
      kind: 'K',
      apiVersion: 'v1',
    });
    const b = canonicalYaml({
      apiVersion: 'v1',
      kind: 'K',
      metadata: { name: 'x', namespace: 'n' },
      data: { a: '2', b: '1' },
    });
    expect(a).toBe(b);
    expect(a).toBe(
      'apiVersion: v1\nkind: K\nmetadata:\n  name: x\n  namespace: n\ndata:\n  a: "2"\n  b: "1"\n',
    );
  });

  it('does not fold long strings', () => {
    const long = 'word '.repeat(40).trim();
    expect(canonicalYaml({ v: long }).split('\n')).toHaveLength(2);
  });
});

describe('objectDiff', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'settings',
      namespace: 'shop',
      resourceVersion: '5',
      managedFields: [{ manager: 'x' }],
    },
    data: { greeting: 'hello', mode: 'fast' },
  };

  it('diffs the normalized objects: volatile metadata and status never show', () => {
    const merged = {
      ...live,
      metadata: { ...live.metadata, resourceVersion: '6' },
      data: { greeting: 'hi', mode: 'fast' },
      status: { x: 1 },
    };
    expect(objectDiff(ref, live, merged)).toBe(
      [
        '--- live ConfigMap/shop/settings',
        '+++ merged',
        '@@ -4,5 +4,5 @@',
        '   name: settings',
        '   namespace: shop',
        ' data:',
        '-  greeting: hello',
        '+  greeting: hi',
        '   mode: fast',
        '',
      ].join('\n'),
    );
  });

  it('is empty when only volatile fields differ', () => {
    expect(objectDiff(ref, live, { ...live, metadata: { ...live.metadata, resourceVersion: '9' } })).toBe('');
  });
});
