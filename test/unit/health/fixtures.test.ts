/**
 * One YAML fixture per health state, in the manner of gitops-engine's `pkg/health/testdata`: each file is a
 * live object as the API server returns it, with its expected result in comment lines at the top:
 *   # status: <HealthStatus>     required
 *   # message: <exact message>   required
 *   # phase: <status.phase>      Canary and Rollout only; absent means no phase is reported
 *   # now: <RFC 3339 time>       the evaluation time, for age-based rules
 * A file with no YAML document stands for an object that does not exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type EvaluateOptions, evaluate, type Health, type HealthStatus } from '../../../src/health/index.js';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

const statuses: readonly HealthStatus[] = [
  'Current',
  'InProgress',
  'Failed',
  'Terminating',
  'NotFound',
  'Unknown',
];

interface Fixture {
  name: string;
  object: Record<string, unknown> | undefined;
  options: EvaluateOptions;
  expected: Health;
}

function header(text: string, key: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`# ${key}: `));
  return line?.slice(`# ${key}: `.length);
}

function load(name: string): Fixture {
  const text = readFileSync(join(fixturesDir, name), 'utf8');
  const status = header(text, 'status');
  const message = header(text, 'message');
  if (status === undefined || message === undefined)
    throw new Error(`${name}: missing status or message header`);
  if (!statuses.includes(status as HealthStatus)) throw new Error(`${name}: unknown status ${status}`);
  const expected: Health = { status: status as HealthStatus, message };
  const phase = header(text, 'phase');
  if (phase !== undefined) expected.phase = phase;
  const now = header(text, 'now');
  const options: EvaluateOptions = now === undefined ? {} : { now: new Date(now) };
  const doc: unknown = parse(text);
  const object = doc === null || doc === undefined ? undefined : (doc as Record<string, unknown>);
  return { name, object, options, expected };
}

const fixtures = readdirSync(fixturesDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map(load);

describe('evaluate', () => {
  it('has fixtures for every kind family', () => {
    const kinds = new Set(fixtures.map((f) => f.name.split('/')[0]));
    expect([...kinds].sort()).toEqual([
      'canary',
      'configmap',
      'crd',
      'cronjob',
      'daemonset',
      'deployment',
      'generic',
      'job',
      'namespace',
      'pod',
      'pvc',
      'replicaset',
      'rollout',
      'service',
      'statefulset',
    ]);
  });

  it.each(fixtures)('$name', ({ object, options, expected }) => {
    expect(evaluate(object, options)).toStrictEqual(expected);
  });
});
