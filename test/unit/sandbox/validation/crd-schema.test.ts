/**
 * Custom resource decoding against a structural schema. Upstream: apiextensions-apiserver
 * pkg/apiserver/schema/pruning/algorithm.go, defaulting/{algorithm,prunenulls}.go, listtype/validation.go,
 * pkg/apiserver/validation/validation.go (kubeOpenAPIResultToFieldErrors), and kube-openapi
 * pkg/validation/{validate,errors} for the message texts.
 */
import { describe, expect, it } from 'vitest';
import type { Obj } from '../../../../src/sandbox/types.js';
import {
  applySchemaDefaults,
  pruneUnknown,
  validateAgainstSchema,
} from '../../../../src/sandbox/validation/crd-schema.js';
import { lines } from './render.js';

const schema: Obj = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['image'],
      properties: {
        image: { type: 'string', minLength: 1, maxLength: 20, pattern: '^[a-z0-9./:-]+$' },
        replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
        ratio: { type: 'number', exclusiveMaximum: true, maximum: 1 },
        mode: { type: 'string', enum: ['fast', 'safe'], default: 'safe' },
        port: { 'x-kubernetes-int-or-string': true },
        when: { type: 'string', format: 'date-time' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 2, 'x-kubernetes-list-type': 'set' },
        ports: {
          type: 'array',
          minItems: 1,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } },
          },
        },
        env: { type: 'object', additionalProperties: { type: 'string' } },
        raw: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
        },
        note: { type: 'string', nullable: true },
        limits: { type: 'object', nullable: false, properties: { cpu: { type: 'string' } } },
      },
    },
  },
};

const base = (spec: Obj): Obj => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'd', labels: { a: 'b' } },
  spec,
});

describe('pruneUnknown', () => {
  it('drops unknown fields at every level but keeps apiVersion, kind and metadata whole', () => {
    const obj = {
      ...base({ image: 'x', bogus: 1, ports: [{ name: 'h', extra: true }] }),
      status: { x: 1 },
      extra: 'y',
    };
    expect(pruneUnknown(obj, schema)).toEqual(base({ image: 'x', ports: [{ name: 'h' }] }));
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields, still pruning known subtrees', () => {
    const obj = base({ image: 'x', raw: { anything: { deep: 1 }, known: { a: 'ok', junk: 1 } } });
    expect(pruneUnknown(obj, schema)).toEqual(
      base({ image: 'x', raw: { anything: { deep: 1 }, known: { a: 'ok' } } }),
    );
  });

  it('keeps additionalProperties keys and drops non-nullable nulls without defaults', () => {
    const obj = base({ image: 'x', env: { A: '1' }, limits: null, note: null, replicas: null });
    // limits: not nullable, no default → removed; note: nullable → kept; replicas: has a default → kept for defaulting.
    expect(pruneUnknown(obj, schema)).toEqual(
      base({ image: 'x', env: { A: '1' }, note: null, replicas: null }),
    );
  });

  it('does not mutate its input', () => {
    const obj = base({ image: 'x', bogus: 1 });
    const copy = structuredClone(obj);
    pruneUnknown(obj, schema);
    expect(obj).toEqual(copy);
  });
});

describe('applySchemaDefaults', () => {
  it('fills absent fields and non-nullable nulls, inside list items too', () => {
    const obj = base({ image: 'x', replicas: null, ports: [{ name: 'http' }, { name: 'm', port: 9090 }] });
    expect(applySchemaDefaults(obj, schema)).toEqual(
      base({
        image: 'x',
        replicas: 1,
        mode: 'safe',
        ports: [
          { name: 'http', port: 80 },
          { name: 'm', port: 9090 },
        ],
      }),
    );
  });

  it('keeps values already set', () => {
    const obj = base({ image: 'x', replicas: 0, mode: 'fast' });
    expect(applySchemaDefaults(obj, schema)).toEqual(obj);
  });
});

describe('validateAgainstSchema', () => {
  it.each<[string, Obj, string[]]>([
    [
      'valid',
      { image: 'nginx', replicas: 3, port: 'http', when: '2026-01-02T03:04:05Z', ports: [{ name: 'a' }] },
      [],
    ],
    [
      'wrong type',
      { image: 'nginx', replicas: 'three' },
      ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'],
    ],
    [
      'float for integer',
      { image: 'nginx', replicas: 1.5 },
      ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"'],
    ],
    ['required', {}, ['spec.image: Required value']],
    [
      'enum',
      { image: 'n', mode: 'turbo' },
      ['spec.mode: Unsupported value: "turbo": supported values: "fast", "safe"'],
    ],
    [
      'maximum',
      { image: 'n', replicas: 11 },
      ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10'],
    ],
    [
      'minimum',
      { image: 'n', replicas: -1 },
      ['spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0'],
    ],
    [
      'exclusive maximum',
      { image: 'n', ratio: 1 },
      ['spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1'],
    ],
    ['maxLength', { image: 'n'.repeat(21) }, ['spec.image: Too long: may not be more than 20 bytes']],
    // kube-openapi's string validator returns at its first failure, so no pattern error here.
    [
      'minLength',
      { image: '' },
      ['spec.image: Invalid value: "": spec.image in body should be at least 1 chars long'],
    ],
    [
      'pattern',
      { image: 'NGINX' },
      ['spec.image: Invalid value: "NGINX": spec.image in body should match \'^[a-z0-9./:-]+$\''],
    ],
    [
      'int-or-string',
      { image: 'n', port: true },
      ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'],
    ],
    [
      'date-time',
      { image: 'n', when: 'tomorrow' },
      ['spec.when: Invalid value: "tomorrow": spec.when in body must be of type date-time: "tomorrow"'],
    ],
    [
      'maxItems',
      { image: 'n', tags: ['a', 'b', 'c'] },
      ['spec.tags: Too many: 3: must have at most 2 items'],
    ],
    [
      'minItems',
      { image: 'n', ports: [] },
      ['spec.ports: Invalid value: 0: spec.ports in body should have at least 1 items'],
    ],
    [
      'array item type',
      { image: 'n', tags: ['a', 2] },
      ['spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"'],
    ],
    [
      'additionalProperties value type',
      { image: 'n', env: { A: 1 } },
      ['spec.env.A: Invalid value: "integer": spec.env.A in body must be of type string: "integer"'],
    ],
    [
      'null for a non-nullable field',
      { image: 'n', replicas: null },
      ['spec.replicas: Invalid value: "null": spec.replicas in body must be of type integer: "null"'],
    ],
    ['null for a nullable field', { image: 'n', note: null }, []],
    ['list-type set duplicate', { image: 'n', tags: ['a', 'a'] }, ['spec.tags[1]: Duplicate value: "a"']],
    [
      'list-type map duplicate key',
      {
        image: 'n',
        ports: [
          { name: 'a', port: 1 },
          { name: 'a', port: 2 },
        ],
      },
      ['spec.ports[1]: Duplicate value: {"name":"a"}'],
    ],
  ])('%s', (_name, spec, want) => {
    expect(lines(validateAgainstSchema(base(spec), schema))).toEqual(want);
  });

  it('reports junctor failures on the nil path, as the apiserver does', () => {
    const s: Obj = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { v: { type: 'string', anyOf: [{ pattern: '^a' }, { pattern: '^b' }] } },
        },
      },
    };
    expect(lines(validateAgainstSchema({ spec: { v: 'c' } }, s))).toEqual([
      '<nil>: Invalid value: "": spec.v in body must validate at least one schema (anyOf)',
      'spec.v: Invalid value: "c": spec.v in body should match \'^a\'',
    ]);
  });
});
