/**
 * Summarises a V8 `.heapsnapshot`: self size by node type and constructor, and the biggest groups of strings
 * by their first characters (Kubernetes objects kept as JSON or as parsed objects show up plainly there).
 */
import { readFile } from 'node:fs/promises';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  what: string;
  count: number;
  mib: number;
}

export interface HeapSummary {
  totalMiB: number;
  byConstructor: HeapGroup[];
  stringsByPrefix: HeapGroup[];
}

const MiB = 1024 * 1024;

function top(m: Map<string, { count: number; bytes: number }>, n: number): HeapGroup[] {
  return [...m]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, n)
    .map(([what, v]) => ({ what, count: v.count, mib: v.bytes / MiB }));
}

export async function summarizeHeap(file: string, n = 15): Promise<HeapSummary> {
  const s = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const byCtor = new Map<string, { count: number; bytes: number }>();
  const byPrefix = new Map<string, { count: number; bytes: number }>();
  const add = (m: typeof byCtor, k: string, bytes: number) => {
    const v = m.get(k);
    if (v) {
      v.count++;
      v.bytes += bytes;
    } else m.set(k, { count: 1, bytes });
  };
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt] ?? 0] ?? '?';
    const name = s.strings[s.nodes[i + nameAt] ?? 0] ?? '';
    const bytes = s.nodes[i + sizeAt] ?? 0;
    total += bytes;
    const isString = type === 'string' || type === 'concatenated string' || type === 'sliced string';
    add(byCtor, isString ? `(${type})` : `${name || '(anonymous)'} (${type})`, bytes);
    if (isString) add(byPrefix, JSON.stringify(name.slice(0, 40)), bytes);
  }
  return { totalMiB: total / MiB, byConstructor: top(byCtor, n), stringsByPrefix: top(byPrefix, n) };
}

export function heapText(h: HeapSummary): string {
  const line = (g: HeapGroup) =>
    `  ${g.mib.toFixed(1).padStart(7)} MiB  ${String(g.count).padStart(8)}×  ${g.what}`;
  return [
    `${h.totalMiB.toFixed(0)} MiB live:`,
    'by constructor (self size):',
    ...h.byConstructor.map(line),
    'strings by their first 40 characters:',
    ...h.stringsByPrefix.map(line),
  ].join('\n');
}
