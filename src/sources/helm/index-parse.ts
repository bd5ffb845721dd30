/**
 * index.yaml to a schema-checked {@link ParsedIndex}. Like helm's repo.loadIndex: an index without apiVersion is
 * refused (it is usually an HTML page), chart versions helm would refuse are skipped and counted, versions are
 * sorted highest first. Scalars are read as strings (the YAML failsafe schema), as helm's Go structs read them,
 * so `version: 1.10` stays "1.10".
 *
 * Large indexes are parsed in pieces (see index-scan.ts): peak memory stays a small multiple of the text
 * instead of about fifty times it. A document the scanner cannot split is parsed whole, up to a size limit.
 */
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { HelmSourceError } from './errors.js';
import { fastItem } from './index-fast.js';
import type { ScannedIndex } from './index-scan.js';
import { scanIndex } from './index-scan.js';
import { compareVersionsDesc, toSemver } from './select.js';
import type { ChartVersionEntry, ParsedIndex, SkippedEntry } from './types.js';
import { MAX_SKIPPED_LISTED } from './types.js';

/** The keys of a chart version Steward reads; the scanner drops the rest before parsing. */
const KEPT_KEYS: ReadonlySet<string> = new Set([
  'apiVersion',
  'name',
  'version',
  'urls',
  'digest',
  'created',
  'type',
]);

/** A document the scanner cannot split is parsed whole only up to this size (the tree is ~50x the text). */
export const DEFAULT_MAX_WHOLE_PARSE_BYTES = 8 * 1024 * 1024;

/**
 * Scalars as strings (see the header); warnings (an unknown tag) are not printed: they would bypass the agent's
 * logger, and the schema check reports what matters.
 */
const YAML_OPTIONS = { schema: 'failsafe', logLevel: 'error' } as const;

/** Items parsed per `yaml` call: fewer calls are faster, smaller batches keep the trees small. */
const BATCH_ITEMS = 256;
const BATCH_CHARS = 256 * 1024;

const OptionalString = Type.Optional(Type.String());

const ChartVersionSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  version: Type.String({ minLength: 1 }),
  urls: Type.Optional(Type.Array(Type.String())),
  digest: OptionalString,
  created: OptionalString,
  apiVersion: OptionalString,
  type: OptionalString,
});
type RawChartVersion = Static<typeof ChartVersionSchema>;

const EnvelopeSchema = Type.Object({
  apiVersion: Type.String({ minLength: 1 }),
  generated: OptionalString,
});

const checkVersion = TypeCompiler.Compile(ChartVersionSchema);
const checkEnvelope = TypeCompiler.Compile(EnvelopeSchema);

export interface ParseIndexOptions {
  /** Names the index in messages: `index.yaml of HelmRepository default/podinfo`. */
  what?: string;
  maxWholeParseBytes?: number;
  /** Parse as one document, skipping the scanner (tests compare both ways). */
  wholeDocument?: boolean;
}

/** Parses and checks an index; throws InvalidIndex naming the line or the field when it is not one. */
export function parseIndex(text: string, opts: ParseIndexOptions = {}): ParsedIndex {
  const what = opts.what ?? 'index.yaml';
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Some servers write the index as JSON (a subset of YAML): JSON.parse is many times faster.
  const json = /^\s*\{/.test(body) ? parseJson(body) : undefined;
  if (json !== undefined) return build(json, what);
  const scanned = opts.wholeDocument === true ? undefined : scanIndex(body, KEPT_KEYS);
  if (scanned !== undefined) {
    try {
      return build(fromScan(scanned, what), what);
    } catch (err) {
      if (!(err instanceof WholeParseNeeded)) throw err;
    }
  }
  const max = opts.maxWholeParseBytes ?? DEFAULT_MAX_WHOLE_PARSE_BYTES;
  if (body.length > max)
    throw new HelmSourceError(
      'InvalidIndex',
      `${what} is not laid out in block style as helm writes indexes, and at ${body.length} bytes it is too ` +
        `large to parse as one document (limit ${max} bytes)`,
    );
  return build({ kind: 'tree', value: yaml(body, 1, what) }, what);
}

/** What the parse produced: a plain tree, or the scanner's pieces already turned into values. */
type Raw =
  | { kind: 'tree'; value: unknown }
  | { kind: 'pieces'; top: Record<string, unknown>; charts: Iterable<[string, unknown]> };

/** The index as JSON; undefined when it is not JSON (it may still be YAML flow style). */
function parseJson(text: string): Raw | undefined {
  try {
    return { kind: 'tree', value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** Parses one piece; `line` is where it starts in the index, so messages give the index's own line numbers. */
function yaml(text: string, line: number, what: string): unknown {
  try {
    return parseYaml(text, YAML_OPTIONS);
  } catch (err) {
    throw yamlError(err, line, what);
  }
}

function yamlError(err: unknown, line: number, what: string): HelmSourceError {
  if (err instanceof YAMLParseError) {
    const at = err.linePos?.[0];
    const where = at === undefined ? `near line ${line}` : `line ${at.line + line - 1}, column ${at.col}`;
    // The message without yaml's excerpt of the source: the reason is enough next to a line number.
    const reason = err.message.split(/ at line \d+, column \d+/)[0] ?? err.message;
    return new HelmSourceError('InvalidIndex', `${what} is not valid YAML: ${where}: ${reason}`);
  }
  return new HelmSourceError(
    'InvalidIndex',
    `${what} is not valid YAML near line ${line}: ${err instanceof Error ? err.message : String(err)}`,
  );
}

/** Marks a piece the scanner split wrongly (an alias across pieces): the caller parses the whole document. */
class WholeParseNeeded extends Error {}

/** The scanner's pieces as values; the charts are parsed one at a time as `build` asks for them. */
function fromScan(s: ScannedIndex, what: string): Raw {
  const top: Record<string, unknown> = {};
  for (const c of s.others) Object.assign(top, asMapping(yamlPiece(c.text, c.line, what)));
  if (s.entriesWhole !== undefined) {
    const e = asMapping(yamlPiece(s.entriesWhole.text, s.entriesWhole.line, what));
    return { kind: 'tree', value: { ...top, entries: e?.entries } };
  }
  function* charts(): Generator<[string, unknown]> {
    for (const chart of s.charts) {
      const keyed = asMapping(yamlPiece(chart.key.text, chart.key.line, what));
      const name = keyed === undefined ? undefined : Object.keys(keyed)[0];
      if (name === undefined || keyed === undefined) throw new WholeParseNeeded();
      yield [name, chart.inline ? keyed[name] : parseItems(chart.items, what)];
    }
  }
  return { kind: 'pieces', top, charts: charts() };
}

/** A piece whose failure may be the scanner's doing (an alias to an anchor in another piece). */
function yamlPiece(text: string, line: number, what: string): unknown {
  try {
    return parseYaml(text, YAML_OPTIONS);
  } catch (err) {
    if (!(err instanceof YAMLParseError)) throw new WholeParseNeeded();
    throw yamlError(err, line, what);
  }
}

function parseItems(items: ScannedChart['items'], what: string): unknown[] {
  const out: unknown[] = new Array(items.length);
  const slow: number[] = [];
  for (const [n, item] of items.entries()) {
    const fast = fastItem(item.reduced());
    if (fast === undefined) slow.push(n);
    else out[n] = fast;
  }
  if (slow.length === 0) return out;
  const parsed = parseSlow(
    slow.map((n) => items[n] as ScannedItem),
    what,
  );
  for (const [n, i] of slow.entries()) out[i] = parsed[n];
  return out;
}

/** Items the fast path left to `yaml`, in batches. */
function parseSlow(items: readonly ScannedItem[], what: string): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < items.length; ) {
    let chars = 0;
    let n = 0;
    while (i + n < items.length && n < BATCH_ITEMS && chars < BATCH_CHARS) {
      chars += (items[i + n] as ScannedItem).reduced().length + 1;
      n++;
    }
    const batch = items.slice(i, i + n);
    const parsed = tryYaml(batch.map((b) => b.reduced()).join('\n'));
    if (Array.isArray(parsed) && parsed.length === batch.length) out.push(...(parsed as unknown[]));
    else for (const item of batch) out.push(parseItem(item, what));
    i += n;
  }
  return out;
}

/** One item alone: its kept keys first, then the whole item (an alias may point at a dropped key). */
function parseItem(item: ScannedItem, what: string): unknown {
  const reduced = tryYaml(item.reduced());
  if (Array.isArray(reduced) && reduced.length === 1) return reduced[0];
  const full = yamlPiece(item.full(), item.line, what);
  if (!Array.isArray(full) || full.length !== 1) throw new WholeParseNeeded();
  return full[0];
}

type ScannedChart = ScannedIndex['charts'][number];
type ScannedItem = ScannedChart['items'][number];

function tryYaml(text: string): unknown {
  try {
    return parseYaml(text, YAML_OPTIONS);
  } catch {
    return undefined;
  }
}

function asMapping(v: unknown): Record<string, unknown> | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new WholeParseNeeded();
  return v as Record<string, unknown>;
}

function toList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : isNullish(v) ? [] : [v];
}

/** Empty or null as YAML writes it; the failsafe schema leaves `~` and `null` as text. */
function isNullish(v: unknown): boolean {
  return (
    v === null || v === undefined || v === '' || v === '~' || v === 'null' || v === 'Null' || v === 'NULL'
  );
}

function build(raw: Raw, what: string): ParsedIndex {
  let top: Record<string, unknown>;
  let charts: Iterable<[string, unknown]>;
  if (raw.kind === 'pieces') {
    top = raw.top;
    charts = raw.charts;
  } else {
    const v = raw.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new HelmSourceError('InvalidIndex', `${what} is not a Helm repository index (not a mapping)`);
    top = v as Record<string, unknown>;
    const entries = top.entries;
    if (isNullish(entries)) charts = [];
    else if (typeof entries !== 'object' || Array.isArray(entries))
      throw new HelmSourceError('InvalidIndex', `${what}: entries must be a mapping of chart names`);
    else charts = Object.entries(entries as Record<string, unknown>);
  }
  const envelope = {
    apiVersion: top.apiVersion,
    ...(isNullish(top.generated) ? {} : { generated: top.generated }),
  };
  if (!checkEnvelope.Check(envelope)) {
    const missing = isNullish(top.apiVersion);
    throw new HelmSourceError(
      'InvalidIndex',
      missing
        ? `${what} has no apiVersion: it is not a Helm repository index`
        : `${what}: ${firstError(checkEnvelope, envelope)}`,
    );
  }
  const entries = new Map<string, ChartVersionEntry[]>();
  const skipped: SkippedEntry[] = [];
  let skippedCount = 0;
  let versions = 0;
  const skip = (s: SkippedEntry) => {
    skippedCount++;
    if (skipped.length < MAX_SKIPPED_LISTED) skipped.push(s);
  };
  for (const [chart, value] of charts) {
    if (!Array.isArray(value) && !isNullish(value)) {
      skip({ chart, reason: 'not a list of chart versions' });
      continue;
    }
    const list: ChartVersionEntry[] = [];
    for (const item of toList(value)) {
      const entry = toEntry(item, chart, skip);
      if (entry !== undefined) list.push(entry);
    }
    list.sort((a, b) => compareVersionsDesc(a.version, b.version));
    // A chart listed twice: the last one wins, as when helm reads the index.
    versions += list.length - (entries.get(chart)?.length ?? 0);
    entries.set(chart, list);
  }
  return {
    apiVersion: envelope.apiVersion as string,
    ...(typeof envelope.generated === 'string' ? { generated: envelope.generated } : {}),
    entries,
    versions,
    skipped,
    skippedCount,
  };
}

/** One chart version, or undefined (and a skip) when helm would refuse it too. */
function toEntry(
  item: unknown,
  chart: string,
  skip: (s: SkippedEntry) => void,
): ChartVersionEntry | undefined {
  if (isNullish(item)) {
    skip({ chart, reason: 'empty entry' });
    return undefined;
  }
  const raw =
    typeof item === 'object' && !Array.isArray(item) ? dropNullish(item as Record<string, unknown>) : item;
  const version =
    typeof (raw as { version?: unknown }).version === 'string'
      ? (raw as { version: string }).version
      : undefined;
  if (!checkVersion.Check(raw)) {
    skip({ chart, ...(version !== undefined ? { version } : {}), reason: firstError(checkVersion, raw) });
    return undefined;
  }
  const v: RawChartVersion = raw;
  if (toSemver(v.version) === undefined) {
    skip({ chart, version: v.version, reason: `version '${v.version}' is not a semantic version` });
    return undefined;
  }
  if (v.type !== undefined && v.type !== 'application' && v.type !== 'library') {
    skip({ chart, version: v.version, reason: `type '${v.type}' is neither application nor library` });
    return undefined;
  }
  return {
    name: v.name,
    version: v.version,
    urls: v.urls ?? [],
    ...(v.digest !== undefined ? { digest: v.digest } : {}),
    ...(v.created !== undefined ? { created: v.created } : {}),
    // helm defaults a missing apiVersion to v1 (Helm 2 charts).
    apiVersion: v.apiVersion ?? 'v1',
    ...(v.type !== undefined ? { type: v.type } : {}),
  };
}

function dropNullish(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'urls' && isNullish(v)) continue;
    if (!isNullish(v) || k === 'name' || k === 'version') out[k] = v;
  }
  return out;
}

function firstError(
  check: { Errors(v: unknown): Iterable<{ path: string; message: string }> },
  value: unknown,
): string {
  for (const e of check.Errors(value)) {
    const path = e.path.replace(/^\//, '').replace(/\//g, '.');
    return path === '' ? e.message.toLowerCase() : `${path}: ${e.message.toLowerCase()}`;
  }
  return 'invalid';
}
