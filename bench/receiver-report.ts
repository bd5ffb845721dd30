/** The receiver bench's part of the output: a latency table and its target checks. */
import type { Percentiles, ReceiverBenchResult } from './receiver.js';
import { RECEIVER_TARGETS } from './receiver.js';

const ms = (v: number) => `${Math.round(v)} ms`;

/** A markdown table: one row per stage of a round, timed from the webhook call. */
export function receiverTable(r: ReceiverBenchResult): string {
  const head = ['receiver: from the call to', 'p50', 'p90', 'p99', 'max', 'min', 'mean'];
  const row = (what: string, p: Percentiles | undefined) =>
    p === undefined
      ? [what, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a']
      : [what, ms(p.p50), ms(p.p90), ms(p.p99), ms(p.max), ms(p.min), ms(p.mean)];
  const rows = [
    row('the answer (202, annotation written)', r.answered),
    row('the GitRepository artifact (fetched)', r.fetched),
    row('the Sync applied (10 objects)', r.applied),
    row(`the Sync applied, ${r.burst.calls} calls at once`, r.burst.applied),
    row('the Sync applied, a second push 0.1 s after a call', r.followUp.applied),
  ];
  const lines = [head, head.map(() => '---'), ...rows].map((x) => `| ${x.join(' | ')} |`);
  const timeouts = r.timeouts > 0 ? `, ${r.timeouts} timed out` : '';
  const writes = r.burst.writesPerRound.join(', ');
  return [
    ...lines,
    `(${r.rounds} single-call rounds${timeouts}, ${r.burst.rounds} burst and ${r.followUp.rounds} follow-up ` +
      `rounds; nearest-rank percentiles. Annotation writes per burst of ${r.burst.calls} calls: ${writes})`,
  ].join('\n');
}

/** The targets, as ✓/✗ lines. */
export function receiverChecks(r: ReceiverBenchResult): { target: string; met: boolean; actual: string }[] {
  const a = r.applied;
  return [
    {
      target: `receiver call to Sync applied p50 ≤ ${RECEIVER_TARGETS.p50Ms / 1000} s`,
      met: a !== undefined && a.p50 <= RECEIVER_TARGETS.p50Ms && r.timeouts === 0,
      actual: a === undefined ? 'n/a' : ms(a.p50),
    },
    {
      target: `receiver call to Sync applied p99 ≤ ${RECEIVER_TARGETS.p99Ms / 1000} s`,
      met: a !== undefined && a.p99 <= RECEIVER_TARGETS.p99Ms && r.timeouts === 0,
      actual: a === undefined ? 'n/a' : ms(a.p99),
    },
  ];
}

export function receiverChecksText(r: ReceiverBenchResult): string {
  return receiverChecks(r)
    .map((c) => `${c.met ? '✓' : '✗'} ${c.target}: ${c.actual}`)
    .join('\n');
}
