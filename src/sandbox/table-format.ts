/**
 * Formatting helpers of the server-side printers, ported from kubernetes pkg/printers/internalversion
 * and apimachinery (util/duration, labels, meta/v1 helpers). Pure: `now` is always passed in.
 */
import type { Obj } from './types.js';
import { isObj, meta } from './types.js';

/** A column of a meta.k8s.io Table (field order as metav1.TableColumnDefinition marshals). */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A column definition; format `name` marks the column holding the object's name. */
export function column(
  name: string,
  type: string,
  description: string,
  priority = 0,
  format = '',
): ColumnDefinition {
  return { name, type, format, description, priority };
}

/** metav1.ObjectMeta{}.SwaggerDoc()["name"] */
export const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
/** metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"] */
export const CREATED_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** The Name column every printer starts with. */
export const NAME_COLUMN = column('Name', 'string', NAME_DOC, 0, 'name');
/** The Age column (a string cell holding a human duration). */
export const AGE_COLUMN = column('Age', 'string', CREATED_DOC);

/**
 * apimachinery util/duration HumanDuration: `45s`, `3m20s`, `25m`, `5h10m`, `20h`, `3d4h`, `45d`, `2y30d`.
 * Up to 2s in the future counts as now (clock skew); further is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  const years = Math.trunc(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** Parses an RFC 3339 timestamp; undefined when absent or malformed. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** printers.go translateTimestampSince: `<unknown>` for a zero (missing) time. */
export function since(v: unknown, now: number): string {
  const t = parseTime(v);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

/** The value at a path of plain property names, or undefined. */
export function at(o: unknown, ...path: readonly (string | number)[]): unknown {
  let cur: unknown = o;
  for (const k of path) {
    if (typeof k === 'number') cur = Array.isArray(cur) ? cur[k] : undefined;
    else cur = isObj(cur) ? cur[k] : undefined;
  }
  return cur;
}

/** An array field, or empty. */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** An object field, or empty. */
export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

/** A string field, or '' (Go's zero value). */
export function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** An int32/int64 field: missing or non-numeric reads as 0, like Go's zero value. */
export function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

/** len() of a list or map field; 0 when absent. */
export function count(v: unknown): number {
  return Array.isArray(v) ? v.length : isObj(v) ? Object.keys(v).length : 0;
}

/** labels.FormatLabels: `k=v` sorted by key, comma-joined; `<none>` when empty. */
export function formatLabels(m: unknown): string {
  const entries = Object.entries(obj(m)).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${text(v)}`).join(',');
}

/**
 * metav1.LabelSelectorAsSelector(s).String(): requirements sorted by key; `k=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k`, `!k`. Undefined when an operator is invalid (the printers show `<invalid>` or
 * `<error>`). A missing or empty selector is the empty string.
 */
export function selectorString(sel: unknown): string | undefined {
  const s = obj(sel);
  const reqs: [string, string][] = Object.entries(obj(s.matchLabels)).map(([k, v]) => [k, `${k}=${text(v)}`]);
  for (const e of list(s.matchExpressions)) {
    const key = text(at(e, 'key'));
    const values = list(at(e, 'values')).map(text).sort();
    switch (at(e, 'operator')) {
      case 'In':
        reqs.push([key, `${key} in (${values.join(',')})`]);
        break;
      case 'NotIn':
        reqs.push([key, `${key} notin (${values.join(',')})`]);
        break;
      case 'Exists':
        reqs.push([key, key]);
        break;
      case 'DoesNotExist':
        reqs.push([key, `!${key}`]);
        break;
      default:
        return undefined;
    }
  }
  return reqs
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r)
    .join(',');
}

/** metav1.FormatLabelSelector: like selectorString, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(sel: unknown): string {
  const s = selectorString(sel);
  return s === undefined ? '<error>' : s === '' ? '<none>' : s;
}

/** printers.go layoutContainerCells: comma-joined container names and images. */
export function containerCells(containers: unknown): [string, string] {
  const cs = list(containers);
  return [cs.map((c) => text(at(c, 'name'))).join(','), cs.map((c) => text(at(c, 'image'))).join(',')];
}

/** intstr.IntOrString.String(). */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(Math.trunc(v)) : text(v);
}

/**
 * How Go's fmt prints a JSON scalar decoded into interface{}: integral numbers are int64; other numbers
 * are float64 in shortest form, with an exponent (at least two digits) when it is below -4 or at least 6
 * (strconv ftoa.go: "if precision was the shortest possible, use precision 6 for this decision").
 */
export function goScalar(v: string | number | boolean): string {
  if (typeof v !== 'number' || Number.isInteger(v)) return String(v);
  const [mant = '', e = '0'] = v.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}

/** A server-side printer: the columns of a kind and the cells of one object. */
export interface Printer {
  columns: readonly ColumnDefinition[];
  cells(o: Obj, now: number): unknown[];
  /** Row conditions (pods report Completed). */
  conditions?(o: Obj): Obj[] | undefined;
}

/** Wide columns of every pod-template kind. */
export const CONTAINERS = column('Containers', 'string', 'Names of each container in the template.', 1);
export const IMAGES = column('Images', 'string', 'Images referenced by each container in the template.', 1);
/** Tail of the selector column descriptions. */
export const LABEL_SELECTORS =
  'More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors';

/** printers.go translateTimestampSince(obj.CreationTimestamp) */
export function age(o: Obj, now: number): string {
  return since(meta(o).creationTimestamp, now);
}

/** metadata.name, or ''. */
export function objectName(o: Obj): string {
  return text(meta(o).name);
}

/** Containers and Images cells of a pod template. */
export function templateCells(template: unknown): [string, string] {
  return containerCells(at(template, 'spec', 'containers'));
}
