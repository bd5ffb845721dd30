/**
 * The JSONPath subset CRD printer columns use (client-go util/jsonpath, as apiextensions-apiserver
 * pkg/registry/customresource/tableconvertor evaluates `{<jsonPath>}` with missing keys allowed):
 * `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `.*` and filters `[?(@.type=="Ready")]`, `[?(@.x!=1)]`,
 * `[?(@.x)]`. Unsupported syntax is a parse error, which the caller turns into an empty cell.
 */

type Literal = string | number | boolean | null;

/** One step of a parsed path. */
export type JsonPathStep =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!=' | 'exists'; value: Literal };

const IDENT = /^[^.[\]\s]+/;

function parseLiteral(raw: string): Literal {
  const t = raw.trim();
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(t);
  if (quoted) return quoted[1] ?? quoted[2] ?? '';
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null' || t === 'nil') return null;
  const n = Number(t);
  if (t !== '' && Number.isFinite(n)) return n;
  throw new Error(`unrecognized literal ${t}`);
}

function parseFilter(body: string): JsonPathStep {
  const m = /^\?\(\s*@((?:\.[^.=!<>\s)]+)*)\s*(?:(==|!=)\s*(.+?))?\s*\)$/.exec(body);
  if (!m) throw new Error(`unsupported filter ${body}`);
  const path = (m[1] ?? '').split('.').filter((p) => p !== '');
  if (!m[2]) return { kind: 'filter', path, op: 'exists', value: null };
  return { kind: 'filter', path, op: m[2] === '==' ? '==' : '!=', value: parseLiteral(m[3] ?? '') };
}

function parseBracket(body: string): JsonPathStep {
  const b = body.trim();
  if (b === '*') return { kind: 'all' };
  if (b.startsWith('?')) return parseFilter(b);
  if (/^-?[0-9]+$/.test(b)) return { kind: 'index', index: Number(b) };
  const quoted = /^'(.*)'$|^"(.*)"$/.exec(b);
  if (quoted) return { kind: 'field', name: quoted[1] ?? quoted[2] ?? '' };
  throw new Error(`unsupported subscript [${b}]`);
}

/** Parses a path such as `.status.conditions[?(@.type=="Ready")].status`, with or without `{}`. */
export function parseJsonPath(expr: string): JsonPathStep[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  const steps: JsonPathStep[] = [];
  while (s.length > 0) {
    if (s.startsWith('..')) throw new Error('recursive descent is not supported');
    if (s.startsWith('.')) {
      s = s.slice(1);
      if (s.startsWith('*')) {
        steps.push({ kind: 'all' });
        s = s.slice(1);
        continue;
      }
      const m = IDENT.exec(s);
      if (!m) {
        if (s === '' || s.startsWith('[')) continue;
        throw new Error(`bad path at ${s}`);
      }
      steps.push({ kind: 'field', name: m[0] });
      s = s.slice(m[0].length);
    } else if (s.startsWith('[')) {
      const end = s.startsWith('[?(') ? s.indexOf(')]') + 1 : s.indexOf(']');
      if (end <= 0) throw new Error('unclosed [');
      steps.push(parseBracket(s.slice(1, end)));
      s = s.slice(end + 1);
    } else {
      throw new Error(`bad path at ${s}`);
    }
  }
  return steps;
}

function child(v: unknown, name: string): unknown[] {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && name in v
    ? [(v as Record<string, unknown>)[name]]
    : [];
}

function matches(item: unknown, step: Extract<JsonPathStep, { kind: 'filter' }>): boolean {
  let cur: unknown[] = [item];
  for (const p of step.path) cur = cur.flatMap((c) => child(c, p));
  if (step.op === 'exists') return cur.length > 0;
  const equal = cur.length > 0 && cur[0] === step.value;
  return step.op === '==' ? equal : cur.length > 0 && !equal;
}

function apply(nodes: unknown[], step: JsonPathStep): unknown[] {
  switch (step.kind) {
    case 'field':
      return nodes.flatMap((n) => child(n, step.name));
    case 'index':
      return nodes.flatMap((n) => {
        if (!Array.isArray(n)) return [];
        const i = step.index < 0 ? n.length + step.index : step.index;
        return i >= 0 && i < n.length ? [n[i]] : [];
      });
    case 'all':
      return nodes.flatMap((n) =>
        Array.isArray(n)
          ? n
          : n !== null && typeof n === 'object'
            ? Object.values(n as Record<string, unknown>)
            : [],
      );
    case 'filter':
      return nodes.flatMap((n) => (Array.isArray(n) ? n.filter((item) => matches(item, step)) : []));
  }
}

/** Every value the path selects, in document order; missing keys select nothing. */
export function evalJsonPath(steps: readonly JsonPathStep[], root: unknown): unknown[] {
  return steps.reduce<unknown[]>((nodes, step) => apply(nodes, step), [root]);
}
