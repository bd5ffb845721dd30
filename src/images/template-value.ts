/**
 * The values a commit message template works on, handled as Go's text/template/exec.go handles them: the data
 * is JavaScript (see ./template-fmt.ts for how values map onto Go's). A Map is a Go map: a missing key reads as
 * a missing value (printed `<no value>`), and range visits its keys in Go's sorted order. Any other object is a
 * Go struct: a missing field, or a field whose name does not start with an upper-case letter (unexported in Go),
 * is an error that names the field, so a typo in a template fails instead of committing a wrong message. Range
 * also visits lists and integers, and a function argument is checked against its parameter type. Errors go
 * through the executor's `fail`, which places them in the template. Pure.
 */
import {
  FormatError,
  fieldNames,
  formatValue,
  GoFloat,
  kindOf,
  stringerOf,
  typeName,
} from './template-fmt.js';
import type { ParamType } from './template-funcs.js';
import { compareStrings } from './template-funcs.js';

/** Reports an execution error at the node being evaluated, as the executor places it; never returns. */
export type Fail = (reason: string) => never;

const exported = (name: string) => /^\p{Lu}/u.test(name);

/** What an action prints for `value`: `<no value>` for a missing value, else Go's formatting of it. */
export function printable(value: unknown, fail: Fail): string {
  if (value === undefined) return '<no value>';
  try {
    return formatValue(value);
  } catch (e) {
    if (e instanceof FormatError) fail(e.message);
    throw e;
  }
}

/**
 * Calls `each` with the index (or key) and element of every iteration Go's range makes over `value`: a list, a
 * Map or an integer; nil and a missing value make none. `twoVars` when the range declares two variables.
 * Whether there was any iteration.
 */
export function rangeOver(
  value: unknown,
  twoVars: boolean,
  each: (index: unknown, elem: unknown) => void,
  fail: Fail,
): boolean {
  let ranged = false;
  switch (kindOf(value)) {
    case 'slice':
      (value as unknown[]).forEach((elem, i) => {
        each(i, elem);
      });
      ranged = (value as unknown[]).length > 0;
      break;
    case 'map': {
      const entries = sortedEntries(value as Map<unknown, unknown>, fail);
      for (const [k, v] of entries) each(k, v);
      ranged = entries.length > 0;
      break;
    }
    case 'int': {
      const n = Number(value);
      if (twoVars) fail(`can't use ${n} to iterate over more than one variable`);
      for (let i = 0; i < n; i++) each(i, i);
      ranged = n > 0;
      break;
    }
    case 'invalid':
    case 'nil':
      break;
    default: {
      const hint = kindOf(value) === 'struct' ? ' (an object is a struct; a map must be a Map)' : '';
      fail(`range can't iterate over a value of type ${typeName(value)}${hint}`);
    }
  }
  return ranged;
}

/** A Map's entries in Go's order of map keys: numbers, strings and Stringers by their String form. */
function sortedEntries(m: Map<unknown, unknown>, fail: Fail): [unknown, unknown][] {
  const rank = { nil: 0, invalid: 0, bool: 1, int: 2, float: 2, string: 3, struct: 4 } as const;
  const keyed = [...m.entries()].map(([k, v]) => {
    const kind = kindOf(k);
    if (!(kind in rank)) fail(`can't range over a Map whose keys are of type ${typeName(k)}`);
    let sortKey: unknown = k instanceof GoFloat ? k.value : k;
    if (kind === 'struct') {
      const stringer = stringerOf(k);
      if (!stringer) fail(`can't sort the keys of a Map: an object key has no String form`);
      sortKey = stringer();
    }
    return { k, v, r: rank[kind as keyof typeof rank], sortKey };
  });
  keyed.sort((a, b) => {
    if (a.r !== b.r) return a.r - b.r;
    if (typeof a.sortKey === 'string' && typeof b.sortKey === 'string') {
      return compareStrings(a.sortKey, b.sortKey);
    }
    const x = Number(a.sortKey);
    const y = Number(b.sortKey);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1;
    return x - y;
  });
  return keyed.map((e) => [e.k, e.v]);
}

/** The field `field` of `receiver`: a Map's key or an object's exported property; `hasArgs` when given arguments. */
export function fieldOf(receiver: unknown, field: string, hasArgs: boolean, fail: Fail): unknown {
  // A missing value has no fields, and Go lets that through as another missing value.
  if (receiver === undefined) return undefined;
  const kind = kindOf(receiver);
  if (kind === 'nil') fail(`nil pointer evaluating interface {}.${field}`);
  if (kind === 'map') {
    if (hasArgs) fail(`${field} is not a method but has arguments`);
    const m = receiver as Map<unknown, unknown>;
    return m.get(field);
  }
  if (kind === 'struct') {
    const obj = receiver as Record<string, unknown>;
    if (Object.hasOwn(obj, field) && typeof obj[field] !== 'function') {
      if (!exported(field)) fail(`${field} is an unexported field of struct type`);
      if (hasArgs) fail(`${field} is not a method but has arguments`);
      return obj[field];
    }
    const fields = fieldNames(obj);
    const has = fields.length > 0 ? ` (fields: ${fields.join(', ')})` : ' (it has no fields)';
    fail(`can't evaluate field ${field} in type object${has}`);
  }
  fail(`can't evaluate field ${field} in type ${typeName(receiver)}`);
}

/** A function argument checked against its parameter type, as Go's validateType does. */
export function validateType(value: unknown, type: ParamType, fail: Fail): unknown {
  if (value === undefined) {
    // A missing value is a nil interface{} to print and printf; comparisons and not see it as missing.
    if (type === 'any') return null;
    if (type === 'string') fail('invalid value; expected string');
    return undefined;
  }
  if (type === 'string' && typeof value !== 'string') {
    fail(`wrong type for value; expected string; got ${typeName(value)}`);
  }
  return value;
}
