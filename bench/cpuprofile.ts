/** Summarises a V8 `.cpuprofile` (node --cpu-prof): where the agent's own CPU time went, by function and by file. */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface HotSpot {
  where: string;
  selfMs: number;
  share: number;
}

function fileOf(url: string, root: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(root) ? relative(root, path) : path.replace(/^.*\/node_modules\//, 'node_modules/');
}

/** The top functions and files by self time; paths relative to `root`, dependencies from node_modules on. */
export async function summarize(
  file: string,
  root: string,
  top = 20,
): Promise<{ totalMs: number; functions: HotSpot[]; files: HotSpot[] }> {
  const p = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const totalHits = p.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
  const totalMs = (p.endTime - p.startTime) / 1000;
  const msPerHit = totalMs / totalHits;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of p.nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0) continue;
    const f = fileOf(n.callFrame.url, root);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${f}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
    byFile.set(f, (byFile.get(f) ?? 0) + hits);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, hits]) => ({ where, selfMs: hits * msPerHit, share: hits / totalHits }));
  return { totalMs, functions: rank(byFn), files: rank(byFile) };
}

export function hotSpotsText(s: Awaited<ReturnType<typeof summarize>>): string {
  const line = (h: HotSpot) =>
    `  ${(h.share * 100).toFixed(1).padStart(5)}%  ${(h.selfMs / 1000).toFixed(2)} s  ${h.where}`;
  return [
    `profile of ${(s.totalMs / 1000).toFixed(1)} s (idle included):`,
    'by function (self time):',
    ...s.functions.map(line),
    'by file (self time):',
    ...s.files.map(line),
  ].join('\n');
}
