/**
 * CustomResourceDefinition validation. Upstream: apiextensions-apiserver
 * pkg/apis/apiextensions/validation/validation.go (ValidateCustomResourceDefinition,
 * validateCustomResourceDefinitionSpec, ValidateCustomResourceDefinitionNames) and
 * pkg/apiserver/schema/validation.go (ValidateStructural).
 */
import { describe, expect, it } from 'vitest';
import type { Obj } from '../../../../src/sandbox/types.js';
import { validateBuiltin } from '../../../../src/sandbox/validation/builtin.js';
import { validateCrdSchemaIsStructural } from '../../../../src/sandbox/validation/crd-schema.js';
import { applyDefaults } from '../../../../src/sandbox/validation/defaults.js';
import { lines } from './render.js';

const GROUP = 'apiextensions.k8s.io';
const schema: Obj = {
  type: 'object',
  properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
};

function crd(over: { name?: string; spec?: Obj } = {}): Obj {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: over.name ?? 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
      ...over.spec,
    },
  };
}

function check(obj: Obj): string[] {
  return lines(
    validateBuiltin(GROUP, 'CustomResourceDefinition', applyDefaults(GROUP, 'CustomResourceDefinition', obj)),
  );
}

describe('CustomResourceDefinition', () => {
  const twoStorage = [
    { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } },
    { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: schema } },
  ];
  it.each<[string, Obj, string[]]>([
    ['valid', crd(), []],
    [
      'name is not plural.group',
      crd({ name: 'widget.example.com' }),
      ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group'],
    ],
    [
      'group without a dot',
      crd({ name: 'widgets.example', spec: { group: 'example' } }),
      ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
    ],
    [
      'scope',
      crd({ spec: { scope: 'Global' } }),
      ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'],
    ],
    [
      'two storage versions (the value is the request versions)',
      crd({ spec: { versions: twoStorage } }),
      [
        `spec.versions: Invalid value: ${JSON.stringify(twoStorage)}: must have exactly one version marked as storage version`,
      ],
    ],
    [
      'missing schema',
      crd({ spec: { versions: [{ name: 'v1', served: true, storage: true }] } }),
      ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required'],
    ],
    [
      'bad version name',
      crd({
        spec: {
          versions: [{ name: 'V1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
        },
      }),
      [
        "spec.versions[0].name: Invalid value: \"V1\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    [
      'kind without a plural',
      crd({ name: '.example.com', spec: { names: { kind: 'Widget' } } }),
      [
        `metadata.name: Invalid value: ".example.com": ${"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"}`,
        'spec.names.plural: Required value',
      ],
    ],
    [
      'non-structural schema, reported on the hoisted top-level path',
      crd({
        spec: {
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', properties: { spec: {} } } },
            },
          ],
        },
      }),
      [
        'spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
      ],
    ],
  ])('%s', (_name, obj, want) => {
    expect(check(obj)).toEqual(want);
  });

  it('names per-version schemas when versions differ', () => {
    const other = { type: 'object', properties: { spec: { type: 'array' } } };
    const obj = crd({
      spec: {
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } },
          { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: other } },
        ],
      },
    });
    expect(check(obj)).toEqual([
      'spec.versions[1].schema.openAPIV3Schema.properties[spec].items: Required value: must be specified',
    ]);
  });
});

describe('validateCrdSchemaIsStructural', () => {
  const P = 'spec.validation.openAPIV3Schema';
  it.each<[string, Obj, string[]]>([
    [
      'preserve-unknown-fields needs no type',
      { type: 'object', properties: { raw: { 'x-kubernetes-preserve-unknown-fields': true } } },
      [],
    ],
    [
      'int-or-string needs no type',
      {
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        },
      },
      [],
    ],
    [
      'root must be object',
      { type: 'array', items: { type: 'string' } },
      [`${P}.type: Invalid value: "array": must be object at the root`],
    ],
    ['root without type', { properties: {} }, [`${P}.type: Required value: must not be empty at the root`]],
    [
      'array items without type',
      { type: 'object', properties: { list: { type: 'array', items: {} } } },
      [`${P}.properties[list].items.type: Required value: must not be empty for specified array items`],
    ],
    [
      'unknown type name',
      { type: 'object', properties: { n: { type: 'int' } } },
      [
        `${P}.properties[n].type: Unsupported value: "int": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      ],
    ],
    [
      'metadata may only restrict name',
      {
        type: 'object',
        properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } },
      },
      [
        `${P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      ],
    ],
    [
      'errors sorted by message',
      { type: 'object', properties: { z: {}, a: {} } },
      [
        `${P}.properties[a].type: Required value: must not be empty for specified object fields`,
        `${P}.properties[z].type: Required value: must not be empty for specified object fields`,
      ],
    ],
    [
      'type inside anyOf',
      {
        type: 'object',
        properties: { v: { type: 'string', anyOf: [{ type: 'string' }, { pattern: 'x' }] } },
      },
      [`${P}.properties[v].anyOf[0].type: Forbidden: must be empty to be structural`],
    ],
  ])('%s', (_name, s, want) => {
    expect(lines(validateCrdSchemaIsStructural(s))).toEqual(want);
  });
});
