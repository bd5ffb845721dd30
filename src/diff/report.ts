/**
 * How a diff is printed and what it exits with. Exit codes follow `kubectl diff`: 0 no difference, 1 some
 * difference, 2 (above 1) an error. Changes go to stdout; failures and notes (skipped or kept objects) to
 * stderr, so a pipe into a pager sees only what would change.
 */
import { refString } from '../core/types.js';
import type { ObjectDiff } from './object.js';
import type { PrunePreview } from './prune.js';

/** Exit codes of `steward diff`. */
export const DiffExit = { None: 0, Changed: 1, Error: 2 } as const;
export type DiffExitCode = (typeof DiffExit)[keyof typeof DiffExit];

/** Everything one diff found. */
export interface DiffReport {
  objects: readonly ObjectDiff[];
  prune?: PrunePreview;
}

/** The report as text: `out` for stdout, `err` for stderr, and the exit code. */
export function formatReport(report: DiffReport): { out: string; err: string; exitCode: DiffExitCode } {
  let out = '';
  let err = '';
  let changed = false;
  let failed = false;
  for (const o of report.objects) {
    const subject = refString(o.ref);
    switch (o.action) {
      case 'unchanged':
        break;
      case 'created':
        changed = true;
        out += `${subject} created${o.reason ? ` (${o.reason})` : ''}\n`;
        break;
      case 'configured':
        changed = true;
        // Equal by src/apply's rules yet printed the same would be a bug in the YAML; say so rather than nothing.
        out += o.diff || `${subject} configured (the difference does not show in YAML)\n`;
        break;
      case 'skipped':
        err += `note: ${subject} skipped (${o.reason})\n`;
        break;
      case 'failed':
        failed = true;
        err += `error: ${o.error}\n`;
        break;
    }
  }
  const prune = report.prune;
  if (prune?.notice) err += `note: ${prune.notice}\n`;
  if (prune?.refusal) {
    failed = true;
    err += `error: ${prune.refusal}\n`;
  }
  for (const p of prune?.objects ?? []) {
    if (p.action === 'deleted') {
      changed = true;
      out += `${refString(p.ref)} deleted (would be pruned)\n`;
    } else {
      err += `note: ${refString(p.ref)} is no longer rendered but would be kept (${p.reason})\n`;
    }
  }
  const exitCode = failed ? DiffExit.Error : changed ? DiffExit.Changed : DiffExit.None;
  return { out, err, exitCode };
}
