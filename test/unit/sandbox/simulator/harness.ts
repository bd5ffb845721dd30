/** Shared helpers for the workload simulator tests: fixture loading and a tick-by-tick driver. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { compileImageMatcher } from '../../../../src/sandbox/simulator/config.js';
import type { SimulationContext, WorkloadKind } from '../../../../src/sandbox/simulator/workloads.js';
import { simulateStatus } from '../../../../src/sandbox/simulator/workloads.js';
import type { Obj } from '../../../../src/sandbox/types.js';

export interface FixtureContext {
  now: string;
  changedAt: string;
  settleMs: number;
  failImagePatterns?: string[];
  progressDeadlineMs?: number;
}

/** One YAML file under fixtures/: an object at one moment and the status the simulator must write. */
export interface Fixture {
  file: string;
  description: string;
  kind: WorkloadKind;
  context: FixtureContext;
  object: Obj;
  /** null when the simulator must write nothing. */
  expected: Obj | null;
}

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({
      file,
      ...(parse(readFileSync(join(FIXTURES, file), 'utf8')) as Omit<Fixture, 'file'>),
    }));
}

export function contextOf(c: FixtureContext): SimulationContext {
  const ctx: SimulationContext = {
    now: c.now,
    changedAt: c.changedAt,
    settleMs: c.settleMs,
    failImage: compileImageMatcher(c.failImagePatterns ?? []),
  };
  if (c.progressDeadlineMs !== undefined) ctx.progressDeadlineMs = c.progressDeadlineMs;
  return ctx;
}

export const T0 = Date.parse('2026-03-02T10:00:00Z');
export const at = (ms: number): string => new Date(T0 + ms).toISOString();

/**
 * Plays the server's part: every `stepMs` it asks the simulator for the next status and stores it, bumping
 * metadata.generation and changedAt when `edits` change the spec at their time. Returns each stored object.
 */
export function drive(
  kind: WorkloadKind,
  start: Obj,
  opts: {
    untilMs: number;
    stepMs?: number;
    settleMs?: number;
    failImagePatterns?: string[];
    progressDeadlineMs?: number;
    edits?: ReadonlyArray<{ atMs: number; spec: Obj }>;
  },
): Obj[] {
  const failImage = compileImageMatcher(opts.failImagePatterns ?? ['*:broken']);
  let obj = structuredClone(start);
  let changedAt = at(0);
  const seen: Obj[] = [structuredClone(obj)];
  for (let ms = 0; ms <= opts.untilMs; ms += opts.stepMs ?? 250) {
    for (const edit of opts.edits ?? []) {
      if (edit.atMs !== ms) continue;
      const metadata = obj.metadata as Obj;
      obj = {
        ...obj,
        metadata: { ...metadata, generation: Number(metadata.generation) + 1 },
        spec: edit.spec,
      };
      changedAt = at(ms);
      seen.push(structuredClone(obj));
    }
    const ctx: SimulationContext = { now: at(ms), changedAt, settleMs: opts.settleMs ?? 2000, failImage };
    if (opts.progressDeadlineMs !== undefined) ctx.progressDeadlineMs = opts.progressDeadlineMs;
    const status = simulateStatus(kind, obj, ctx);
    if (status) {
      obj = { ...obj, status };
      seen.push(structuredClone(obj));
    }
  }
  return seen;
}

export function deployment(image: string, spec: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', generation: 1 },
    spec: { replicas: 3, progressDeadlineSeconds: 600, template: podTemplate('web', image), ...spec },
  };
}

export function podTemplate(name: string, image: string): Obj {
  return { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } };
}

export function condition(status: Obj | undefined, type: string): Obj | undefined {
  const list = status?.conditions;
  return Array.isArray(list) ? (list as Obj[]).find((c) => c.type === type) : undefined;
}

/** The status of the last object a timeline stored. */
export function lastStatus(seen: readonly Obj[]): Obj {
  const status = seen.at(-1)?.status;
  if (typeof status !== 'object' || status === null) throw new Error('the timeline wrote no status');
  return status as Obj;
}
