/** The image scan bench's part of the output: a requests table, its details and the target checks. */
import type { ImagesBenchResult, ScannerResult } from './images.js';

/** Per image and credentials, at most one tag list per interval, however many tenants watch it. */
export const IMAGES_TARGET = { tagListsPerCredentialsPerInterval: 1 } as const;

const rate = (n: number, r: ScannerResult) => n / r.intervals;
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
const credentials = (n: number) => `${n} credential${n === 1 ? '' : 's'}`;
const total = (r: ScannerResult) => r.total.tagLists + r.total.tokens + r.total.other;

/** How many times fewer requests than the Flux-like baseline (the first baseline row). */
function versus(r: ScannerResult, base: ScannerResult | undefined): string {
  if (base === undefined || base === r) return '1×';
  const mine = rate(total(r), r);
  const theirs = rate(total(base), base);
  if (mine === 0) return 'no requests';
  const ratio = theirs / mine;
  const times = (x: number) => String(Number(x.toFixed(1)));
  return ratio >= 1 ? `${times(ratio)}× fewer` : `${times(1 / ratio)}× more`;
}

/** A markdown table: one row per scanner, counts per interval. */
export function imagesTable(r: ImagesBenchResult): string {
  const head = [
    'scanner',
    'tenants',
    'credentials',
    'intervals',
    'tags/list per interval',
    'token req per interval',
    'other req per interval',
    'total requests per interval',
    'vs Flux-like',
  ];
  const base = r.baseline[0];
  const rows = [...r.steward, ...r.baseline].map((s) => [
    s.scanner,
    String(s.tenants),
    String(s.credentials),
    String(s.intervals),
    fmt(rate(s.total.tagLists, s)),
    fmt(rate(s.total.tokens, s)),
    fmt(rate(s.total.other, s)),
    fmt(rate(total(s), s)),
    versus(s, base),
  ]);
  return [head, head.map(() => '---'), ...rows].map((x) => `| ${x.join(' | ')} |`).join('\n');
}

/** What the table does not show: each interval's tag lists, the agent's own count, shared and scanned. */
export function imagesDetails(r: ImagesBenchResult): string {
  const lines = [
    `(interval ${r.intervalSeconds} s; "other" is the registry's 401 challenges and any other call; the ` +
      'baseline rounds run back to back, each standing for one interval)',
  ];
  for (const s of r.steward) {
    const proxy = total(s);
    const scans = Object.entries(s.scans ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const warnings = Object.entries(s.agentWarnings ?? {})
      .map(([k, v]) => `${k} ×${v}`)
      .join('; ');
    lines.push(
      `${s.tenants} tenants, ${credentials(s.credentials)}: tag lists per interval ` +
        `${s.perInterval.map((c) => c.tagLists).join(', ')}; ImageRepository tag lists in the window: ${scans}; ` +
        `steward_image_registry_requests_total grew by ${s.agentRequests ?? 'n/a'} (the registry and its token ` +
        `service counted ${proxy}); all Ready after ${((s.readyMs ?? 0) / 1000).toFixed(1)} s, ` +
        `${s.readyAtEnd ?? 'n/a'} of ${s.tenants} still Ready at the end` +
        (warnings ? `; agent warnings: ${warnings}` : ''),
    );
  }
  return lines.join('\n');
}

/** The target per Steward row: at most one tag list per image and credentials per interval. */
export function imagesChecks(r: ImagesBenchResult): { target: string; met: boolean; actual: string }[] {
  return r.steward.map((s) => {
    const perCredentials = rate(s.total.tagLists, s) / s.credentials;
    return {
      target:
        `images, ${s.tenants} tenants, ${credentials(s.credentials)}: ≤ ` +
        `${IMAGES_TARGET.tagListsPerCredentialsPerInterval} tag list per image and credentials per interval`,
      met: perCredentials <= IMAGES_TARGET.tagListsPerCredentialsPerInterval && s.readyAtEnd === s.tenants,
      actual: `${fmt(Number(perCredentials.toFixed(2)))} (${s.total.tagLists} lists in ${s.intervals} intervals)`,
    };
  });
}

export function imagesChecksText(r: ImagesBenchResult): string {
  return imagesChecks(r)
    .map((c) => `${c.met ? '✓' : '✗'} ${c.target}: ${c.actual}`)
    .join('\n');
}
