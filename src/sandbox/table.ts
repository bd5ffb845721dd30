/**
 * Server-side printing for `kubectl get`: meta.k8s.io Table responses.
 *
 * kubectl get sends `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;
 * v=v1beta1;g=meta.k8s.io,application/json` and adds `includeObject=Object` only with `--sort-by`
 * (kubectl pkg/cmd/get/get.go transformRequests). Without the parameter the server embeds
 * PartialObjectMetadata in each row (apiserver pkg/endpoints/handlers/response.go asTable), which is
 * what kubectl reads namespaces and labels from.
 */
import { acceptsJson, parseAccept } from './accept.js';
import { BUILTIN_PRINTERS } from './table-columns.js';
import {
  type ColumnDefinition,
  CREATED_DOC,
  column,
  goScalar,
  humanDuration,
  NAME_COLUMN,
  NAME_DOC,
  objectName,
  type Printer,
  parseTime,
} from './table-format.js';
import { evalJsonPath, parseJsonPath } from './table-jsonpath.js';
import type { Obj, ResourceDef } from './types.js';
import { groupVersion, isObj, meta } from './types.js';

/** Re-exported: the age format of every printer. */
export { humanDuration } from './table-format.js';

/** The `includeObject` query parameter: what each row's `object` holds. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';
/** The meta.k8s.io version of the Table (kubectl asks for v1, falling back to v1beta1). */
export type TableVersion = 'v1' | 'v1beta1';

/** The list metadata a Table carries over (metav1.ListMeta; all omitempty). */
export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * Which Table version the Accept header asks for, or undefined for a plain object/list response. The
 * first acceptable range wins (q-values respected): `application/json;as=Table;g=meta.k8s.io;v=v1`
 * (or v1beta1) selects a Table, plain JSON a normal response. Ranges the sandbox cannot produce
 * (protobuf, YAML, PartialObjectMetadata) are skipped.
 */
export function wantsTable(accept: string | undefined): TableVersion | undefined {
  for (const r of parseAccept(accept)) {
    if (!acceptsJson(r)) continue;
    const { as, g, v } = r.params;
    if (as === undefined) return undefined;
    if (as === 'Table' && g === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1')) return v;
  }
  return undefined;
}

/**
 * The `includeObject` query parameter: absent or empty means Metadata. Undefined for anything else; the
 * server then answers 400 `unrecognized includeObject value: "<v>"` (handlers/response.go asTable).
 */
export function parseIncludeObject(value: string | null | undefined): IncludeObject | undefined {
  if (value === null || value === undefined || value === '') return 'Metadata';
  return value === 'None' || value === 'Metadata' || value === 'Object' ? value : undefined;
}

/**
 * Kinds without a printer (Role, ClusterRole, CustomResourceDefinition, …) use the apiserver's default
 * convertor: Name and Created At, the timestamp in RFC 3339 (apiserver pkg/registry/rest/table.go).
 */
const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Created At', 'date', CREATED_DOC)],
  cells: (o) => {
    const t = parseTime(meta(o).creationTimestamp);
    // Go's time.RFC3339 in UTC, whole seconds; the zero time of a missing timestamp as Go prints it.
    const created =
      t === undefined ? '0001-01-01T00:00:00Z' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return [objectName(o), created];
  },
};

/** CRDs without printer columns get one Age column (apiextensions-apiserver serveDefaultColumnsIfEmpty). */
const DEFAULT_CRD_COLUMNS: readonly Obj[] = [
  { name: 'Age', type: 'date', description: CREATED_DOC, jsonPath: '.metadata.creationTimestamp' },
];

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Go json.Marshal of a decoded value: compact, map keys sorted, HTML-significant bytes escaped. */
function goJson(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sort)
      : isObj(x)
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sort(x[k])]),
          )
        : x;
  return JSON.stringify(sort(v))
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026');
}

/**
 * One printer-column cell (apiextensions-apiserver pkg/registry/customresource/tableconvertor
 * cellForJSONValue): the first value the path selects, converted to the column type; `date` becomes an
 * age; a value of the wrong type, or no value, is null.
 */
function crdCell(type: string, value: unknown, now: number): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        return goScalar(value);
      return goJson(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = parseTime(value);
      return t === undefined ? '<invalid>' : humanDuration(now - t);
    }
    default:
      return null;
  }
}

function crdPrinter(def: ResourceDef): Printer {
  const cols = def.crd?.printerColumns?.length ? def.crd.printerColumns : DEFAULT_CRD_COLUMNS;
  const paths = cols.map((c) => {
    try {
      return parseJsonPath(str(c.jsonPath));
    } catch {
      return undefined;
    }
  });
  const columns: ColumnDefinition[] = [
    column('Name', 'string', NAME_DOC, 0, 'name'),
    ...cols.map((c) =>
      column(
        str(c.name),
        str(c.type),
        str(c.description),
        typeof c.priority === 'number' ? c.priority : 0,
        str(c.format),
      ),
    ),
  ];
  return {
    columns,
    cells: (o, now) => [
      objectName(o),
      ...cols.map((c, i) => {
        const path = paths[i];
        const found = path ? evalJsonPath(path, o) : [];
        return crdCell(str(c.type), found[0], now);
      }),
    ],
  };
}

/** The printer of a resource: its built-in one, its CRD columns, or the default Name / Created At. */
export function printerFor(def: ResourceDef): Printer {
  if (def.crd) return crdPrinter(def);
  return BUILTIN_PRINTERS[`${def.group}/${def.kind}`] ?? DEFAULT_PRINTER;
}

function rowObject(def: ResourceDef, o: Obj, include: IncludeObject, version: TableVersion): Obj | null {
  switch (include) {
    case 'None':
      return null;
    case 'Object': {
      const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
      return { kind: def.kind, apiVersion: groupVersion(def), ...rest };
    }
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: meta(o) };
  }
}

/** Options of one Table response. */
export interface TableOptions {
  /** The Table group version the client negotiated (wantsTable); v1 by default. */
  version?: TableVersion;
  /**
   * Leave out the column definitions (`"columnDefinitions":null`). Watches send them with the first event
   * only (apiserver pkg/endpoints/handlers/watch.go watchEmbeddedEncoder).
   */
  noHeaders?: boolean;
}

/**
 * A meta.k8s.io Table of `objects`, for a list (pass the list's metadata) or a single GET (pass the
 * object's resourceVersion). Cells include every column, wide ones too; `now` is epoch milliseconds or a
 * Date and drives the AGE-style cells. The last argument is the negotiated Table version or options.
 */
export function toTable(
  def: ResourceDef,
  objects: readonly Obj[],
  listMeta: TableListMeta,
  includeObject: IncludeObject,
  now: number | Date,
  options: TableOptions | TableVersion = {},
): Obj {
  const opts: TableOptions = typeof options === 'string' ? { version: options } : options;
  const t = typeof now === 'number' ? now : now.getTime();
  const version = opts.version ?? 'v1';
  const printer = printerFor(def);
  const metadata: Obj = {};
  if (listMeta.resourceVersion) metadata.resourceVersion = listMeta.resourceVersion;
  if (listMeta.continue) metadata.continue = listMeta.continue;
  if (listMeta.remainingItemCount !== undefined) metadata.remainingItemCount = listMeta.remainingItemCount;
  const rows = objects.map((o) => {
    const row: Obj = { cells: printer.cells(o, t) };
    const conditions = printer.conditions?.(o);
    if (conditions) row.conditions = conditions;
    row.object = rowObject(def, o, includeObject, version);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    columnDefinitions: opts.noHeaders ? null : printer.columns.map((c) => ({ ...c })),
    // The default convertor appends to a nil slice, so an empty list has `"rows":null` there only.
    rows: rows.length === 0 && printer === DEFAULT_PRINTER ? null : rows,
  };
}
