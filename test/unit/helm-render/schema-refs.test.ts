import { describe, expect, it } from 'vitest';
import { findExternalRef } from '../../../src/render/helm/schema-refs.js';

describe('values.schema.json references', () => {
  it.each<[string, unknown]>([
    ['no references', { type: 'object', properties: { a: { type: 'string' } } }],
    [
      'a local JSON pointer',
      { definitions: { p: { type: 'integer' } }, properties: { a: { $ref: '#/definitions/p' } } },
    ],
    ['the document itself', { properties: { a: { $ref: '#' } } }],
    ['an anchor', { $defs: { p: { $anchor: 'port' } }, properties: { a: { $ref: '#port' } } }],
    ['a local $dynamicRef', { $dynamicAnchor: 'n', properties: { a: { $dynamicRef: '#n' } } }],
    ['draft-07 $schema', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }],
    ['draft-04 $schema', { $schema: 'http://json-schema.org/draft-04/schema#' }],
    ['draft-06 $schema over https', { $schema: 'https://json-schema.org/draft-06/schema' }],
    ['2019-09 $schema', { $schema: 'https://json-schema.org/draft/2019-09/schema' }],
    ['2020-12 $schema', { $schema: 'https://json-schema.org/draft/2020-12/schema' }],
    ['a property named $ref holding a schema', { properties: { $ref: { type: 'string' } } }],
    ['a scalar document', 'just a string'],
  ])('accepts %s', (_name, schema) => {
    expect(findExternalRef(schema)).toBeUndefined();
  });

  it.each<[string, unknown, string, string, string]>([
    [
      'an https reference',
      { properties: { a: { $ref: 'https://example.com/s.json' } } },
      '#/properties/a',
      '$ref',
      'https://example.com/s.json',
    ],
    [
      'a file reference',
      { properties: { a: { $ref: 'file:///etc/passwd' } } },
      '#/properties/a',
      '$ref',
      'file:///etc/passwd',
    ],
    ['a relative reference', { items: [{ $ref: 'other.json#/x' }] }, '#/items/0', '$ref', 'other.json#/x'],
    [
      'a relative reference to the pointer of another file',
      { allOf: [{ $ref: '../values.schema.json' }] },
      '#/allOf/0',
      '$ref',
      '../values.schema.json',
    ],
    [
      'a remote $dynamicRef',
      { $dynamicRef: 'http://127.0.0.1:1/x' },
      '#',
      '$dynamicRef',
      'http://127.0.0.1:1/x',
    ],
    ['a remote $recursiveRef', { a: { $recursiveRef: 'x.json' } }, '#/a', '$recursiveRef', 'x.json'],
    [
      'an unknown metaschema',
      { $schema: 'http://127.0.0.1:1/meta.json' },
      '#',
      '$schema',
      'http://127.0.0.1:1/meta.json',
    ],
    [
      'draft-03, which helm would fetch',
      { $schema: 'http://json-schema.org/draft-03/schema#' },
      '#',
      '$schema',
      'http://json-schema.org/draft-03/schema#',
    ],
    [
      'a nested $schema',
      { properties: { a: { $schema: 'https://evil.example/m' } } },
      '#/properties/a',
      '$schema',
      'https://evil.example/m',
    ],
    [
      'a reference in a key that needs escaping',
      { properties: { 'a/b~c': { $ref: 'x.json' } } },
      '#/properties/a~1b~0c',
      '$ref',
      'x.json',
    ],
    [
      'a $ref in data (refused too, on purpose)',
      { default: { $ref: 'x.json' } },
      '#/default',
      '$ref',
      'x.json',
    ],
  ])('refuses %s', (_name, schema, at, keyword, value) => {
    expect(findExternalRef(schema)).toMatchObject({ at, keyword, value });
  });

  it('walks deep documents without recursion', () => {
    let schema: Record<string, unknown> = { $ref: 'https://example.com/deep.json' };
    for (let i = 0; i < 20_000; i++) schema = { items: schema };
    expect(findExternalRef(schema)?.value).toBe('https://example.com/deep.json');
  });
});
