/**
 * Field paths (smd fieldpath/element.go, fieldpath/serialize-pe.go). A path element selects a struct field or
 * map key (`f:`), an associative-list item by its key fields (`k:`), a set member by value (`v:`) or an
 * atomic-list item by index (`i:`).
 */
import { isObj } from '../types.js';
import { compareStrings, compareValues, displayValue, goJson } from './value.js';

export interface KeyField {
  readonly name: string;
  readonly value: unknown;
}

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly KeyField[] }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'index'; readonly index: number };

export type Path = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return { kind: 'field', name };
}

/** Key fields are kept sorted by name, as smd's KeyByFields and FieldList.Sort do. */
export function keyElement(fields: readonly KeyField[]): PathElement {
  return { kind: 'key', fields: [...fields].sort((a, b) => compareStrings(a.name, b.name)) };
}

const KIND_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

function compareKeys(a: readonly KeyField[], b: readonly KeyField[]): number {
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return y === undefined ? 0 : -1;
    if (y === undefined) return 1;
    const c = compareStrings(x.name, y.name) || compareValues(x.value, y.value);
    if (c !== 0) return c;
  }
}

/** PathElement.Compare: field names < keys < values < indexes, then within the kind. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] < KIND_ORDER[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key':
      return compareKeys(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return Math.sign(a.index - (b as typeof a).index);
  }
}

/** The FieldsV1 key of an element; also the element's identity inside a FieldSet. */
export function serializeElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map((f) => `${goJson(f.name)}:${goJson(f.value)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

/**
 * Parses a FieldsV1 key (smd DeserializePathElement). Returns undefined for prefixes smd does not know, which
 * it drops rather than fails on; throws on malformed JSON.
 */
export function parseElement(s: string): PathElement | undefined {
  const body = s.slice(2);
  switch (s.slice(0, 2)) {
    case 'f:':
      return fieldElement(body);
    case 'k:': {
      const parsed: unknown = JSON.parse(body);
      if (!isObj(parsed)) throw new Error(`invalid key path element: ${s}`);
      return keyElement(Object.entries(parsed).map(([name, value]) => ({ name, value })));
    }
    case 'v:':
      return { kind: 'value', value: JSON.parse(body) };
    case 'i:': {
      const index = Number(body);
      if (!Number.isInteger(index)) throw new Error(`invalid index path element: ${s}`);
      return { kind: 'index', index };
    }
    default:
      return undefined;
  }
}

/** PathElement.String: `.name`, `[name="nginx"]`, `[containerPort=80,protocol="TCP"]`, `[="x"]`, `[0]`. */
export function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map((f) => `${f.name}=${displayValue(f.value)}`).join(',')}]`;
    case 'value':
      return `[=${displayValue(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

/** Path.String: the elements' strings concatenated, e.g. `.spec.template.spec.containers[name="nginx"].image`. */
export function pathString(path: Path): string {
  return path.map(elementString).join('');
}
