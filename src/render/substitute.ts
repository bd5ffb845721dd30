/**
 * Flux's postBuild substitution: `${var}` expressions in the rendered YAML replaced by the Sync's variables,
 * document by document, before the YAML is parsed, so a variable can also produce a number or a boolean
 * (`replicas: ${REPLICAS:=2}`). Pure.
 */
import type { Document } from 'yaml';
import { LineCounter } from 'yaml';
import { SUBSTITUTE_ANNOTATION } from '../core/constants.js';
import { refString } from '../core/types.js';
import { streamDocuments } from '../plan/documents.js';
import { buildFailed } from '../plan/errors.js';
import type { OriginFile } from '../plan/parse.js';
import { fileAt } from '../plan/parse.js';
import type { Lookup } from './envsubst.js';
import { ExpansionError, expand } from './envsubst.js';

/** Variable names Flux accepts in postBuild.substitute (kustomize-controller's varsubRegex). */
const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const DISABLED = 'disabled';

/** Flux's postBuild substitution options. */
export interface SubstituteOptions {
  /** Fail on a variable that is neither set nor has a default, instead of substituting ''. */
  strict?: boolean;
  /** Where each rendered file starts in the stream (RenderResult.files), so an error names file and line. */
  files?: readonly OriginFile[];
}

/**
 * Substitutes `vars` into each document of `yaml`, skipping documents annotated (or labelled)
 * `steward.dev/substitute: disabled`. As in Flux, nothing at all is substituted when `vars` is empty, and
 * newlines are removed from values so that a value cannot break the YAML structure around it.
 */
export function substitute(
  yaml: string,
  vars: Readonly<Record<string, string>>,
  opts: SubstituteOptions = {},
): string {
  const names = Object.keys(vars);
  if (names.length === 0) return yaml;
  for (const name of names) {
    if (!VAR_NAME.test(name)) {
      throw buildFailed(
        `postBuild.substitute: variable name "${name}" is invalid, it must match ${VAR_NAME.source}`,
      );
    }
  }
  const values = new Map(names.map((n) => [n, (vars[n] ?? '').replaceAll('\n', '')]));
  const lookup = (name: string) => values.get(name);
  const lines = new LineCounter();
  const files = opts.files;
  // The file and line of an offset in the stream, for messages; nothing when the files are not known.
  const where = (offset: number) => {
    if (!files || files.length === 0) return '';
    const at = fileAt({ files }, lines.linePos(offset).line);
    return `${at.file}:${at.line}: `;
  };
  let out = '';
  // Each document owns the text from its start to the next one's, so the pieces add up to the input.
  let previous: { doc: Document; from: number } | undefined;
  let index = 0;
  const flush = (to: number) => {
    if (!previous) return;
    const { doc, from } = previous;
    out += substituteDocument(yaml.slice(from, to), doc, index++, lookup, opts.strict === true, (at) =>
      where(from + at),
    );
  };
  for (const doc of streamDocuments(yaml, lines)) {
    const from = previous ? doc.range[0] : 0;
    flush(from);
    previous = { doc, from };
  }
  if (!previous) return yaml;
  flush(yaml.length);
  return out;
}

function substituteDocument(
  text: string,
  doc: Document,
  index: number,
  lookup: Lookup,
  strict: boolean,
  where: (at: number) => string,
): string {
  if (isDisabled(doc)) return text;
  try {
    return expand(text, lookup, strict);
  } catch (e) {
    if (!(e instanceof ExpansionError)) throw e;
    const what = describeDocument(doc, index);
    throw buildFailed(`${where(e.at)}postBuild substitution failed in ${what}: ${e.message}`, what);
  }
}

/** Read from the document before substitution, so a variable can never turn the opt-out on or off. */
function isDisabled(doc: Document): boolean {
  const read = (path: string[]) => {
    try {
      return doc.getIn(path);
    } catch {
      return undefined;
    }
  };
  return (
    read(['metadata', 'annotations', SUBSTITUTE_ANNOTATION]) === DISABLED ||
    read(['metadata', 'labels', SUBSTITUTE_ANNOTATION]) === DISABLED
  );
}

function describeDocument(doc: Document, index: number): string {
  const str = (path: string[]) => {
    try {
      const v = doc.getIn(path);
      return typeof v === 'string' ? v : '';
    } catch {
      return '';
    }
  };
  const kind = str(['kind']);
  const name = str(['metadata', 'name']);
  if (kind === '' || name === '') return `document ${index + 1}`;
  return refString({ kind, namespace: str(['metadata', 'namespace']), name });
}
