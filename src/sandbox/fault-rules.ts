/**
 * The fault rules of the sandbox's fault injector (not part of Kubernetes) and their validation for the
 * sandbox admin API: rules arrive as JSON from tests, so every problem is reported with its field path.
 */
import type { StatusCause } from './errors.js';
import { StatusError } from './errors.js';
import { isObj } from './types.js';

/** The verbs a rule can name (RequestInfo verbs); `*` matches any. */
export const FAULT_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  '*',
] as const;
export type FaultVerb = (typeof FAULT_VERBS)[number];

/** What an injected fault does to the request. */
export type FaultAction =
  | { type: 'status'; code: number; message?: string }
  | { type: 'throttle'; retryAfterSeconds: number; form: 'plain' | 'status' }
  | { type: 'latency'; ms: number }
  | { type: 'drop' };

/** One fault rule. Every filter left out matches anything; a rule applies when all filters match. */
export interface FaultRule {
  /** Names the rule for removal; assigned (`fault-N`) when left out. */
  id?: string;
  verb?: FaultVerb;
  /** Glob on the URL path: `*` within a segment, `**` across segments (`/apis/apps/v1/**`). */
  path?: string;
  /** Plural resource as in the URL (`deployments`), matched exactly. */
  resource?: string;
  /** Namespace of the request; `''` matches cluster-scoped requests only. */
  namespace?: string;
  action: FaultAction;
  /** How many matches before the rule retires; unlimited when left out. */
  times?: number;
  /** Chance in [0, 1] that a matching request is affected; always when left out. */
  probability?: number;
}

type Fail = (field: string, message: string) => void;

const RULE_FIELDS = new Set([
  'id',
  'verb',
  'path',
  'resource',
  'namespace',
  'action',
  'times',
  'probability',
]);
const ACTION_FIELDS: Readonly<Record<FaultAction['type'], readonly string[]>> = {
  status: ['type', 'code', 'message'],
  throttle: ['type', 'retryAfterSeconds', 'form'],
  latency: ['type', 'ms'],
  drop: ['type'],
};
// Ids appear in DELETE /sandbox/v1/faults/<id>, so they stay URL-safe.
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Validates fault rules from the admin API: one rule, an array, or `{"rules": [...]}` as GET returns them.
 * Throws a 400 BadRequest StatusError naming every problem, each also a cause with its field path.
 */
export function parseFaultRules(input: unknown): FaultRule[] {
  const many = Array.isArray(input) || (isObj(input) && Array.isArray(input.rules));
  const list: unknown[] = Array.isArray(input)
    ? input
    : isObj(input) && Array.isArray(input.rules)
      ? input.rules
      : [input];
  const causes: StatusCause[] = [];
  const fail: Fail = (field, message) => causes.push({ reason: 'FieldValueInvalid', message, field });
  const rules = list.map((raw, i) => checkRule(raw, many ? `rules[${i}]` : 'rule', fail));
  if (causes.length > 0) {
    const summary = causes.map((c) => `${c.field}: ${c.message}`).join('; ');
    throw new StatusError(400, 'BadRequest', `invalid fault rules: ${summary}`, { causes });
  }
  return rules;
}

function checkRule(raw: unknown, at: string, fail: Fail): FaultRule {
  if (!isObj(raw)) {
    fail(at, 'must be an object');
    return { action: { type: 'drop' } };
  }
  for (const key of Object.keys(raw)) if (!RULE_FIELDS.has(key)) fail(`${at}.${key}`, 'unknown field');
  const rule: FaultRule = { action: checkAction(raw.action, `${at}.action`, fail) };
  if (raw.id !== undefined) {
    if (typeof raw.id === 'string' && ID.test(raw.id)) rule.id = raw.id;
    else fail(`${at}.id`, 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  if (raw.verb !== undefined) {
    if ((FAULT_VERBS as readonly unknown[]).includes(raw.verb)) rule.verb = raw.verb as FaultVerb;
    else
      fail(
        `${at}.verb`,
        `unsupported value ${JSON.stringify(raw.verb)}: supported values: ${FAULT_VERBS.join(', ')}`,
      );
  }
  if (raw.path !== undefined) {
    if (typeof raw.path === 'string' && raw.path.startsWith('/')) rule.path = raw.path;
    else fail(`${at}.path`, 'must be a glob starting with "/"');
  }
  for (const key of ['resource', 'namespace'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v === 'string') rule[key] = v;
    else fail(`${at}.${key}`, 'must be a string');
  }
  if (raw.times !== undefined) rule.times = integer(raw.times, `${at}.times`, 1, fail);
  if (raw.probability !== undefined) {
    const p = raw.probability;
    if (typeof p === 'number' && p >= 0 && p <= 1) rule.probability = p;
    else fail(`${at}.probability`, 'must be a number from 0 to 1');
  }
  return rule;
}

function checkAction(raw: unknown, at: string, fail: Fail): FaultAction {
  const type = isObj(raw) ? raw.type : undefined;
  if (!isObj(raw) || (type !== 'status' && type !== 'throttle' && type !== 'latency' && type !== 'drop')) {
    fail(at, 'must be an object with type "status", "throttle", "latency" or "drop"');
    return { type: 'drop' };
  }
  for (const key of Object.keys(raw)) {
    if (!ACTION_FIELDS[type].includes(key)) fail(`${at}.${key}`, `unknown field for a ${type} action`);
  }
  switch (type) {
    case 'status': {
      const action: FaultAction = { type, code: integer(raw.code, `${at}.code`, 400, fail, 599) };
      if (typeof raw.message === 'string') action.message = raw.message;
      else if (raw.message !== undefined) fail(`${at}.message`, 'must be a string');
      return action;
    }
    case 'throttle': {
      if (raw.form !== 'plain' && raw.form !== 'status')
        fail(`${at}.form`, 'must be "plain" (APF) or "status"');
      const seconds = integer(raw.retryAfterSeconds, `${at}.retryAfterSeconds`, 1, fail, 3600);
      return { type, retryAfterSeconds: seconds, form: raw.form === 'status' ? 'status' : 'plain' };
    }
    case 'latency':
      return { type, ms: integer(raw.ms, `${at}.ms`, 0, fail, 600_000) };
    case 'drop':
      return { type };
  }
}

function integer(v: unknown, field: string, min: number, fail: Fail, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  fail(
    field,
    max === Number.MAX_SAFE_INTEGER
      ? `must be an integer >= ${min}`
      : `must be an integer from ${min} to ${max}`,
  );
  return min;
}
