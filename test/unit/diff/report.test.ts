import { describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../../src/core/types.js';
import { type DiffReport, formatReport, type ObjectDiff } from '../../../src/diff/index.js';

const ref = (kind: string, name: string, namespace = 'shop'): ObjectRef => ({
  group: '',
  version: 'v1',
  kind,
  namespace,
  name,
});
const unchanged: ObjectDiff = { ref: ref('ConfigMap', 'a'), action: 'unchanged' };
const created: ObjectDiff = { ref: ref('ConfigMap', 'b'), action: 'created' };
const configured: ObjectDiff = {
  ref: ref('ConfigMap', 'c'),
  action: 'configured',
  diff: '--- live x\n+++ merged\n',
};
const skipped: ObjectDiff = {
  ref: ref('ConfigMap', 'd'),
  action: 'skipped',
  reason: 'steward.dev/ssa: Ignore',
};
const failed: ObjectDiff = {
  ref: ref('ConfigMap', 'e'),
  action: 'failed',
  error: 'ConfigMap/shop/e dry-run failed: no',
};

describe('formatReport', () => {
  it.each<{ name: string; report: DiffReport; exitCode: number }>([
    { name: 'nothing to do', report: { objects: [unchanged, skipped] }, exitCode: 0 },
    { name: 'a new object', report: { objects: [unchanged, created] }, exitCode: 1 },
    { name: 'a changed object', report: { objects: [configured] }, exitCode: 1 },
    {
      name: 'an object to prune',
      report: { objects: [], prune: { objects: [{ ref: ref('Secret', 'x'), action: 'deleted' }] } },
      exitCode: 1,
    },
    {
      name: 'an object kept',
      report: {
        objects: [],
        prune: { objects: [{ ref: ref('Secret', 'x'), action: 'kept', reason: 'spec.prune is off' }] },
      },
      exitCode: 0,
    },
    { name: 'a failure beats a difference', report: { objects: [configured, failed] }, exitCode: 2 },
    {
      name: 'a prune refusal',
      report: { objects: [], prune: { objects: [], refusal: 'refusing to prune' } },
      exitCode: 2,
    },
  ])('exits $exitCode for $name', ({ report, exitCode }) => {
    expect(formatReport(report).exitCode).toBe(exitCode);
  });

  it('prints changes on stdout and failures and notes on stderr', () => {
    const r = formatReport({
      objects: [
        unchanged,
        created,
        { ref: ref('Namespace', 'shop', ''), action: 'created', reason: 'why' },
        configured,
        skipped,
        failed,
      ],
      prune: {
        objects: [
          { ref: ref('Secret', 'old'), action: 'deleted' },
          { ref: ref('Secret', 'keep'), action: 'kept', reason: 'steward.dev/prune: disabled' },
        ],
        notice: 'hello',
      },
    });
    expect(r.out).toBe(
      [
        'ConfigMap/shop/b created',
        'Namespace/shop created (why)',
        '--- live x',
        '+++ merged',
        'Secret/shop/old deleted (would be pruned)',
        '',
      ].join('\n'),
    );
    expect(r.err).toBe(
      [
        'note: ConfigMap/shop/d skipped (steward.dev/ssa: Ignore)',
        'error: ConfigMap/shop/e dry-run failed: no',
        'note: hello',
        'note: Secret/shop/keep is no longer rendered but would be kept (steward.dev/prune: disabled)',
        '',
      ].join('\n'),
    );
  });
});
