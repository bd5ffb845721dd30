// Expected tables follow kubernetes pkg/printers/internalversion/printers.go (column definitions and
// print* functions, printed wide as pkg/printers/storage does), apiserver pkg/registry/rest/table.go (the
// default Name / Created At convertor), apiextensions-apiserver pkg/registry/customresource/tableconvertor
// (printer columns), apiserver pkg/endpoints/handlers/response.go (includeObject), kubectl
// pkg/cmd/get/get.go (Accept header) and apimachinery pkg/util/duration/duration_test.go.
import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES, crdResourceDefs } from '../../../src/sandbox/builtins.js';
import { humanDuration, parseIncludeObject, toTable, wantsTable } from '../../../src/sandbox/table.js';
import type { Obj, ResourceDef } from '../../../src/sandbox/types.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const created = (secondsAgo: number): string =>
  new Date(NOW - secondsAgo * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function builtin(group: string, kind: string): ResourceDef {
  const def = BUILTIN_RESOURCES.find((d) => d.group === group && d.kind === kind);
  if (!def) throw new Error(`no ${group}/${kind}`);
  return def;
}

function columns(t: Obj): [unknown, unknown, unknown][] {
  return (t.columnDefinitions as Obj[]).map((c) => [c.name, c.type, c.priority]);
}

function cells(t: Obj): unknown[][] {
  return (t.rows as Obj[]).map((r) => r.cells as unknown[]);
}

const deployment: Obj = {
  metadata: {
    name: 'web',
    namespace: 'default',
    creationTimestamp: created(3 * 3600 + 120),
    resourceVersion: '7',
    labels: { app: 'web' },
  },
  spec: {
    replicas: 3,
    selector: {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }],
    },
    template: {
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.27' },
          { name: 'log', image: 'busybox' },
        ],
      },
    },
  },
  status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 },
};

describe('humanDuration', () => {
  it.each([
    [1, '1s'],
    [70, '70s'],
    [190, '3m10s'],
    [600, '10m'],
    [70 * 60, '70m'],
    [3 * 3600 + 120, '3h2m'],
    [47 * 3600, '47h'],
    [49 * 3600, '2d1h'],
    [(8 * 24 + 2) * 3600, '8d'],
    [367 * 24 * 3600, '367d'],
    [(365 * 2 * 24 + 25) * 3600, '2y1d'],
    [(365 * 8 * 24 + 2) * 3600, '8y'],
    [-1, '0s'],
    [-5, '<invalid>'],
  ])('%is → %s', (seconds, want) => {
    expect(humanDuration(seconds * 1000)).toBe(want);
  });
});

describe('negotiation', () => {
  it.each([
    [
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      'v1',
    ],
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', 'v1beta1'],
    ['application/json;g=meta.k8s.io;v=v1;as=Table', 'v1'],
    ['application/json', undefined],
    [undefined, undefined],
    ['application/json,application/json;as=Table;v=v1;g=meta.k8s.io', undefined],
    ['application/json;as=Table;v=v2;g=meta.k8s.io,application/json', undefined],
    [
      'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io',
      'v1',
    ],
  ] as const)('Accept %s → %s', (accept, want) => {
    expect(wantsTable(accept)).toBe(want);
  });

  it.each([
    [null, 'Metadata'],
    ['', 'Metadata'],
    ['Object', 'Object'],
    ['None', 'None'],
    ['object', undefined],
  ] as const)('includeObject=%s → %s', (value, want) => {
    expect(parseIncludeObject(value)).toBe(want);
  });
});

describe('built-in tables', () => {
  it('prints a Deployment like printDeployment, wide columns at priority 1', () => {
    const t = toTable(
      builtin('apps', 'Deployment'),
      [deployment],
      { resourceVersion: '42' },
      'Metadata',
      NOW,
    );
    expect(Object.keys(t)).toEqual(['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
    expect(t).toMatchObject({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '42' },
    });
    expect(columns(t)).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Up-to-date', 'string', 0],
      ['Available', 'string', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ]);
    expect(Object.keys((t.columnDefinitions as Obj[])[0] ?? {})).toEqual([
      'name',
      'type',
      'format',
      'description',
      'priority',
    ]);
    expect((t.columnDefinitions as Obj[])[0]?.format).toBe('name');
    expect(cells(t)).toEqual([
      ['web', '2/3', 3, 2, '3h2m', 'nginx,log', 'nginx:1.27,busybox', 'app=web,tier in (back,front)'],
    ]);
  });

  it('embeds PartialObjectMetadata, the full object or nothing as includeObject asks', () => {
    const def = builtin('apps', 'Deployment');
    const row = (include: 'None' | 'Metadata' | 'Object', version?: 'v1beta1') =>
      (toTable(def, [deployment], {}, include, NOW, version ? { version } : {}).rows as Obj[])[0]?.object;
    expect(row('Metadata')).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: deployment.metadata,
    });
    expect(row('Metadata', 'v1beta1')).toMatchObject({ apiVersion: 'meta.k8s.io/v1beta1' });
    expect(row('Object')).toEqual({ kind: 'Deployment', apiVersion: 'apps/v1', ...deployment });
    expect(row('None')).toBeNull();
  });

  it('carries continue and remainingItemCount over from the list', () => {
    const t = toTable(
      builtin('', 'ConfigMap'),
      [],
      { resourceVersion: '9', continue: 'abc', remainingItemCount: 0 },
      'None',
      NOW,
    );
    expect(t.metadata).toEqual({ resourceVersion: '9', continue: 'abc', remainingItemCount: 0 });
    expect(t.rows).toEqual([]);
  });
});

describe('table options', () => {
  it('leaves out column definitions for watch events after the first (handlers/watch.go)', () => {
    const t = toTable(builtin('apps', 'Deployment'), [deployment], {}, 'None', NOW, { noHeaders: true });
    expect(t.columnDefinitions).toBeNull();
    expect(cells(t)[0]?.[0]).toBe('web');
  });

  it('has null rows for an empty list only with the default convertor (it appends to a nil slice)', () => {
    expect(toTable(builtin('rbac.authorization.k8s.io', 'Role'), [], {}, 'None', NOW).rows).toBeNull();
    expect(toTable(builtin('', 'ConfigMap'), [], {}, 'None', NOW).rows).toEqual([]);
  });
});

describe('custom resource tables', () => {
  const crd = (columns: Obj[] | undefined): ResourceDef => {
    const [def] = crdResourceDefs({
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            ...(columns ? { additionalPrinterColumns: columns } : {}),
          },
        ],
      },
      status: { conditions: [{ type: 'Established', status: 'True' }] },
    });
    if (!def) throw new Error('no def');
    return def;
  };
  const widget: Obj = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w1', creationTimestamp: created(4 * 86400 + 3 * 3600) },
    spec: { size: 3, ratio: 0.5, big: 1234567.5, enabled: true, tags: ['a', 'b'], owner: { name: 'x' } },
    status: {
      conditions: [
        { type: 'Synced', status: 'False' },
        { type: 'Ready', status: 'True', lastTransitionTime: created(600) },
      ],
    },
  };

  it('puts Name first, then the printer columns with their types, formats and priorities', () => {
    const def = crd([
      { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
      {
        name: 'Ready',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="Ready")].status',
        description: 'Readiness',
      },
      {
        name: 'Since',
        type: 'date',
        jsonPath: '.status.conditions[?(@.type=="Ready")].lastTransitionTime',
        priority: 1,
      },
      { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio', format: 'float' },
      { name: 'On', type: 'boolean', jsonPath: '.spec.enabled' },
      { name: 'Tags', type: 'string', jsonPath: '.spec.tags' },
      { name: 'First', type: 'string', jsonPath: '.spec.tags[0]' },
      { name: 'Owner', type: 'string', jsonPath: '.spec.owner' },
      { name: 'Big', type: 'string', jsonPath: '.spec.big' },
      { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
      { name: 'Mistyped', type: 'integer', jsonPath: '.spec.enabled' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    const t = toTable(def, [widget], { resourceVersion: '5' }, 'Metadata', NOW);
    expect((t.columnDefinitions as Obj[]).slice(0, 4)).toEqual([
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        description: expect.stringContaining('Name must be unique'),
        priority: 0,
      },
      { name: 'Size', type: 'integer', format: '', description: '', priority: 0 },
      { name: 'Ready', type: 'string', format: '', description: 'Readiness', priority: 0 },
      { name: 'Since', type: 'date', format: '', description: '', priority: 1 },
    ]);
    expect(cells(t)).toEqual([
      [
        'w1',
        3,
        'True',
        '10m',
        0.5,
        true,
        '["a","b"]',
        'a',
        '{"name":"x"}',
        '1.2345675e+06',
        null,
        null,
        '4d3h',
      ],
    ]);
  });

  it('adds only an Age column when the CRD defines none (serveDefaultColumnsIfEmpty)', () => {
    const t = toTable(crd(undefined), [widget], {}, 'Object', NOW);
    expect(columns(t)).toEqual([
      ['Name', 'string', 0],
      ['Age', 'date', 0],
    ]);
    expect(cells(t)).toEqual([['w1', '4d3h']]);
    expect((t.rows as Obj[])[0]?.object).toEqual(widget);
  });
});
