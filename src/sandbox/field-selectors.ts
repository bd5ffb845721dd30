/**
 * Field selectors with the parsing, validation and error texts of apimachinery pkg/fields/selector.go and the
 * field label conversion functions of kubernetes pkg/apis/core/v1/conversion.go. A bad selector in a list or
 * watch is a 400 whose message is the parser's text (apiserver handlers/get.go).
 */
import { badRequest } from './errors.js';
import type { Obj } from './types.js';
import { isObj } from './types.js';

/** The operators of fields.ParseSelector; `=` and `==` are the same test. */
export type FieldOperator = '=' | '==' | '!=';

/** One field selector term. */
export interface FieldRequirement {
  /** The label after the kind's conversion (Pod `spec.host` reads as `spec.nodeName`). */
  field: string;
  operator: FieldOperator;
  /** Unescaped. */
  value: string;
}

/** A parsed and converted field selector. */
export interface FieldSelector {
  /** ANDed. Empty matches everything. */
  requirements: readonly FieldRequirement[];
}

/** The field labels one kind accepts, and how it rejects others. */
export interface FieldSelectorSupport {
  readonly fields: readonly string[];
  /** Old spellings the conversion function renames. */
  readonly aliases?: Readonly<Record<string, string>>;
  /**
   * `notSupported`: the kind registers a field label conversion function (`field label not supported: x`), as do
   * the core kinds below and every custom resource. `notKnown`: the scheme default
   * (apimachinery runtime/conversion.go DefaultMetaV1FieldSelectorConversion).
   */
  readonly rejection: 'notSupported' | 'notKnown';
}

const META_FIELDS = ['metadata.name', 'metadata.namespace'];

/** The conversion functions of kubernetes pkg/apis/core/v1/conversion.go. */
const CORE_FIELD_LABELS: Readonly<Record<string, readonly string[]>> = {
  Pod: [
    ...META_FIELDS,
    ...[
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
    ],
    ...['status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  ],
  Node: ['metadata.name', 'spec.unschedulable'],
  ReplicationController: [...META_FIELDS, 'status.replicas'],
  Event: [
    ...META_FIELDS,
    ...['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map(
      (f) => `involvedObject.${f}`,
    ),
    ...['reason', 'reportingComponent', 'source', 'type'],
  ],
  Namespace: ['metadata.name', 'status.phase'],
  Secret: [...META_FIELDS, 'type'],
  Service: [...META_FIELDS, 'spec.clusterIP', 'spec.type'],
};

/** Field selector support of a built-in kind; kinds without a conversion function get the metadata pair. */
export function fieldSelectorSupport(group: string, kind: string): FieldSelectorSupport {
  const fields = group === '' && Object.hasOwn(CORE_FIELD_LABELS, kind) ? CORE_FIELD_LABELS[kind] : undefined;
  if (!fields) return { fields: META_FIELDS, rejection: 'notKnown' };
  return {
    fields,
    rejection: 'notSupported',
    ...(kind === 'Pod' ? { aliases: { 'spec.host': 'spec.nodeName' } } : {}),
  };
}

/**
 * Field selector support of a custom resource (apiextensions crConverter.ConvertFieldLabel): metadata.namespace
 * only when namespaced, plus the CRD version's selectableFields, whose jsonPaths start with a dot.
 */
export function customResourceFieldSupport(
  namespaced: boolean,
  selectableFields: readonly string[] = [],
): FieldSelectorSupport {
  const extra = selectableFields.map((f) => (f.startsWith('.') ? f.slice(1) : f));
  return {
    fields: ['metadata.name', ...(namespaced ? ['metadata.namespace'] : []), ...extra],
    rejection: 'notSupported',
  };
}

/** splitTerms: commas split terms unless escaped with a backslash. */
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    if (inSlash) inSlash = false;
    else if (s[i] === '\\') inSlash = true;
    else if (s[i] === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** splitTerm: the first operator found splits the term; `!=` and `==` win over `=` at the same position. */
function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** UnescapeValue: `\\`, `\,` and `\=` are the only escapes; a bare `,` or `=` is an error (printed as a rune number). */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=')
        throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=')
      throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * fields.ParseSelector followed by the kind's field label conversion (apiserver handlers/get.go transforms every
 * term and answers the first failure with a 400). `supported` is a FieldSelectorSupport, or a plain list of
 * labels: a list holding only the metadata pair rejects like the scheme default, a longer one like a kind with its
 * own conversion function.
 */
export function parseFieldSelector(
  s: string,
  supported: readonly string[] | FieldSelectorSupport,
): FieldSelector {
  const support: FieldSelectorSupport =
    'rejection' in supported
      ? supported
      : {
          fields: supported,
          rejection: supported.every((f) => META_FIELDS.includes(f)) ? 'notKnown' : 'notSupported',
        };
  const parsed: FieldRequirement[] = [];
  // Terms are sorted before parsing, so the first bad term in byte order is the one reported.
  for (const part of splitTerms(s).sort()) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (!term) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    parsed.push({ field: term[0], operator: term[1], value: unescapeValue(term[2]) });
  }
  const requirements = parsed.map((r) => {
    const alias =
      support.aliases && Object.hasOwn(support.aliases, r.field) ? support.aliases[r.field] : undefined;
    if (alias) return { ...r, field: alias };
    if (support.fields.includes(r.field)) return r;
    if (support.rejection === 'notSupported') throw badRequest(`field label not supported: ${r.field}`);
    throw badRequest(
      `${JSON.stringify(r.field)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
    );
  });
  return { requirements };
}

function pick(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObj(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

/**
 * Values the registries compute instead of reading the path as is (kubernetes pkg/registry/core/pod/strategy.go
 * ToSelectableFields, event/strategy.go, node/strategy.go, replicationcontroller/strategy.go).
 */
const COMPUTED_FIELDS: Readonly<Record<string, (o: Obj) => unknown>> = {
  'status.podIP': (o) => pick(o, 'status.podIPs.0.ip') ?? pick(o, 'status.podIP'),
  'status.podIPs': () => '',
  'spec.hostNetwork': (o) => pick(o, 'spec.hostNetwork') === true,
  'spec.unschedulable': (o) => pick(o, 'spec.unschedulable') === true,
  'status.replicas': (o) => pick(o, 'status.replicas') ?? 0,
  source: (o) => pick(o, 'source.component') || pick(o, 'reportingComponent'),
};

/** The fields.Set value of `label` for an object: strings as is, numbers and booleans formatted, else "". */
export function fieldValue(obj: Obj, label: string): string {
  const computed = Object.hasOwn(COMPUTED_FIELDS, label) ? COMPUTED_FIELDS[label] : undefined;
  const v = computed ? computed(obj) : pick(obj, label);
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** hasTerm / notHasTerm, ANDed. */
export function matchesFields(sel: FieldSelector, obj: Obj): boolean {
  return sel.requirements.every((r) => (fieldValue(obj, r.field) === r.value) !== (r.operator === '!='));
}
