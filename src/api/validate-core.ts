/** The validation machinery every kind's rules share: defaults, schema errors, then the kind's own rules. */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { applyDefaults } from './defaults.js';
import { MAX_SPEC_DURATION, MAX_SPEC_DURATION_MS } from './duration.js';
import { type FieldError, Findings, schemaErrors } from './errors.js';

/** The outcome of validating one object: the defaulted value, or every problem found. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a nested value without trusting its shape: the schema may already have failed. */
export function at(value: unknown, ...keys: string[]): unknown {
  let node = value;
  for (const key of keys) node = isObj(node) ? node[key] : undefined;
  return node;
}

export function validateAgainst<T>(
  schema: TSchema,
  input: unknown,
  rules: (v: unknown, f: Findings) => void,
): ValidationResult<T> {
  const value = applyDefaults(schema, structuredClone(input));
  const findings = new Findings(schemaErrors(schema, value));
  rules(value, findings);
  if (findings.errors.length > 0) return { ok: false, errors: findings.errors };
  // Belt and braces: the errors above come from the same schema, so this only guards the cast below.
  if (!Value.Check(schema, value)) throw new Error('schema check disagrees with schema errors');
  return { ok: true, value: value as T };
}

/** Every duration of a spec is waited for with a timer; see MAX_SPEC_DURATION. */
export const SPEC_DURATION_MAX = { ms: MAX_SPEC_DURATION_MS, text: `${MAX_SPEC_DURATION}, a week` };
