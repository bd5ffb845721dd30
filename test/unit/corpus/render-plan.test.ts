/**
 * Every case of the bad-input corpus (test/corpus) through what the agent runs on a revision: validateSync
 * for the spec, then the agent's own buildSync (render, substitute, parse, validate, plan, tenancy) with the
 * config defaults. Each must fail closed with the expected reason, naming the file (or field), and without
 * leaking the host path of the checkout or the secret planted in the case. Known gaps (`gap:` in case.yaml)
 * are expected to fail those assertions; when src/ is fixed, their test fails and the gap note goes.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { ExpectStatic } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSync } from '../../../src/api/index.js';
import { refString } from '../../../src/core/types.js';
import type { ControlCase, CorpusCase } from '../../corpus/corpus.js';
import {
  CANARY,
  CORPUS_ROOT,
  expectationAt,
  loadControls,
  loadCorpus,
  materializeControl,
  plantsCanary,
  syncFor,
  TENANT_PLACEHOLDER,
  valueAt,
} from '../../corpus/corpus.js';
import type { RunOptions } from '../../corpus/run.js';
import { assertRefusal, describeOutcome, runAt, runCase } from '../../corpus/run.js';

const TOOLS = resolve(import.meta.dirname, '../../../.tools/bin');
const TENANT = 'tenant-a';

const cases = loadCorpus();
const controls = loadControls();
const refused = cases.filter((c) => c.gap === undefined);
const gaps = cases.filter((c) => c.gap !== undefined);

const byClass = new Map<string, number>();
for (const c of cases) byClass.set(c.class, (byClass.get(c.class) ?? 0) + 1);
const classSummary = [...byClass].map(([k, n]) => `${k} ${n}`).join(', ');

let work: string;
const opts: RunOptions = {
  placement: {
    name: 'corpus',
    namespace: TENANT,
    sourceName: 'corpus',
    serviceAccountName: 'tenant',
    prefix: '',
  },
  pathEnv: [TOOLS, process.env.PATH ?? ''].join(delimiter),
};
/** Host paths no message may show: the temp checkouts (as given and real) and the corpus itself. */
let hostPaths: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'steward-corpus-'));
  hostPaths = [work, await realpath(work), CORPUS_ROOT];
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function refuses(c: CorpusCase, local: ExpectStatic): Promise<void> {
  const outcome = await runCase(c, work, opts);
  const got = outcome.kind === 'refused' ? outcome : undefined;
  assertRefusal(local, c.id, expectationAt(c, ''), got, hostPaths, describeOutcome(outcome));
}

async function accepts(c: ControlCase, local: ExpectStatic): Promise<void> {
  const root = join(work, `control-${c.id}`);
  await materializeControl(c, root);
  const o = await runAt(c, root, opts);
  local(o.kind, describeOutcome(o)).toBe('planned');
  if (o.kind !== 'planned') return;
  const at = (ref: string) => ref.replaceAll(TENANT_PLACEHOLDER, TENANT);
  local(o.objects.map((p) => refString(p.ref)).sort()).toEqual(c.objects.map(at).sort());
  for (const f of c.fields) {
    const planned = o.objects.find((p) => refString(p.ref) === at(f.object));
    local(valueAt(planned?.manifest, f.path), `${f.object} ${f.path}`).toEqual(f.equals);
  }
}

describe('bad-input corpus', () => {
  it(`corpus has ${cases.length} cases (${classSummary}; ${gaps.length} known gaps)`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(cases)('$id plants the canary', (c) => {
    expect(plantsCanary(c), `${c.id} must plant ${CANARY} in its Secret-like content`).toBe(true);
  });

  // Most cases are refused before kustomize runs; the few that run it overlap with the rest.
  it.concurrent.for(refused)('$id is refused: $description', { timeout: 60_000 }, (c, { expect }) =>
    refuses(c, expect),
  );

  it.concurrent.fails.for(gaps)('$id is a known gap: $gap', { timeout: 60_000 }, (c, { expect }) =>
    refuses(c, expect),
  );
});

describe('corpus controls: the same harness accepts good trees', () => {
  it.for(controls.filter((c) => c.gap === undefined))(
    '$id renders: $description',
    { timeout: 60_000 },
    (c, { expect }) => accepts(c, expect),
  );

  it.fails.for(controls.filter((c) => c.gap !== undefined))(
    '$id is a known gap: $gap',
    { timeout: 60_000 },
    (c, { expect }) => accepts(c, expect),
  );

  it('accepts a timeout longer than the interval, as Flux does', () => {
    const control = controls[0];
    if (!control) throw new Error('no controls');
    const sync = syncFor(control, opts.placement);
    const spec = { ...(sync.spec as Record<string, unknown>), interval: '1m', timeout: '10m' };
    expect(validateSync({ ...sync, spec }).ok).toBe(true);
  });
});
