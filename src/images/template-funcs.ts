/**
 * The functions of the commit message template: Go's text/template builtins `and`, `or`, `not`, `len`, `index`,
 * `print`, `printf`, `println`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, with Go's truth, comparison and error
 * rules. Pure.
 *
 * Different from Go: `eq` and `ne` refuse to compare two objects (Go compares structs field by field); `index`
 * of a missing map key gives the zero value of the map's values when they all have one primitive type (Go
 * knows the map's type; a JavaScript Map does not say), else a missing value.
 */
import { FormatError, kindOf, numberOf, sprint, sprintf, sprintln, typeName } from './template-fmt.js';

/** How an argument is taken: any value (nil allowed), a reflect.Value (no nil literal), or a string. */
export type ParamType = 'any' | 'value' | 'string';

/** Why a function failed; the executor says which function and where. */
export class FuncError extends Error {
  override readonly name = 'FuncError';
}

/** A builtin: its parameters, as Go's signature has them, and what it computes. */
export interface Builtin {
  fixed: readonly ParamType[];
  variadic?: ParamType;
  call(args: readonly unknown[]): unknown;
}

/** Go builtins this subset leaves out on purpose; a template using one is refused with a clear message. */
export const UNSUPPORTED_BUILTINS: readonly string[] = ['call', 'html', 'js', 'urlquery', 'slice'];

/** Go's isTrue: false for a missing value, nil, false, zero, and an empty string, list or map. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return numberOf(v) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return (v as Map<unknown, unknown>).size > 0;
    default:
      return true;
  }
}

/** The length of a string in UTF-8 bytes, as Go counts it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Strings compared as Go does, byte by byte of their UTF-8, which is code point order. */
export function compareStrings(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const missing = (v: unknown) => v === undefined || v === null;

function eq(args: readonly unknown[]): boolean {
  const [first, ...rest] = args;
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = kindOf(first);
  for (const arg of rest) {
    const k2 = kindOf(arg);
    let truth: boolean;
    if (missing(first) || missing(arg)) {
      // A missing value (an absent map key) equals nothing but another missing value, without an error.
      truth = missing(first) && missing(arg);
    } else if (k1 !== k2) {
      throw new FuncError('incompatible types for comparison');
    } else if (k1 === 'int' || k1 === 'float') {
      truth = numberOf(first) === numberOf(arg);
    } else if (k1 === 'bool' || k1 === 'string') {
      truth = first === arg;
    } else {
      throw new FuncError(`non-comparable type ${typeName(first)}`);
    }
    if (truth) return true;
  }
  return false;
}

function basicKind(v: unknown): 'int' | 'float' | 'string' {
  const k = kindOf(v);
  if (k === 'int' || k === 'float' || k === 'string') return k;
  throw new FuncError('invalid type for comparison');
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) throw new FuncError('incompatible types for comparison');
  if (k1 === 'string') return compareStrings(a as string, b as string) < 0;
  return numberOf(a) < numberOf(b);
}

function len(v: unknown): number {
  switch (kindOf(v)) {
    case 'string':
      return utf8Length(v as string);
    case 'slice':
      return (v as unknown[]).length;
    case 'map':
      return (v as Map<unknown, unknown>).size;
    case 'invalid':
    case 'nil':
      throw new FuncError('len of nil');
    default:
      throw new FuncError(`len of type ${typeName(v)}`);
  }
}

/** The zero value of a map's values, when they all share one primitive kind. */
function zeroOfValues(m: Map<unknown, unknown>): unknown {
  const kinds = new Set([...m.values()].map(kindOf));
  if (kinds.size !== 1) return undefined;
  switch ([...kinds][0]) {
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'bool':
      return false;
    default:
      return undefined;
  }
}

function indexOf(item: unknown, index: unknown): unknown {
  const kind = kindOf(item);
  if (kind === 'slice' || kind === 'string') {
    const k = kindOf(index);
    if (missing(index)) throw new FuncError('cannot index slice/array with nil');
    if (k !== 'int') throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
    const x = numberOf(index);
    const items = kind === 'slice' ? (item as unknown[]) : [...new TextEncoder().encode(item as string)];
    if (x < 0 || x >= items.length) throw new FuncError(`index out of range: ${x}`);
    return items[x];
  }
  if (kind === 'map') {
    const m = item as Map<unknown, unknown>;
    return m.has(index) ? m.get(index) : zeroOfValues(m);
  }
  if (missing(item)) throw new FuncError('index of untyped nil');
  throw new FuncError(`can't index item of type ${typeName(item)}`);
}

function format<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FormatError) throw new FuncError(e.message);
    throw e;
  }
}

/** The builtins by name; `and` and `or` are evaluated lazily by the executor, which only uses their arity. */
export const BUILTINS: Readonly<Record<string, Builtin>> = {
  and: { fixed: ['value'], variadic: 'value', call: (args) => args.find((a) => !isTrue(a)) ?? args.at(-1) },
  or: { fixed: ['value'], variadic: 'value', call: (args) => args.find((a) => isTrue(a)) ?? args.at(-1) },
  not: { fixed: ['value'], call: ([a]) => !isTrue(a) },
  len: { fixed: ['value'], call: ([a]) => len(a) },
  index: {
    fixed: ['value'],
    variadic: 'value',
    call: ([item, ...indexes]) => {
      if (missing(item)) throw new FuncError('index of untyped nil');
      return indexes.reduce(indexOf, item);
    },
  },
  print: { fixed: [], variadic: 'any', call: (args) => format(() => sprint(args)) },
  printf: {
    fixed: ['string'],
    variadic: 'any',
    call: ([f, ...args]) => format(() => sprintf(f as string, args)),
  },
  println: { fixed: [], variadic: 'any', call: (args) => format(() => sprintln(args)) },
  eq: { fixed: ['value'], variadic: 'value', call: (args) => eq(args) },
  ne: { fixed: ['value', 'value'], call: (args) => !eq(args) },
  lt: { fixed: ['value', 'value'], call: ([a, b]) => lt(a, b) },
  le: { fixed: ['value', 'value'], call: ([a, b]) => lt(a, b) || eq([a, b]) },
  gt: { fixed: ['value', 'value'], call: ([a, b]) => !(lt(a, b) || eq([a, b])) },
  ge: { fixed: ['value', 'value'], call: ([a, b]) => !lt(a, b) },
};
