/**
 * Go's fmt, as far as the commit message template needs it: how a value prints (%v), `print` (Sprint),
 * `println` (Sprintln) and `printf` (Sprintf) with the verbs %s %d %v %q and %%. Pure.
 *
 * The mapping of JavaScript values onto Go's: a string, a boolean, an integral number (Go int), any other
 * number (Go float64; a float literal of the template too), `null` (Go nil), `undefined` (Go's missing value),
 * an array (a slice), a `Map` (a map), any other object (a struct, printable when it has its own `toString`,
 * Go's String method). Unlike Go, lists, maps and structs without a String form are not printed at all (Go
 * would print `[a b]`, `map[k:v]` or `{a b}`): the template fails with a FormatError, so that a commit message
 * never shows an internal representation.
 */
import { quoteRune, quoteString } from './template-strconv.js';

/** A float64 constant of the template (`1.0`, `1e6`): Go prints it as a float even when it is integral. */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** Go's reflect kinds, as far as the template tells them apart. */
export type Kind =
  | 'invalid'
  | 'nil'
  | 'bool'
  | 'int'
  | 'float'
  | 'string'
  | 'slice'
  | 'map'
  | 'struct'
  | 'func';

/** Why a value cannot be printed or formatted; the template executor adds where. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
}

/** The Go kind of a value. */
export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'function':
    case 'symbol':
      return 'func';
    default:
      if (v === null) return 'nil';
      if (v instanceof GoFloat) return 'float';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Map) return 'map';
      return 'struct';
  }
}

/** The Go type name printf shows in `%!d(string=x)`. */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'slice':
      return 'list';
    default:
      return kindOf(v);
  }
}

/** The number of an int or float value. */
export function numberOf(v: unknown): number {
  return v instanceof GoFloat ? v.value : Number(v);
}

/** The exported field names of a struct-like object, for messages. */
export function fieldNames(v: object): string[] {
  return Object.keys(v).filter(
    (k) => /^\p{Lu}/u.test(k) && typeof (v as Record<string, unknown>)[k] !== 'function',
  );
}

/** The String form of a struct-like value: its toString, when it has one of its own (not Object's). */
export function stringerOf(v: unknown): (() => string) | undefined {
  if (kindOf(v) !== 'struct') return undefined;
  const fn = (v as { toString?: unknown }).toString;
  if (typeof fn !== 'function' || fn === Object.prototype.toString) return undefined;
  return () => {
    const s: unknown = fn.call(v);
    if (typeof s !== 'string') throw new FormatError('the String form of an object is not a string');
    return s;
  };
}

/** Go's %v of an int. */
export function formatInt(v: unknown): string {
  const n = typeof v === 'bigint' ? v : numberOf(v);
  if (typeof n === 'number' && Math.abs(n) >= 1e21) return BigInt(n).toString();
  return String(n);
}

/** Go's %v of a float64: strconv.FormatFloat(v, 'g', -1, 64), exponent form below 1e-4 and from 1e6. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  // toExponential() gives the shortest digits that read back as the same number, as Go's shortest form.
  const [mantissa = '', exponent = '0'] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fraction = digits.slice(exp + 1);
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

function unprintable(v: unknown): FormatError {
  switch (kindOf(v)) {
    case 'slice':
      return new FormatError("can't print a list; range over it or index it");
    case 'map':
      return new FormatError("can't print a map; range over it or read one of its keys");
    case 'func':
      return new FormatError("can't print a function");
    default: {
      const fields = fieldNames(v as object);
      const has = fields.length > 0 ? ` (it has ${fields.join(', ')})` : '';
      return new FormatError(`can't print an object that has no String form; print one of its fields${has}`);
    }
  }
}

/** Go's %v of a value; nil and a missing value (a nil interface in an argument list) print `<nil>`. */
export function formatValue(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'string':
      return v as string;
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return formatInt(v);
    case 'float':
      return formatFloat(numberOf(v));
    default: {
      const stringer = stringerOf(v);
      if (stringer) return stringer();
      throw unprintable(v);
    }
  }
}

/** fmt.Sprint: operands side by side, with a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  let previousString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !previousString) out += ' ';
    out += formatValue(arg);
    previousString = isString;
  });
  return out;
}

/** fmt.Sprintln: operands separated by spaces, and a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map(formatValue).join(' ')}\n`;
}

const SUPPORTED_VERBS = 'sdvq%';
// A whole directive as Go reads it (flags, argument index, width, precision, verb), to quote it in messages.
const DIRECTIVE = /%[-+# 0]*(?:\[\d*\]?)?(?:\d+|\*)?(?:\.(?:\d+|\*)?)?(?:\[\d*\]?)?(.|$)/su;

/** Why `format` is outside the supported printf subset, or undefined when it is inside. */
export function checkFormat(format: string): string | undefined {
  for (let i = format.indexOf('%'); i >= 0; ) {
    const directive = DIRECTIVE.exec(format.slice(i))?.[0] ?? '%';
    if (directive.length !== 2 || !SUPPORTED_VERBS.includes(directive[1] ?? '')) {
      const shown = directive === '%' ? 'a lone % at the end' : `"${directive}"`;
      return `printf: ${shown} is not supported; the verbs are %s, %d, %v, %q and %%, without flags, width or precision`;
    }
    i = format.indexOf('%', i + 2);
  }
  return undefined;
}

function badVerb(verb: string, arg: unknown): string {
  if (arg === null || arg === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(arg)}=${formatValue(arg)})`;
}

function formatArg(verb: string, arg: unknown): string {
  if (verb === 'v') return formatValue(arg);
  const kind = kindOf(arg);
  if (kind === 'slice' || kind === 'map' || kind === 'func') throw unprintable(arg);
  if (kind === 'struct') {
    const stringer = stringerOf(arg);
    if (!stringer) throw unprintable(arg);
    if (verb === 's') return stringer();
    if (verb === 'q') return quoteString(stringer());
    throw new FormatError(`printf: can't format an object with %${verb}`);
  }
  if (verb === 's' && kind === 'string') return arg as string;
  if (verb === 'q' && kind === 'string') return quoteString(arg as string);
  if (verb === 'q' && kind === 'int') return quoteRune(numberOf(arg));
  if (verb === 'd' && kind === 'int') return formatInt(arg);
  return badVerb(verb, arg);
}

/**
 * fmt.Sprintf for the verbs %s %d %v %q and %%: a missing operand prints `%!d(MISSING)`, a surplus one
 * `%!(EXTRA int=1)` and a verb that does not fit the operand `%!d(string=x)`, as Go does. A directive outside
 * the subset throws a FormatError.
 */
export function sprintf(format: string, args: readonly unknown[]): string {
  const problem = checkFormat(format);
  if (problem) throw new FormatError(problem);
  let out = '';
  let next = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const verb = format[++i] ?? '';
    if (verb === '%') out += '%';
    else if (next >= args.length) out += `%!${verb}(MISSING)`;
    else out += formatArg(verb, args[next++]);
  }
  if (next < args.length) {
    const extra = args
      .slice(next)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
