/**
 * The `${var}` expansion Flux runs on rendered YAML (fluxcd/pkg/envsubst, a fork of drone/envsubst), for the
 * subset of its syntax that manifests use. Bare `$var` is left alone, `$$` is a literal `$` (so `$${var}`
 * renders `${var}`), and every `${` must start a valid expression: like Flux, anything else is an error rather
 * than being passed through, since a silent half-substitution is worse.
 */

/** Looks a variable up; undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

/** A substitution error; the caller adds which object it was in. `at` is the offset of the `${` it is about. */
export class ExpansionError extends Error {
  override readonly name = 'ExpansionError';
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const IDENT = /[A-Za-z0-9_]/;
const SUPPORTED =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the substitution syntax, for the error message.
  '${var}, ${var:=default}, ${var:-default}, ${var=default}, ${#var}, ${var^}, ${var^^}, ${var,}, ${var,,}';

interface Expanded {
  value: string;
  end: number;
}

/**
 * How deep defaults may nest (`${A:=${B:=${C:=...}}}`). The parser recurses once per level, and 20,000 levels
 * (100 KB of YAML) overflow the stack; nobody writes more than a few.
 */
export const MAX_NESTING = 32;

/** Expands every `${...}` in `text`. In strict mode a variable without a value or default is an error. */
export function expand(text: string, lookup: Lookup, strict: boolean): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const j = text.indexOf('$', i);
    if (j < 0) return out + text.slice(i);
    out += text.slice(i, j);
    const next = text[j + 1];
    if (next === '$') {
      out += '$';
      i = j + 2;
    } else if (next === '{') {
      const r = expression(text, j + 2, lookup, strict, 1);
      out += r.value;
      i = r.end;
    } else {
      out += '$';
      i = j + 1;
    }
  }
  return out;
}

function excerpt(text: string, start: number): string {
  const close = text.indexOf('}', start);
  const end = close < 0 ? Math.min(text.length, start + 40) : Math.min(close + 1, start + 60);
  return JSON.stringify(text.slice(start, end));
}

function ident(text: string, i: number): string {
  let j = i;
  while (j < text.length && IDENT.test(text[j] ?? '')) j++;
  return text.slice(i, j);
}

function value(name: string, lookup: Lookup, strict: boolean, at: number): string {
  const v = lookup(name);
  if (v === undefined && strict) throw new ExpansionError(`variable "${name}" is not set (strict mode)`, at);
  return v ?? '';
}

/**
 * Parses the expression after `${` at `i`, itself `depth` expressions deep; returns its value and the index
 * after its closing brace.
 */
function expression(text: string, i: number, lookup: Lookup, strict: boolean, depth: number): Expanded {
  const start = i - 2;
  if (depth > MAX_NESTING) {
    throw new ExpansionError(
      `expressions are nested more than ${MAX_NESTING} deep at ${excerpt(text, start)}`,
      start,
    );
  }
  const unsupported = () =>
    new ExpansionError(
      `unsupported expression ${excerpt(text, start)}; supported: ${SUPPORTED}; write "$\${" for a literal "\${"`,
      start,
    );
  const lengthOf = text[i] === '#';
  const name = ident(text, lengthOf ? i + 1 : i);
  if (name === '')
    throw new ExpansionError(`unable to parse variable name in ${excerpt(text, start)}`, start);
  let k = (lengthOf ? i + 1 : i) + name.length;
  const close = (at: number, v: string): Expanded => {
    if (text[at] !== '}') throw new ExpansionError(`missing closing brace in ${excerpt(text, start)}`, start);
    return { value: v, end: at + 1 };
  };
  if (lengthOf) return close(k, String(value(name, lookup, strict, start).length));

  const c = text[k];
  if (c === '}') return { value: value(name, lookup, strict, start), end: k + 1 };
  if (c === '^' || c === ',') {
    const op = text[k + 1] === c ? c + c : c;
    k += op.length;
    const v = value(name, lookup, strict, start);
    const changed = c === '^' ? v.toUpperCase() : v.toLowerCase();
    return close(k, op.length === 2 ? changed : changed.slice(0, 1) + v.slice(1));
  }
  const op =
    c === '=' ? '=' : c === ':' && (text[k + 1] === '=' || text[k + 1] === '-') ? `:${text[k + 1]}` : '';
  if (op === '') {
    if (c === ':' || c === '/' || c === '#' || c === '%') throw unsupported();
    throw new ExpansionError(`missing closing brace in ${excerpt(text, start)}`, start);
  }
  // Flux treats all default operators alike: the default replaces an unset or empty value.
  const fallback = defaultText(text, k + op.length, lookup, strict, start, depth);
  const v = lookup(name) ?? '';
  return { value: v === '' ? fallback.value : v, end: fallback.end };
}

/** The default of `${var:=...}`: text and nested expressions up to the closing brace. */
function defaultText(
  text: string,
  i: number,
  lookup: Lookup,
  strict: boolean,
  start: number,
  depth: number,
): Expanded {
  let out = '';
  let k = i;
  while (k < text.length) {
    const c = text[k];
    if (c === '}') return { value: out, end: k + 1 };
    if (c === '$' && text[k + 1] === '{') {
      const r = expression(text, k + 2, lookup, strict, depth + 1);
      out += r.value;
      k = r.end;
    } else if (
      (c === '$' && text[k + 1] === '$') ||
      (c === '\\' && (text[k + 1] === '\\' || text[k + 1] === '/'))
    ) {
      out += text[k + 1];
      k += 2;
    } else {
      out += c;
      k++;
    }
  }
  throw new ExpansionError(`missing closing brace in ${excerpt(text, start)}`, start);
}
