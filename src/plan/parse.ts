/**
 * Rendered YAML to manifests. The input comes from a tenant's repository, so parsing is bounded: aliases
 * (billion laughs), nesting depth and object count all have limits, and every error names the file and line.
 */
import type { Document } from 'yaml';
import { LineCounter } from 'yaml';
import type { Manifest, ManifestSource } from '../core/types.js';
import { streamDocuments, unresolvedAlias } from './documents.js';
import { buildFailed } from './errors.js';
import { toJsonValue } from './json-value.js';
import { nonPrintable } from './text.js';

/** A parsed object and where it came from. */
export interface SourcedManifest {
  manifest: Manifest;
  source: ManifestSource;
}

/** One input file inside a concatenated stream, and the 1-based line of the stream where it starts. */
export interface OriginFile {
  file: string;
  line: number;
}

/** What the YAML was rendered from: one file (or renderer), or several files concatenated. */
export type ParseOrigin = { file: string } | { files: readonly OriginFile[] };

/** Bounds on what one render may make the parser do. */
export interface ParseLimits {
  /** Objects after `List` expansion. */
  maxObjects: number;
  /** The `yaml` package's maxAliasCount: how many alias expansions one document may make. */
  maxAliases: number;
  /** Nesting of mappings and sequences, the document itself being level 1. */
  maxDepth: number;
}

interface Located {
  source: ManifestSource;
  /** 1-based line in the file where the document's content starts. */
  line: number;
  /** Subtract from a stream line to get a file line. */
  lineOffset: number;
}

/** Parses a multi-document YAML stream into manifests, skipping empty documents and expanding `List` kinds. */
export function parseManifests(yaml: string, origin: ParseOrigin, limits: ParseLimits): SourcedManifest[] {
  const bad = nonPrintable(yaml);
  if (bad) {
    const at = fileAt(origin, bad.line);
    throw buildFailed(`${at.file}:${at.line}: invalid YAML: ${bad.message}`, at.file);
  }
  const lineCounter = new LineCounter();
  const locate = locator(origin);
  const out: SourcedManifest[] = [];
  for (const doc of streamDocuments(yaml, lineCounter)) {
    const start = doc.contents?.range[0] ?? doc.range[0];
    const at = locate(lineCounter.linePos(start).line);
    const where = `${at.source.file}:${at.line}`;
    const value = documentValue(doc, at, lineCounter, limits);
    if (value === null) continue;
    if (!isRecord(value)) {
      throw buildFailed(
        `${where}: document is not a Kubernetes object (a mapping with apiVersion, kind and metadata), got ${describe(value)}`,
        at.source.file,
      );
    }
    for (const obj of expandLists(value, where, at.source.file)) {
      out.push({ manifest: toManifest(obj, where, at.source.file), source: at.source });
      if (out.length > limits.maxObjects) {
        throw buildFailed(
          `${originName(origin)}: more than ${limits.maxObjects} objects rendered; split the Sync or raise the limit`,
          originName(origin),
        );
      }
    }
  }
  return out;
}

function originName(origin: ParseOrigin): string {
  if ('file' in origin) return origin.file;
  return origin.files.length === 1 && origin.files[0] ? origin.files[0].file : 'the rendered files';
}

/** The file a line of the concatenated stream belongs to, and the line within that file. */
export function fileAt(
  origin: ParseOrigin,
  line: number,
): { file: string; line: number; lineOffset: number } {
  if ('file' in origin) return { file: origin.file, line, lineOffset: 0 };
  let found: OriginFile = origin.files[0] ?? { file: 'unknown', line: 1 };
  for (const f of origin.files) if (f.line <= line) found = f;
  const lineOffset = found.line - 1;
  return { file: found.file, line: line - lineOffset, lineOffset };
}

/** Maps a stream line to the file it belongs to, counting documents per file as it goes. */
function locator(origin: ParseOrigin): (line: number) => Located {
  const counts = new Map<string, number>();
  const next = (file: string) => {
    const n = counts.get(file) ?? 0;
    counts.set(file, n + 1);
    return n;
  };
  return (streamLine) => {
    const { file, line, lineOffset } = fileAt(origin, streamLine);
    return { source: { file, document: next(file) }, line, lineOffset };
  };
}

function documentValue(doc: Document, at: Located, lines: LineCounter, limits: ParseLimits): unknown {
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    const msg =
      err.code === 'RESOURCE_EXHAUSTION'
        ? 'document is nested too deeply to parse'
        : (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw buildFailed(`${at.source.file}:${pos.line - at.lineOffset}: invalid YAML: ${msg}`, at.source.file);
  }
  if (doc.contents === null) return null;
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: limits.maxAliases });
  } catch (e) {
    const unknown = e instanceof ReferenceError ? unresolvedAlias(doc) : undefined;
    if (unknown) {
      const line = lines.linePos(unknown.offset).line - at.lineOffset;
      throw buildFailed(
        `${at.source.file}:${line}: invalid YAML: unknown alias *${unknown.name} (its anchor &${unknown.name} must come first)`,
        at.source.file,
      );
    }
    if (e instanceof ReferenceError) {
      throw buildFailed(
        `${at.source.file}:${at.line}: document expands too many YAML aliases (limit ${limits.maxAliases}); refusing it as a resource exhaustion attack`,
        at.source.file,
      );
    }
    throw buildFailed(`${at.source.file}:${at.line}: invalid YAML: ${String(e)}`, at.source.file);
  }
  const json = toJsonValue(js, limits.maxDepth);
  if (!json.ok) {
    throw buildFailed(`${at.source.file}:${at.line}: ${json.reason}`, at.source.file);
  }
  return json.value;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What a value is, for a message, never what it holds: a token or password committed as a bare string would
 * otherwise be copied into the Ready condition, the events and the notifications.
 */
function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a sequence';
  if (v === null) return 'null';
  if (typeof v === 'string') return `a string of ${v.length} characters`;
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

/** For metadata.name and namespace: a number or boolean there is a name written without quotes, so say it. */
function describeName(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean' ? `${describe(v)} (${String(v)})` : describe(v);
}

/** `v1/List` and typed lists (`ConfigMapList`) hold their objects in `items`, as kubectl flattens them. */
function* expandLists(
  obj: Record<string, unknown>,
  where: string,
  file: string,
): Generator<Record<string, unknown>> {
  const kind = obj.kind;
  if (!(typeof kind === 'string' && kind.endsWith('List') && Array.isArray(obj.items))) {
    yield obj;
    return;
  }
  for (const [i, item] of obj.items.entries()) {
    if (!isRecord(item)) {
      throw buildFailed(
        `${where}: ${kind} item ${i} is not a Kubernetes object, got ${describe(item)}`,
        file,
      );
    }
    yield* expandLists(item, where, file);
  }
}

function toManifest(obj: Record<string, unknown>, where: string, file: string): Manifest {
  const { apiVersion, kind, metadata } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw buildFailed(`${where}: object has no apiVersion`, file);
  }
  if (typeof kind !== 'string' || kind === '') {
    throw buildFailed(`${where}: object of apiVersion ${apiVersion} has no kind`, file);
  }
  if (!isRecord(metadata)) {
    throw buildFailed(`${where}: ${kind} has no metadata`, file);
  }
  const { name, namespace } = metadata;
  if (name === undefined || name === null || name === '') {
    throw buildFailed(`${where}: ${kind} has no metadata.name`, file);
  }
  if (typeof name !== 'string') {
    throw buildFailed(`${where}: ${kind} metadata.name must be a string, got ${describeName(name)}`, file);
  }
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
    throw buildFailed(
      `${where}: ${kind}/${name} metadata.namespace must be a string, got ${describeName(namespace)}`,
      file,
    );
  }
  if (namespace === null) delete metadata.namespace;
  return obj as Manifest;
}
