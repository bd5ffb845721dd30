/**
 * The CRDs in deploy/crds/ are generated from src/api/schema. When a schema changes, regenerate them with
 *
 *   UPDATE_CRDS=1 npx vitest run --project unit test/unit/api
 *
 * and commit the result; the "up to date" test below fails until then.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdFileName, crds, crdYaml, STEWARD_KINDS } from '../../../src/api/index.js';
import { toOpenAPI, UnsupportedSchemaError } from '../../../src/api/openapi.js';
import { StringEnum } from '../../../src/api/schema/builders.js';
import { validateCustomResourceDefinition } from '../../../src/sandbox/validation/crd-definition.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Paths of schema nodes that break the structural rules we rely on: a node without `type` (unless it
 * preserves unknown fields or is int-or-string), `additionalProperties: false`, JSON Schema keywords a
 * CRD rejects, and list-map keys that are not required in the items.
 */
function structuralProblems(s: Obj, path: string): string[] {
  const out: string[] = [];
  const free = s['x-kubernetes-preserve-unknown-fields'] === true || s['x-kubernetes-int-or-string'] === true;
  if (typeof s.type !== 'string' && !free) out.push(`${path}: no type`);
  if (s.additionalProperties === false) out.push(`${path}: additionalProperties: false`);
  for (const k of [
    '$id',
    '$schema',
    'const',
    'anyOf',
    'oneOf',
    'allOf',
    'patternProperties',
    'errorMessage',
  ]) {
    if (k in s) out.push(`${path}: ${k}`);
  }
  if (s['x-kubernetes-list-type'] === 'map') {
    const required = isObj(s.items) && Array.isArray(s.items.required) ? s.items.required : [];
    const keys = Array.isArray(s['x-kubernetes-list-map-keys']) ? s['x-kubernetes-list-map-keys'] : [];
    if (keys.length === 0) out.push(`${path}: list-type map without keys`);
    for (const key of keys)
      if (!required.includes(key)) out.push(`${path}: map key ${String(key)} not required`);
  }
  if (isObj(s.properties)) {
    for (const [k, p] of Object.entries(s.properties))
      out.push(...structuralProblems(isObj(p) ? p : {}, `${path}.${k}`));
  }
  if (isObj(s.items)) out.push(...structuralProblems(s.items, `${path}[]`));
  if (isObj(s.additionalProperties)) out.push(...structuralProblems(s.additionalProperties, `${path}{}`));
  return out;
}

function openAPIV3Schema(crd: object): Obj {
  const schema = (crd as { spec: { versions: { schema: { openAPIV3Schema: Obj } }[] } }).spec.versions[0]
    ?.schema.openAPIV3Schema;
  if (!schema) throw new Error('no schema');
  return schema;
}

describe('the structural checker', () => {
  it.each<[string, Obj, string[]]>([
    ['a typed tree', { type: 'object', properties: { a: { type: 'string' } } }, []],
    ['an untyped field', { type: 'object', properties: { a: {} } }, ['x.a: no type']],
    [
      'a free-form field',
      { type: 'object', properties: { a: { 'x-kubernetes-preserve-unknown-fields': true } } },
      [],
    ],
    [
      'an int-or-string field',
      { type: 'object', properties: { a: { 'x-kubernetes-int-or-string': true } } },
      [],
    ],
    ['untyped items', { type: 'array', items: {} }, ['x[]: no type']],
    ['closed objects', { type: 'object', additionalProperties: false }, ['x: additionalProperties: false']],
    ['an $id', { type: 'object', $id: 'Foo' }, ['x: $id']],
    [
      'a map list with an optional key',
      {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['k'],
        items: { type: 'object' },
      },
      ['x: map key k not required'],
    ],
  ])('flags %s', (_name, schema, problems) => {
    expect(structuralProblems(schema, 'x')).toEqual(problems);
  });
});

describe('toOpenAPI', () => {
  it.each<[string, Parameters<typeof toOpenAPI>[0], Obj]>([
    ['a literal union as an enum', StringEnum(['A', 'B']), { enum: ['A', 'B'], type: 'string' }],
    [
      'a record as additionalProperties',
      Type.Record(Type.String(), Type.String()),
      { additionalProperties: { type: 'string' }, type: 'object' },
    ],
    ['an unknown as free-form', Type.Unknown(), { 'x-kubernetes-preserve-unknown-fields': true }],
    [
      'a strict object without additionalProperties, defaulted keys optional',
      Type.Object(
        { b: Type.String({ default: 'x' }), a: Type.Integer() },
        { additionalProperties: false, $id: 'T' },
      ),
      {
        properties: { a: { type: 'integer' }, b: { default: 'x', type: 'string' } },
        required: ['a'],
        type: 'object',
      },
    ],
  ])('maps %s', (_name, schema, expected) => {
    expect(toOpenAPI(schema)).toEqual(expected);
  });

  it('refuses a union it cannot express', () => {
    expect(() => toOpenAPI(Type.Union([Type.String(), Type.Integer()]), 'spec.x')).toThrow(
      UnsupportedSchemaError,
    );
  });
});

describe('crds()', () => {
  const all = crds();

  it('returns one CRD per kind, deterministically', () => {
    expect(all.map((c) => (c as { spec: { names: { kind: string } } }).spec.names.kind)).toEqual([
      ...STEWARD_KINDS,
    ]);
    expect(crds()).toEqual(all);
  });

  it.each(STEWARD_KINDS)('%s has a structural schema', (kind) => {
    const crd = all[STEWARD_KINDS.indexOf(kind)] ?? {};
    expect(structuralProblems(openAPIV3Schema(crd), 'openAPIV3Schema')).toEqual([]);
  });

  it.each(STEWARD_KINDS)('%s passes the API server validation of the sandbox', (kind) => {
    const crd = all[STEWARD_KINDS.indexOf(kind)] ?? {};
    expect(validateCustomResourceDefinition(crd as Obj)).toEqual([]);
  });

  it.each(STEWARD_KINDS)('%s keeps list-map conditions and a status subresource', (kind) => {
    const crd = all[STEWARD_KINDS.indexOf(kind)] ?? {};
    const status = openAPIV3Schema(crd).properties as { status: { properties: { conditions: Obj } } };
    expect(status.status.properties.conditions).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    });
    expect(crd).toMatchObject({
      spec: { scope: 'Namespaced', versions: [{ subresources: { status: {} } }] },
    });
  });

  it.each([
    ['GitRepository', 'gitrepo', '.status.artifact.revision'],
    ['Sync', 'sync', '.status.lastAppliedRevision'],
  ] as const)('%s has printer columns and short name %s', (kind, shortName, revision) => {
    const crd = all[STEWARD_KINDS.indexOf(kind)];
    expect(crd).toMatchObject({
      spec: {
        group: 'steward.dev',
        names: { shortNames: [shortName], categories: ['steward'] },
        versions: [
          {
            name: 'v1alpha1',
            additionalPrinterColumns: expect.arrayContaining([
              { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
              { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
              { name: 'Revision', type: 'string', jsonPath: revision },
              { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            ]),
          },
        ],
      },
    });
  });
});

describe('deploy/crds', () => {
  it.each(STEWARD_KINDS)('%s is up to date', async (kind) => {
    const file = new URL(`../../../deploy/crds/${crdFileName(kind)}`, import.meta.url);
    const generated = crdYaml(kind);
    if (process.env.UPDATE_CRDS === '1') await writeFile(file, generated);
    const committed = await readFile(file, 'utf8').catch(() => '');
    expect(
      committed === generated,
      `deploy/crds/${crdFileName(kind)} is stale; run: UPDATE_CRDS=1 npx vitest run --project unit test/unit/api`,
    ).toBe(true);
    expect(parse(committed)).toEqual(crds()[STEWARD_KINDS.indexOf(kind)]);
  });
});
