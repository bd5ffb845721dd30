/** The bench's output: a markdown table, the target checks as text, and the same data as JSON. */
import type { KubectlResult } from './kubectl.js';
import type { StewardResult } from './steward.js';

/** Our targets (Flux's published run: 1000 × 4 objects in 4m13s using 223 MiB). */
export const TARGETS = { readyN: 1000, readyMs: 60_000, agentRssMiB: 150 } as const;

export interface SizeResult {
  steward: StewardResult;
  kubectl: KubectlResult;
}

export interface TargetCheck {
  n: number;
  target: string;
  met: boolean;
  actual: string;
}

const s = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
const mib = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(0)} MiB`);
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

function requestsCell(r: StewardResult): string {
  if (!r.noop) return 'n/a';
  const verbs = Object.entries(r.noop.perSyncByVerb)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([v, c]) => `${v} ${num(c)}`)
    .join(', ');
  return `${num(r.noop.perSyncTotal)} (${verbs})`;
}

function writesCell(r: StewardResult): string {
  const w = r.noop;
  if (!w) return 'n/a';
  return `${w.appliedObjectsWritten} objects, ${w.syncStatusPatches} status, ${w.eventsCreated} events, ${w.otherWrites} other`;
}

export function table(results: readonly SizeResult[]): string {
  const head = [
    'N',
    'Steward: all Ready',
    'vs kubectl',
    'agent peak RSS',
    'sandbox peak RSS',
    'API requests per Sync, no-op resync',
    'writes, no-op resync',
    'kubectl apply',
  ];
  const rows = results.map(({ steward: r, kubectl: k }) => [
    String(r.n),
    r.readyMs === undefined ? `timeout (${r.readyCount}/${r.n} Ready)` : s(r.readyMs),
    r.readyMs !== undefined && k.applyMs !== undefined ? `${(r.readyMs / k.applyMs).toFixed(1)}×` : 'n/a',
    mib(r.agentPeakRssMiB),
    mib(r.sandboxPeakRssMiB),
    requestsCell(r),
    writesCell(r),
    k.skipped ? 'skipped' : k.applyMs === undefined ? `failed: ${k.error ?? ''}` : s(k.applyMs),
  ]);
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function checks(results: readonly SizeResult[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const { steward: r } of results) {
    if (r.n === TARGETS.readyN) {
      out.push({
        n: r.n,
        target: `${TARGETS.readyN} × 4 all Ready ≤ ${TARGETS.readyMs / 1000} s`,
        met: r.readyMs !== undefined && r.readyMs <= TARGETS.readyMs,
        actual: r.readyMs === undefined ? `timeout, ${r.readyCount} Ready` : s(r.readyMs),
      });
    }
    out.push({
      n: r.n,
      target: `agent peak RSS ≤ ${TARGETS.agentRssMiB} MiB`,
      met: r.agentPeakRssMiB !== undefined && r.agentPeakRssMiB <= TARGETS.agentRssMiB,
      actual: mib(r.agentPeakRssMiB),
    });
    const w = r.noop;
    out.push({
      n: r.n,
      target: 'no-op resync writes no applied object',
      met: w?.completed === true && w.appliedObjectsWritten === 0 && w.globalRvUnexplained <= 0,
      actual: w
        ? `${w.appliedObjectsWritten} of ${w.appliedObjects} objects changed resourceVersion; global resourceVersion ` +
          `+${w.globalRvDelta} = ${w.annotationWrites} annotation writes + ${w.syncStatusPatches} Sync status ` +
          `patches + ${w.eventsCreated} Events${w.globalRvUnexplained === 0 ? '' : ` ${w.globalRvUnexplained > 0 ? '+' : ''}${w.globalRvUnexplained} unexplained`}`
        : 'not measured',
    });
    out.push({
      n: r.n,
      target: 'no-op resync writes no Event and no status beyond lastHandledReconcileAt',
      met:
        w !== undefined &&
        w.eventsCreated + w.otherWrites === 0 &&
        w.syncStatusPatches <= r.n &&
        w.syncStatusChanged === 0,
      actual: w
        ? `${w.syncStatusPatches} status patches (${w.syncStatusChanged} Syncs changed anything else), ` +
          `${w.eventsCreated} Events, ${w.otherWrites} other writes`
        : 'not measured',
    });
  }
  return out;
}

export function details(results: readonly SizeResult[]): string {
  const lines: string[] = [];
  for (const { steward: r, kubectl: k } of results) {
    const cpu = (c: { self: number; children: number } | undefined) =>
      c ? `${c.self.toFixed(1)} s (+${c.children.toFixed(1)} s in child processes)` : 'n/a';
    lines.push(`N=${r.n}, concurrency ${r.concurrency}:`);
    const at = r.agentPeakRssMiBAt;
    lines.push(
      `  GitRepository artifact ${s(r.gitArtifactMs)}; Syncs created in ${s(r.createMs)}; agent peak RSS: ` +
        `${mib(at.started)} started, ${mib(at.artifact)} with the artifact, ${mib(at.allReady)} all Ready, ` +
        `${mib(r.agentPeakRssMiB)} after the no-op resync`,
    );
    lines.push(
      `  one LIST of the ${r.n} Syncs: ${r.listCost.ms.toFixed(0)} ms, ${(r.listCost.bytes / 1024).toFixed(0)} KiB; ` +
        `one /metrics scrape: ${r.scrape ? `${r.scrape.ms.toFixed(0)} ms, ${(r.scrape.bytes / 1024).toFixed(0)} KiB` : 'n/a'}`,
    );
    if (r.reconciles) {
      const c = r.reconciles;
      lines.push(
        `  ${c.count} Sync reconciles until all Ready, ${(c.meanS * 1000).toFixed(0)} ms mean: ` +
          `${((c.count * c.meanS) / r.concurrency).toFixed(1)} s of work per worker`,
      );
    }
    lines.push(`  CPU: agent ${cpu(r.agentCpu)}, sandbox ${cpu(r.sandboxCpu)}`);
    const mem = (m: StewardResult['agentMemoryAtEnd']) =>
      m
        ? `RSS ${mib(m.rss)}, heap ${mib(m.heapUsed)} used of ${mib(m.heapTotal)}, external ${mib(m.external)}`
        : 'n/a';
    lines.push(
      `  agent memory when all Ready: ${mem(r.agentMemoryAtReady)}; after the no-op resync: ${mem(r.agentMemoryAtEnd)}`,
    );
    if (r.noop) {
      lines.push(
        `  no-op resync of ${r.n} Syncs took ${s(r.noop.durationMs)}${r.noop.completed ? '' : ' (incomplete)'}` +
          (r.noop.reconciles
            ? ` (${r.noop.reconciles.count} reconciles, ${(r.noop.reconciles.meanS * 1000).toFixed(0)} ms mean)`
            : '') +
          '; ' +
          `patch (dry-run+real) of applied objects: ${num(r.noop.appliedPatches / r.n)} per Sync`,
      );
      for (const w of r.noop.otherWriteRequests) {
        lines.push(`  other write requests: ${w.count}× ${w.verb} ${w.group || 'core'}/${w.resource}`);
      }
    }
    if (Object.keys(r.notReady).length > 0) {
      lines.push(`  not Ready by reason: ${JSON.stringify(r.notReady)}`);
      for (const m of r.notReadySample) lines.push(`    ${m}`);
    }
    const warned = Object.entries(r.agentLogs.warnings);
    if (warned.length > 0) {
      lines.push(`  agent warnings: ${warned.map(([m, c]) => `${c}× ${m}`).join('; ')}`);
      for (const m of r.agentLogs.samples) lines.push(`    ${m}`);
    }
    if (!k.skipped)
      lines.push(`  kubectl: ${k.objects} objects applied${k.error ? `; error: ${k.error}` : ''}`);
  }
  return lines.join('\n');
}

export function checksText(list: readonly TargetCheck[]): string {
  return list.map((c) => `${c.met ? '✓' : '✗'} N=${c.n}: ${c.target} (${c.actual})`).join('\n');
}
